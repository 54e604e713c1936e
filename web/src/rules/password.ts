// The password rule, as identity checks it: 8–64 printable characters (spaces and symbols
// allowed), at least two of letters / digits / symbols, and not the username. The client
// checks it only to help; the server's answer is what counts.

export const PASSWORD_HINT = "8–64位，须至少包含字母、数字、符号中的两种，且不能与用户名相同";

const LETTER = /\p{L}/u;
const DIGIT = /\p{N}/u;
const SYMBOL = /[^\p{L}\p{N}]/u;
// Python's str.isprintable(): no control / format / separator characters except " ".
const UNPRINTABLE = /[\p{C}\p{Zl}\p{Zp}]|(?! )\p{Zs}/u;

/** How many of letters, digits and symbols the password uses (0–3). */
export function classesOf(password: string): number {
  return [LETTER, DIGIT, SYMBOL].filter((re) => re.test(password)).length;
}

/** The first broken rule as a Chinese message, or "" when the password is acceptable. */
export function passwordProblem(password: string, username = ""): string {
  if (!password) return "请输入密码";
  if (UNPRINTABLE.test(password)) return "密码不能包含换行、制表符等不可见字符";
  const length = [...password].length;
  if (length < 8 || length > 64) return "密码长度须为8–64位";
  if (classesOf(password) < 2) return "密码须至少包含字母、数字、符号中的两种";
  if (username && password.toLowerCase() === username.toLowerCase()) return "密码不能与用户名相同";
  return "";
}

export interface Strength {
  /** 0 无 (empty), 1 弱 (breaks the rule), 2 中, 3 强. */
  level: 0 | 1 | 2 | 3;
  label: "无" | "弱" | "中" | "强";
}

export function strengthOf(password: string, username = ""): Strength {
  if (!password) return { level: 0, label: "无" };
  if (passwordProblem(password, username)) return { level: 1, label: "弱" };
  const classes = classesOf(password);
  if (classes === 3 || ([...password].length >= 12 && classes >= 2)) {
    return { level: 3, label: "强" };
  }
  return { level: 2, label: "中" };
}

export interface PasswordChangeForm {
  old_password: string;
  new_password: string;
  new_password_confirm: string;
}

/** The messages to show beside the fields before sending (empty when all is well). */
export function passwordChangeProblems(form: PasswordChangeForm, username = "")
  : Partial<Record<keyof PasswordChangeForm, string>> {
  const out: Partial<Record<keyof PasswordChangeForm, string>> = {};
  if (!form.old_password) out.old_password = "请输入原密码";
  const problem = passwordProblem(form.new_password, username);
  if (problem) out.new_password = problem;
  else if (form.new_password === form.old_password) out.new_password = "新密码不能与原密码相同";
  if (!form.new_password_confirm) out.new_password_confirm = "请再次输入新密码";
  else if (form.new_password !== form.new_password_confirm) {
    out.new_password_confirm = "两次输入的新密码不一致";
  }
  return out;
}
