// Who is signed in, shared by the router's guards, the shells and every page.
import { defineStore } from "pinia";
import { computed, ref } from "vue";

import { api, ok } from "@/api/client";
import type { SessionChange } from "@/api/http";
import { loadSession, sessionFromTokens, storeSession, type Session, type SessionUser,
  type TokensAnswer } from "@/api/session";

export const useSessionStore = defineStore("session", () => {
  const session = ref<Session | null>(loadSession());
  /** Why the session last changed ("expired" tells the login page to say so). */
  const lastChange = ref<SessionChange | null>(null);

  const user = computed(() => session.value?.user ?? null);
  const role = computed(() => user.value?.role ?? null);
  const signedIn = computed(() => session.value !== null);
  const mustChangePassword = computed(() => session.value?.must_change_password ?? false);

  function set(next: Session | null, reason: SessionChange): void {
    session.value = next;
    lastChange.value = reason;
    storeSession(next);
  }

  function get(): Session | null {
    return session.value;
  }

  /** Keep a login / refresh / password-change answer, then fill in modules from /me. */
  async function signIn(tokens: TokensAnswer): Promise<void> {
    set(sessionFromTokens(tokens, null), "login");
    await reloadMe();
  }

  /** The token's view of the signed-in person (role, modules, forced password change). */
  async function reloadMe(): Promise<void> {
    const me = await ok(api.GET("/api/v1/me"));
    const current = session.value;
    if (!current) return;
    const userChanges: Partial<SessionUser> = {
      user_id: me.user_id, username: me.username, real_name: me.real_name,
      org_id: me.org_id, modules: me.modules ?? [], is_super: Boolean(me.is_super),
    };
    if (me.role) userChanges.role = me.role as SessionUser["role"];
    set({ ...current, must_change_password: Boolean(me.must_change_password),
      user: { ...current.user, ...userChanges } }, "update");
  }

  async function signOut(): Promise<void> {
    const refreshToken = session.value?.refresh_token;
    set(null, "logout");
    if (refreshToken) {
      try {
        await api.POST("/api/v1/auth/logout", { body: { refresh_token: refreshToken } });
      } catch {
        // The local session is gone either way; the token expires on its own.
      }
    }
  }

  return { session, lastChange, user, role, signedIn, mustChangePassword, set, get, signIn,
    reloadMe, signOut };
});
