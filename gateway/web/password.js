// The password rule, as identity checks it: 8–64 printable characters (spaces and symbols
// allowed), at least two of letters / digits / symbols, and not the username.
// The client checks it only to help; the server's answer is what counts.
import { h } from "./dom.js";

export const PASSWORD_HINT = "8–64位，须至少包含字母、数字、符号中的两种，且不能与用户名相同";

const LETTER = /\p{L}/u;
const DIGIT = /\p{N}/u;
const SYMBOL = /[^\p{L}\p{N}]/u;
// Python's str.isprintable(): no control / format / separator characters except " ".
const UNPRINTABLE = /[\p{C}\p{Zl}\p{Zp}]|(?! )\p{Zs}/u;

export function classesOf(password) {
  return [LETTER, DIGIT, SYMBOL].filter((re) => re.test(password)).length;
}

/** The first broken rule as a Chinese message, or "" when the password is acceptable. */
export function passwordProblem(password, username) {
  if (!password) return "请输入密码";
  if (UNPRINTABLE.test(password)) return "密码不能包含换行、制表符等不可见字符";
  const length = [...password].length;
  if (length < 8 || length > 64) return "密码长度须为8–64位";
  if (classesOf(password) < 2) return "密码须至少包含字母、数字、符号中的两种";
  if (username && password.toLowerCase() === username.toLowerCase()) return "密码不能与用户名相同";
  return "";
}

/** {level: 0–3, label} — 0 无 (empty), 1 弱 (breaks the rule), 2 中, 3 强. */
export function strengthOf(password, username) {
  if (!password) return { level: 0, label: "无" };
  if (passwordProblem(password, username)) return { level: 1, label: "弱" };
  const length = [...password].length;
  if (classesOf(password) === 3 || (length >= 12 && classesOf(password) >= 2)) {
    return { level: 3, label: "强" };
  }
  return { level: 2, label: "中" };
}

/**
 * A strength meter bound to a password input. getUsername() gives the username to compare
 * with (may return ""). Returns the meter element.
 */
export function strengthMeter(input, getUsername = () => "") {
  const bars = [1, 2, 3].map(() => h("span", { class: "bar" }));
  const text = h("span", { class: "strength-text" }, "密码强度：无");
  const meter = h("div", { class: "strength", dataset: { level: "0" }, "aria-live": "polite" },
    h("span", { class: "bars", "aria-hidden": "true" }, bars), text);
  const update = () => {
    const { level, label } = strengthOf(input.value, getUsername());
    meter.dataset.level = String(level);
    text.textContent = `密码强度：${label}`;
  };
  input.addEventListener("input", update);
  meter.update = update;
  return meter;
}
