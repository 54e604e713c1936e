// The app's one API client, bound to the session store when the app starts (main.ts).
import { createApi, type SessionPort } from "./http";

let port: SessionPort = { get: () => null, set: () => undefined };

export function bindSession(next: SessionPort): void {
  port = next;
}

const instance = createApi({ get: () => port.get(), set: (s, reason) => port.set(s, reason) });

export const api = instance.client;
export const refreshSession = instance.refresh;
export { ok, asForm } from "./http";
export { ApiError, messageOf } from "./errors";
