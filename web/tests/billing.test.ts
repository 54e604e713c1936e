import { describe, expect, it } from "vitest";

import { ApiError } from "@/api/errors";
import { menusFor } from "@/menus";
import { routes } from "@/router/routes";
import { BANKS, cardPocket, checkoutCourses, countdownText, entryKindLabel, epochOf, groupKeys,
  hasRestricted, isRecharge, linesText, methodsFor, orderQuery, payable, pocketLabel,
  pocketsFor, pollOrder, rechargeFen,
  remainingMs, rmb, signedRmb, statusTag, usableFen, type Order } from "@/views/billing/billing";
import { cartKeysOf, payPath, resultPath } from "@/views/billing/purchase";

describe("money", () => {
  it("shows fen as yuan with the currency sign, from integers", () => {
    expect(rmb(1000)).toBe("¥10.00");
    expect(rmb(5)).toBe("¥0.05");
    expect(rmb(0)).toBe("¥0.00");
    expect(rmb(123456789)).toBe("¥1,234,567.89");
    expect(rmb(-1000)).toBe("-¥10.00");
    expect(rmb(undefined)).toBe("¥0.00");
    expect(rmb(null)).toBe("¥0.00");
    expect(rmb(Number.NaN)).toBe("¥0.00");
    // 0.1 + 0.2 style sums never happen: fen are added as integers
    expect(rmb(10 + 20)).toBe("¥0.30");
  });

  it("signs the ledger's amounts", () => {
    expect(signedRmb(5000)).toBe("+¥50.00");
    expect(signedRmb(-1000)).toBe("-¥10.00");
    expect(signedRmb(0)).toBe("¥0.00");
  });
});

describe("an order's state and the time left to pay", () => {
  const now = Date.parse("2026-03-05T10:00:00Z");

  it("reads ISO times with or without an offset as UTC", () => {
    expect(epochOf("2026-03-05T10:30:00+00:00")).toBe(now + 30 * 60_000);
    expect(epochOf("2026-03-05T10:30:00")).toBe(now + 30 * 60_000);
    expect(epochOf("2026-03-05T18:30:00+08:00")).toBe(now + 30 * 60_000);
    expect(epochOf(null)).toBeNaN();
  });

  it("counts down to the order's closing", () => {
    expect(remainingMs("2026-03-05T10:29:05+00:00", now)).toBe(29 * 60_000 + 5000);
    expect(remainingMs("2026-03-05T09:59:00+00:00", now)).toBe(0);
    expect(remainingMs(undefined, now)).toBe(0);
    expect(countdownText(29 * 60_000 + 5000)).toBe("29分05秒");
    expect(countdownText(3_723_000)).toBe("1小时02分03秒");
    expect(countdownText(9_999)).toBe("9秒");
    expect(countdownText(-5)).toBe("0秒");
  });

  it("lets only an unpaid order within its time be paid", () => {
    const open = { status: "unpaid", expires_at: "2026-03-05T10:30:00+00:00" };
    expect(payable(open, now)).toBe(true);
    expect(payable({ ...open, expires_at: "2026-03-05T09:00:00+00:00" }, now)).toBe(false);
    expect(payable({ ...open, status: "paid" }, now)).toBe(false);
    expect(payable(null, now)).toBe(false);
  });

  it("tags each state", () => {
    expect(statusTag("unpaid")).toEqual({ label: "待支付", type: "warning" });
    expect(statusTag("paid", "已支付")).toEqual({ label: "已支付", type: "success" });
    expect(statusTag("closed").type).toBe("info");
    expect(statusTag("refunded").label).toBe("已退款");
    expect(statusTag("partially_refunded").type).toBe("danger");
  });
});

