// 重置学员密码: the user ID as typed, checked before asking.

/** Why `raw` is not a user ID, or null. */
export function userIdProblem(raw: string): string | null {
  const value = raw.trim();
  if (!value) return "请输入学员用户 ID";
  return /^[1-9]\d{0,11}$/.test(value) ? null : "用户 ID 须为正整数";
}

/** The success message for the answer of the reset. */
export function resetDoneText(userId: number | string, mustChange: boolean | undefined): string {
  return `已重置用户 ${userId} 的密码为其证件号码后六位`
    + `${mustChange ? "，该学员下次登录须先修改密码" : ""}。`;
}
