import { describe, expect, it } from "vitest";

import { ApiError } from "@/api/errors";
import { createApi, ok, type SessionChange, type SessionPort } from "@/api/http";
import type { Session } from "@/api/session";

const BASE = "http://gateway.test";

function session(token: string): Session {
  return { access_token: token, refresh_token: `r-${token}`, must_change_password: false,
    user: { user_id: 7, role: "admin", username: "boss" } };
}

function memoryPort(initial: Session | null) {
  let current = initial;
  const changes: SessionChange[] = [];
  const port: SessionPort = {
    get: () => current,
    set: (next, reason) => {
      current = next;
      changes.push(reason);
    },
  };
  return { port, changes, current: () => current };
}

function problem(status: number, code: string, extra: object = {}): Response {
  return new Response(JSON.stringify({ status, code, detail: `说明 ${code}`, ...extra }),
    { status, headers: { "Content-Type": "application/problem+json" } });
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status,
    headers: { "Content-Type": "application/json" } });
}

describe("the API client", () => {
  it("sends the access token and returns the data", async () => {
    const { port } = memoryPort(session("a1"));
    const seen: string[] = [];
    const { client } = createApi(port, { baseUrl: BASE, fetch: async (request) => {
      seen.push(request.headers.get("Authorization") ?? "");
      return json({ user_id: 7, role: "admin" });
    } });
    const me = await ok(client.GET("/api/v1/me"));
    expect(me.user_id).toBe(7);
    expect(seen).toEqual(["Bearer a1"]);
  });

  it("refreshes an expired token once and retries the call with the new one", async () => {
    const { port, changes, current } = memoryPort(session("old"));
    const calls: string[] = [];
    const { client } = createApi(port, { baseUrl: BASE, fetch: async (request) => {
      const url = new URL(request.url).pathname;
      calls.push(`${request.method} ${url} ${request.headers.get("Authorization") ?? "-"}`);
      if (url === "/api/v1/auth/refresh") {
        expect(await request.json()).toEqual({ refresh_token: "r-old" });
        return json({ access_token: "new", refresh_token: "r-new", must_change_password: false });
      }
      if (request.headers.get("Authorization") === "Bearer old") {
        return problem(401, "token_expired");
      }
      expect(await request.json()).toEqual({ mobile: "13900000000" });
      return json({ user_id: 7 });
    } });
    await ok(client.PATCH("/api/v1/me", { body: { mobile: "13900000000" } }));
    expect(calls).toEqual(["PATCH /api/v1/me Bearer old", "POST /api/v1/auth/refresh -",
      "PATCH /api/v1/me Bearer new"]);
    expect(current()?.access_token).toBe("new");
    expect(current()?.user.username).toBe("boss"); // the user is kept across a refresh
    expect(changes).toEqual(["refresh"]);
  });

  it("shares one refresh between calls that expire together", async () => {
    const { port } = memoryPort(session("old"));
    let refreshes = 0;
    const { client } = createApi(port, { baseUrl: BASE, fetch: async (request) => {
      if (request.url.endsWith("/auth/refresh")) {
        refreshes += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return json({ access_token: "new", refresh_token: "r-new" });
      }
      return request.headers.get("Authorization") === "Bearer new"
        ? json({ user_id: 7 }) : problem(401, "admin_role_changed");
    } });
    await Promise.all([ok(client.GET("/api/v1/me")), ok(client.GET("/api/v1/me/profile"))]);
    expect(refreshes).toBe(1);
  });

  it("ends the session when the refresh is refused, and does not loop", async () => {
    const { port, current, changes } = memoryPort(session("old"));
    let calls = 0;
    const { client } = createApi(port, { baseUrl: BASE, fetch: async (request) => {
      calls += 1;
      return request.url.endsWith("/auth/refresh")
        ? problem(401, "refresh_invalid") : problem(401, "token_expired");
    } });
    const err = await ok(client.GET("/api/v1/me")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(401);
    expect(calls).toBe(2);
    expect(current()).toBeNull();
    expect(changes).toEqual(["expired"]);
  });

  it("does not refresh for other 401s and turns problem+json into field errors", async () => {
    const { port } = memoryPort(null);
    const { client } = createApi(port, { baseUrl: BASE, fetch: async () => problem(422,
      "validation_failed", { errors: { "applicant.mobile": ["手机号码格式不正确"], password: "太短" } }) });
    const err = (await ok(client.POST("/api/v1/auth/login", { body: { username: "x",
      password: "y", role: "learner" } })).catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe("validation_failed");
    expect(err.detail).toBe("说明 validation_failed");
    expect(err.fieldErrors).toEqual({ "applicant.mobile": "手机号码格式不正确", password: "太短" });
  });

  it("marks the session when the server asks for a password change", async () => {
    const { port, current, changes } = memoryPort(session("a1"));
    const { client } = createApi(port, { baseUrl: BASE,
      fetch: async () => problem(403, "password_change_required") });
    await expect(ok(client.GET("/api/v1/me/profile"))).rejects.toBeInstanceOf(ApiError);
    expect(current()?.must_change_password).toBe(true);
    expect(changes).toEqual(["must-change-password"]);
  });

  it("says a network failure in Chinese", async () => {
    const { port } = memoryPort(null);
    const { client } = createApi(port, { baseUrl: BASE, fetch: async () => {
      throw new TypeError("Failed to fetch");
    } });
    const err = (await ok(client.GET("/api/v1/auth/captcha")).catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(0);
    expect(err.detail).toBe("无法连接服务器，请检查网络后重试");
  });
});
