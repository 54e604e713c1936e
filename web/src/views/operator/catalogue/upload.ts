// A multipart upload with progress (fetch cannot report an upload's progress): an
// XMLHttpRequest with the session's bearer token, one refresh and retry when the token
// expired (as api/http.ts does), problem+json turned into ApiError.
import { ApiError, networkError } from "@/api/errors";
import { refreshSession } from "@/api/client";
import { useSessionStore } from "@/stores/session";

const REFRESHABLE = new Set(["token_expired", "admin_role_changed"]);

export interface Sent {
  status: number;
  body: unknown;
}

function parse(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** POST `form` to `url` with `token`, reporting bytes sent. */
export function sendForm(url: string, form: FormData, token: string | null,
  onProgress: (loaded: number, total: number) => void): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Accept", "application/json, application/problem+json");
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : 0);
    xhr.onload = () => resolve({ status: xhr.status, body: parse(xhr.responseText) });
    xhr.onerror = () => reject(networkError());
    xhr.onabort = () => reject(networkError());
    xhr.send(form);
  });
}

/** Upload `makeForm()` (a fresh form for a retry) to `url`; the answer's body, or the
 * ApiError it describes. */
export async function upload<T>(url: string, makeForm: () => FormData,
  onProgress: (loaded: number, total: number) => void): Promise<T> {
  const session = useSessionStore();
  const token = session.session?.access_token ?? null;
  let sent = await sendForm(url, makeForm(), token, onProgress);
  if (sent.status === 401 && token) {
    const code = (sent.body as { code?: string } | null)?.code;
    if (code && REFRESHABLE.has(code)) {
      const current = session.session?.access_token;
      const fresh = current && current !== token ? current : (await refreshSession()).access_token;
      sent = await sendForm(url, makeForm(), fresh, onProgress);
    }
    if (sent.status === 401) session.set(null, "expired");
  }
  if (sent.status < 200 || sent.status >= 300) throw new ApiError(sent.status, sent.body);
  return sent.body as T;
}