describe("the balance and the ledger", () => {
  const order = { plan_year: 2018, plan_kind: "public", cards_allowed: true };
  // pockets named as billing names them (services/billing/domain/pockets.py)
  const account = { pockets: [
    { pocket: "general", balance_fen: 500 },
    { pocket: "card:2018", balance_fen: 300 },
    { pocket: "card:professional", balance_fen: 700 },
    { pocket: "card:public", balance_fen: 200 },
    { pocket: "card:2018:public", balance_fen: 40 },
    { pocket: "card:2016", balance_fen: 900 },
    { pocket: "card", balance_fen: 1 }] };

  it("counts the pockets that may pay an order, as billing spends them", () => {
    expect(pocketsFor(order)).toEqual(["card:2018:public", "card:2018", "card:public", "card",
      "general"]);
    expect(usableFen(account, order)).toBe(1041);
    expect(usableFen(account, { ...order, cards_allowed: false })).toBe(500);
    expect(usableFen(null, order)).toBe(0);
    expect(cardPocket(2018, "public")).toBe("card:2018:public");
    expect(cardPocket(null, "professional")).toBe("card:professional");
    expect(cardPocket()).toBe("card");
  });

  it("names the pockets and the entries in Chinese", () => {
    expect(pocketLabel("card:2018")).toBe("学习卡（2018年度培训计划专用）");
    expect(pocketLabel("card:public")).toBe("学习卡（公需科目培训计划专用）");
    expect(pocketLabel("card:2018:professional")).toBe("学习卡（2018年度专业科目培训计划专用）");
    expect(pocketLabel("card")).toBe("学习卡");
    expect(pocketLabel("general")).toBe("通用余额");
    expect(hasRestricted(account)).toBe(true);
    expect(hasRestricted({ pockets: [{ pocket: "general", balance_fen: 1 }] })).toBe(false);
    expect(["recharge", "card", "order", "refund"].map(entryKindLabel))
      .toEqual(["充值", "学习卡", "订单支付", "退款"]);
  });

  it("lists the six banks", () => {
    expect(BANKS).toEqual(["中国银行", "中国工商银行", "中国建设银行", "中国农业银行", "交通银行",
      "招商银行"]);
  });
});

describe("the cart and the orders list", () => {
  const priced = { plan_id: 7, payable: true, lines: [
    { kind: "course", course_id: 3, title: "甲" }, { kind: "course", course_id: 4, title: "乙" }] };
  const flat = { plan_id: 8, payable: true, lines: [
    { kind: "plan_fee", course_id: null, title: "专业科目（2.0学时）" }] };
  const refused = { plan_id: 9, payable: false, course_ids: [5],
    problem: { code: "already_bought", detail: "以下课程已购买：丙" } };
  const refusedFlat = { plan_id: 10, payable: false, course_ids: [] };

  it("checks out a group's courses, none for a plan's fee", () => {
    expect(checkoutCourses(priced)).toEqual([3, 4]);
    expect(checkoutCourses(flat)).toEqual([]);
    expect(checkoutCourses(refused)).toEqual([5]);
  });

  it("removes a group's entries, 0 standing for the plan's fee", () => {
    expect(groupKeys(priced)).toEqual([3, 4]);
    expect(groupKeys(flat)).toEqual([0]);
    expect(groupKeys(refused)).toEqual([5]);
    expect(groupKeys(refusedFlat)).toEqual([0]);
    const cart = { groups: [priced, flat, refused, refusedFlat] };
    expect([...cartKeysOf(cart, 7)]).toEqual([3, 4]);
    expect([...cartKeysOf(cart, 8)]).toEqual([0]);
    expect([...cartKeysOf(cart, 9)]).toEqual([5]);
    expect([...cartKeysOf(cart, 10)]).toEqual([0]);
    expect(cartKeysOf(cart, 11).size).toBe(0);
    expect(cartKeysOf(null, 7).size).toBe(0);
  });

  it("builds 我的订单's query and course column", () => {
    expect(orderQuery({ status: "paid", range: ["2026-03-01", "2026-03-05"], course: " 经济 ",
      page: 2, page_size: 10 })).toEqual({ status: "paid", created_from: "2026-03-01",
      created_to: "2026-03-05", course: "经济", page: 2, page_size: 10 });
    expect(orderQuery({ status: "", range: null, course: "" })).toEqual({ status: undefined,
      created_from: undefined, created_to: undefined, course: undefined, page: undefined,
      page_size: undefined });
    expect(linesText([{ title: "甲" }, { title: "乙" }])).toBe("甲、乙");
    expect(linesText(undefined)).toBe("");
    expect(payPath("CE2026")).toBe("/orders/CE2026/pay");
    expect(resultPath("CE2026")).toBe("/orders/CE2026/result");
  });

  it("puts 购物车, 我的订单 and 我的账户 in the learner's navigation and routes them", () => {
    const items = menusFor({ user_id: 1, username: "u", role: "learner" }).flatMap((g) => g.items);
    const labels = items.map((i) => i.label);
    expect(items).toEqual(expect.arrayContaining([{ path: "/cart", label: "购物车" },
      { path: "/orders", label: "我的订单" }, { path: "/account", label: "我的账户" }]));
    expect(labels.indexOf("我的档案")).toBeLessThan(labels.indexOf("购物车"));
    expect(labels.indexOf("购物车")).toBeLessThan(labels.indexOf("我的订单"));
    const admin = menusFor({ user_id: 1, username: "a", role: "admin", modules: [] })
      .flatMap((g) => g.items.map((i) => i.path));
    expect(admin).not.toContain("/orders");
    const all = routes.flatMap((r) => r.children ?? []);
    for (const path of ["cart", "orders", "orders/:orderNo([A-Za-z0-9]+)/pay",
      "orders/:orderNo([A-Za-z0-9]+)/result", "account"]) {
      expect(all.find((r) => r.path === path)?.meta).toMatchObject({ auth: true,
        roles: ["learner"] });
    }
  });
});

