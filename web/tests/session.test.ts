import { describe, expect, it } from "vitest";

import { loadSession, sessionFromTokens, storeSession } from "@/api/session";
import { forgetAccount, rememberAccount, rememberedAccount } from "@/views/public/rememberedAccount";

describe("the stored session", () => {
  it("round-trips and refuses what is not a session", () => {
    const s = sessionFromTokens({ access_token: "a", refresh_token: "r", must_change_password: true,
      user: { user_id: 3, role: "learner", username: "li" } }, null);
    storeSession(s, sessionStorage);
    expect(loadSession(sessionStorage)).toEqual(s);
    sessionStorage.setItem("cpe.session", "{not json");
    expect(loadSession(sessionStorage)).toBeNull();
    storeSession(null, sessionStorage);
    expect(loadSession(sessionStorage)).toBeNull();
  });

  it("keeps the user and refresh token a refresh answer leaves out", () => {
    const before = sessionFromTokens({ access_token: "a", refresh_token: "r",
      user: { user_id: 3, role: "admin", username: "boss", modules: ["statistics"] } }, null);
    const after = sessionFromTokens({ access_token: "b" }, before);
    expect(after.refresh_token).toBe("r");
    expect(after.user.modules).toEqual(["statistics"]);
    expect(after.must_change_password).toBe(false);
  });
});

describe("记住账号", () => {
  it("keeps the login name and role, never more, until forgotten", () => {
    rememberAccount({ username: "zhangwei", role: "admin", password: "x" } as never, localStorage);
    expect(rememberedAccount(localStorage)).toEqual({ username: "zhangwei", role: "admin" });
    expect(localStorage.getItem("cpe.remembered-account")).not.toContain("password");
    forgetAccount(localStorage);
    expect(rememberedAccount(localStorage)).toBeNull();
  });
});
