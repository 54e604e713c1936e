// 学习卡充值's pure parts: the card number as typed (spaces and dashes of the printed card
// left out), the blanks caught before sending, and what the page says once redeemed.
import type { components } from "@/api/schema";

import { pocketLabel, rmb } from "./billing";

export type CardRedeemed = components["schemas"]["CardRedeemed"];

/** A card number as printed or typed ("1234 5678-9012 3456") as billing keeps it. */
export function cardNoOf(text: string): string {
  return text.replace(/[\s-]+/g, "");
}

/** The messages to show beside 卡号 / 密码 before sending (none: send). */
export function redeemProblems(card: { card_no: string; password: string }):
  Partial<Record<"card_no" | "password", string>> {
  const problems: Partial<Record<"card_no" | "password", string>> = {};
  if (!cardNoOf(card.card_no)) problems.card_no = "请输入学习卡卡号";
  if (!card.password.trim()) problems.password = "请输入学习卡密码";
  return problems;
}

/** "充值成功：学习卡 …3456 的 ¥10.00 已存入“学习卡（2026年度公需科目培训计划专用）”。" */
export function redeemedText(answer: CardRedeemed): string {
  const where = answer.pocket_label || pocketLabel(answer.pocket);
  return `充值成功：学习卡 ${answer.card_no ?? ""} 的 ${rmb(answer.amount_fen)} 已存入“${where}”。`;
}