describe("支付结果's polling", () => {
  function clock() {
    let t = 0;
    const slept: number[] = [];
    return { now: () => t, sleep: async (ms: number) => { slept.push(ms); t += ms; }, slept };
  }
  const unpaid = { order_no: "CE1", status: "unpaid" } as Order;
  const paid = { order_no: "CE1", status: "paid" } as Order;

  it("asks until billing holds the order paid", async () => {
    const c = clock();
    const answers = [unpaid, unpaid, paid];
    const seen: Order[] = [];
    const result = await pollOrder(async () => answers.shift()!, { ...c, intervalMs: 1500,
      timeoutMs: 30_000, onOrder: (o) => seen.push(o) });
    expect(result).toEqual({ outcome: "paid", order: paid });
    expect(c.slept).toEqual([1500, 1500]);
    expect(seen).toHaveLength(3);
  });

  it("gives up after the time allowed, never assuming payment", async () => {
    const c = clock();
    let asked = 0;
    const result = await pollOrder(async () => { asked += 1; return unpaid; },
      { ...c, intervalMs: 1500, timeoutMs: 30_000 });
    expect(result).toEqual({ outcome: "timeout", order: unpaid });
    expect(asked).toBe(21); // at 0, 1.5 s, … 30 s
    expect(c.now()).toBe(30_000);
  });

  it("stops at a closed order, retries a passing error, ends at a missing order", async () => {
    const closed = { order_no: "CE1", status: "closed" } as Order;
    expect(await pollOrder(async () => closed, clock())).toEqual({ outcome: "settled",
      order: closed });

    const c = clock();
    let calls = 0;
    const flaky = async () => {
      calls += 1;
      if (calls === 1) throw new ApiError(0);
      return paid;
    };
    expect(await pollOrder(flaky, { ...c, fatal: (e) => (e as ApiError).status === 404 }))
      .toEqual({ outcome: "paid", order: paid });

    const missing = new ApiError(404, { code: "order_not_found", detail: "订单不存在" });
    const failed = await pollOrder(async () => { throw missing; },
      { ...clock(), fatal: (e) => (e as ApiError).status === 404 });
    expect(failed).toEqual({ outcome: "failed", error: missing });
  });

  it("stops when the page is left", async () => {
    const c = clock();
    let left = false;
    const result = await pollOrder(async () => { left = true; return unpaid; },
      { ...c, stopped: () => left });
    expect(result).toEqual({ outcome: "stopped" });
  });
});

describe("账户充值", () => {
  it("reads yuan as fen without floats", () => {
    expect(rechargeFen("50")).toEqual({ fen: 5000 });
    expect(rechargeFen(" 50.5 ")).toEqual({ fen: 5050 });
    expect(rechargeFen("0.29")).toEqual({ problem: "充值金额须在¥1.00到¥5,000.00之间" });
    expect(rechargeFen("1.00")).toEqual({ fen: 100 });
    expect(rechargeFen("5000.01")).toEqual({ problem: "充值金额须在¥1.00到¥5,000.00之间" });
    expect(rechargeFen("4999.99")).toEqual({ fen: 499_999 });
  });

  it("says what is wrong with what was typed", () => {
    expect(rechargeFen("")).toEqual({ problem: "请输入充值金额" });
    expect(rechargeFen("1.234")).toEqual({ problem: "请输入金额，最多两位小数" });
    expect(rechargeFen("-5")).toEqual({ problem: "请输入金额，最多两位小数" });
    expect(rechargeFen("1e3")).toEqual({ problem: "请输入金额，最多两位小数" });
  });

  it("never offers the balance to pay a recharge", () => {
    expect(methodsFor({ kind: "recharge" }).map((m) => m.value)).toEqual(["alipay", "bank"]);
    expect(methodsFor({ kind: "purchase" }).map((m) => m.value))
      .toEqual(["alipay", "bank", "balance"]);
    expect(isRecharge({ kind: "recharge" })).toBe(true);
    expect(isRecharge(null)).toBe(false);
  });
});
