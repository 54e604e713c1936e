// The login session, kept in sessionStorage (a closed tab signs out): the access and
// refresh tokens and who signed in. Plain functions over storage; the Pinia store
// (stores/session.ts) makes it reactive.

export type Role = "learner" | "admin" | "operator";

export interface SessionUser {
  user_id: number;
  role: Role;
  username: string;
  real_name?: string | null;
  org_id?: number | null;
  modules?: string[];
  is_super?: boolean;
}

export interface Session {
  access_token: string;
  refresh_token: string;
  expires_in?: number;
  must_change_password: boolean;
  user: SessionUser;
}

export interface TokensAnswer {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  must_change_password?: boolean;
  user?: (Omit<Partial<SessionUser>, "role"> & { role?: string }) | null;
}

const KEY = "cpe.session";

export function loadSession(storage: Storage = sessionStorage): Session | null {
  try {
    const s = JSON.parse(storage.getItem(KEY) ?? "null");
    return s && typeof s.access_token === "string" && s.user ? (s as Session) : null;
  } catch {
    return null;
  }
}

export function storeSession(s: Session | null, storage: Storage = sessionStorage): void {
  if (s) storage.setItem(KEY, JSON.stringify(s));
  else storage.removeItem(KEY);
}

/** A new session from a login / refresh / password-change answer; the user of `previous`
 * fills what the answer leaves out. */
export function sessionFromTokens(tokens: TokensAnswer, previous: Session | null): Session {
  const user = { ...(previous?.user ?? {}), ...(tokens.user ?? {}) } as SessionUser;
  return {
    access_token: tokens.access_token ?? "",
    refresh_token: tokens.refresh_token ?? previous?.refresh_token ?? "",
    expires_in: tokens.expires_in,
    must_change_password: Boolean(tokens.must_change_password),
    user,
  };
}

export const ROLE_LABELS: Record<Role, string> = { learner: "学员", admin: "管理员",
  operator: "平台运营" };
