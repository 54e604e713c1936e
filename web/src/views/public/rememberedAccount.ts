// 记住账号: the login name and role kept in this browser's localStorage (never the password).
import type { Role } from "@/api/session";

const KEY = "cpe.remembered-account";

export interface RememberedAccount {
  username: string;
  role: Role;
}

export function rememberedAccount(storage: Storage = localStorage): RememberedAccount | null {
  try {
    const value = JSON.parse(storage.getItem(KEY) ?? "null");
    return value && typeof value.username === "string" ? value : null;
  } catch {
    return null;
  }
}

export function rememberAccount(account: RememberedAccount, storage: Storage = localStorage): void {
  storage.setItem(KEY, JSON.stringify({ username: account.username, role: account.role }));
}

export function forgetAccount(storage: Storage = localStorage): void {
  storage.removeItem(KEY);
}
