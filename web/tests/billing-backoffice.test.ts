import { describe, expect, it } from "vitest";

import { ADMIN_MENU, menusFor } from "@/menus";
import { routes } from "@/router/routes";
import { cardNoOf, redeemedText, redeemProblems } from "@/views/billing/cards";
import { emptyTitle, invoiceable, invoiceBody, invoicedOrders, invoiceFen, invoiceTag,
  normalTitle, orderNosOf, taxNoOf, titleShows, titleText } from "@/views/billing/invoices";
import { batchFieldOf, batchTag, cardBatchBody, issuingText, newBatchValues, pollBatch,
  saleText, type CardBatch } from "@/views/operator/billing/cardBatches";
import { invoiceNoProblem, issueForm, issueUrl, MAX_PDF_BYTES, pdfProblem, rejectProblem }
  from "@/views/operator/billing/invoiceAdmin";
import { learnerText, newRequestId, openLines, operatorOrderQuery, partialAllowed, refundable,
  refundBody, refundFen, refundText } from "@/views/operator/billing/orders";

const TAX_NO = "91110000600037341L";

describe("申请发票", () => {
  it("asks for the fields the kind of invoice uses", () => {
    expect(titleShows({ kind: "ordinary", title_type: "personal" }))
      .toEqual({ taxNo: false, email: true, special: false });
    expect(titleShows({ kind: "ordinary", title_type: "company" }))
      .toEqual({ taxNo: true, email: true, special: false });
    expect(titleShows({ kind: "special", title_type: "personal" }))
      .toEqual({ taxNo: true, email: false, special: true });
    expect(normalTitle({ ...emptyTitle(), kind: "special" }).title_type).toBe("company");
    expect(emptyTitle(true).title_type).toBe("company");
  });

  it("sends a personal 普通发票 with its email only", () => {
    const draft = invoiceBody({ ...emptyTitle(), title: " 张伟 ", email: "zw@example.cn",
      tax_no: "ignored", address_phone: "ignored" }, ["CE1", "CE2"]);
    expect(draft.body).toEqual({ kind: "ordinary", title_type: "personal", title: "张伟",
      tax_no: null, email: "zw@example.cn", address_phone: null, bank_account: null,
      order_nos: ["CE1", "CE2"] });
  });

  it("sends a 专用发票 as a company's with every 附件4 field, the tax number tidied", () => {
    const draft = invoiceBody({ kind: "special", title_type: "personal", title: "天津建工集团",
      tax_no: " 9111 0000 6000 3734 1l", email: "x@example.cn", address_phone: "天津 022-1",
      bank_account: "中国银行 123" }, ["CE1"]);
    expect(draft.body).toEqual({ kind: "special", title_type: "company", title: "天津建工集团",
      tax_no: TAX_NO, email: null, address_phone: "天津 022-1", bank_account: "中国银行 123",
      order_nos: ["CE1"] });
    expect(taxNoOf(" 9111 0000 6000 3734 1l")).toBe(TAX_NO);
  });

  it("shows the blanks beside their fields before sending", () => {
    expect(invoiceBody(emptyTitle(), []).problems).toEqual({ title: "请填写个人姓名",
      email: "请填写接收电子发票的邮箱", order_nos: "请选择要开票的订单" });
    expect(invoiceBody({ ...emptyTitle(), kind: "special" }, ["CE1"]).problems).toEqual({
      title: "请填写单位全称", tax_no: "请填写纳税人识别号（统一社会信用代码）",
      address_phone: "请填写单位地址、电话", bank_account: "请填写开户行及账号" });
    expect(invoiceBody({ ...emptyTitle(), title: "张伟", email: "not-an-email" }, ["CE1"])
      .problems).toEqual({ email: "邮箱格式不正确" });
    expect(invoiceBody({ ...emptyTitle(), title: "张伟", email: "not-an-email" }, ["CE1"]).body)
      .toBeNull();
  });

  it("reads order numbers one per line, each once", () => {
    expect(orderNosOf(" CE1 \n\nCE2\r\nCE1，CE3 CE4\t")).toEqual(["CE1", "CE2", "CE3", "CE4"]);
    expect(orderNosOf("  \n ")).toEqual([]);
  });

  it("knows which orders may be invoiced and what they come to", () => {
    expect(invoiceable({ status: "paid" })).toBe(true);
    expect(invoiceable({ status: "partially_refunded" })).toBe(true);
    expect(invoiceable({ status: "refunded" })).toBe(false);
    expect(invoiceable({ status: "unpaid" })).toBe(false);
    expect(invoiceFen([{ total_fen: 1000, refunded_fen: 0 }, { total_fen: 3000,
      refunded_fen: 1000 }])).toBe(3000);
    const live = invoicedOrders([
      { status: "issued", order_nos: ["CE1"] },
      { status: "rejected", order_nos: ["CE2"] },
      { status: "requested", order_nos: ["CE3", "CE4"] }]);
    expect([...live]).toEqual([["CE1", "issued"], ["CE3", "requested"], ["CE4", "requested"]]);
  });

  it("tags the requests' states and writes the title", () => {
    expect(invoiceTag("requested")).toEqual({ label: "待开具", type: "warning" });
    expect(invoiceTag("issued", "已开具")).toEqual({ label: "已开具", type: "success" });
    expect(invoiceTag("rejected")).toEqual({ label: "已驳回", type: "danger" });
    expect(titleText({ title: "天津市第一中心医院", tax_no: TAX_NO }))
      .toBe(`天津市第一中心医院（${TAX_NO}）`);
    expect(titleText({ title: "张伟", tax_no: null })).toBe("张伟");
  });
});

describe("学习卡充值", () => {
  it("tidies the number and catches blanks", () => {
    expect(cardNoOf(" 1234 5678-9012 3456 ")).toBe("1234567890123456");
    expect(redeemProblems({ card_no: " ", password: "" })).toEqual({
      card_no: "请输入学习卡卡号", password: "请输入学习卡密码" });
    expect(redeemProblems({ card_no: "1", password: "2" })).toEqual({});
  });

  it("says how much went where", () => {
    expect(redeemedText({ card_no: "1234567890123456", amount_fen: 1000,
      pocket: "card:2026:public", pocket_label: "学习卡（2026年度公需科目培训计划专用）" }))
      .toBe("充值成功：学习卡 1234567890123456 的 ¥10.00 已存入“学习卡（2026年度公需科目培训计划专用）”。");
    expect(redeemedText({ card_no: "1", amount_fen: 5000, pocket: "card:2018" }))
      .toBe("充值成功：学习卡 1 的 ¥50.00 已存入“学习卡（2018年度培训计划专用）”。");
  });
});

describe("订单管理 and 退款", () => {
  const order = { order_no: "CE1", status: "paid", total_fen: 3000, refunded_fen: 1000,
    lines: [
      { kind: "course", course_id: 1, title: "甲", price_fen: 1000, refunded: true },
      { kind: "course", course_id: 2, title: "乙", price_fen: 1000, refunded: false },
      { kind: "course", course_id: 3, title: "丙", price_fen: 1000, refunded: false }] };
  const flat = { lines: [{ kind: "plan_fee", course_id: null, title: "计划费用", price_fen: 6000,
    refunded: false }] };

  it("builds the query and names the learner", () => {
    expect(operatorOrderQuery({ order_no: " CE1 ", learner: " 张伟 ", status: "paid", page: 1,
      page_size: 20 })).toEqual({ order_no: "CE1", learner: "张伟", status: "paid", page: 1,
      page_size: 20 });
    expect(operatorOrderQuery({ order_no: "", learner: "", status: "" })).toEqual({
      order_no: undefined, learner: undefined, status: undefined, page: undefined,
      page_size: undefined });
    expect(learnerText({ real_name: "张伟", username: "zhangwei", user_id: 3 })).toBe("张伟");
    expect(learnerText({ real_name: null, username: "zhangwei", user_id: 3 })).toBe("zhangwei");
    expect(learnerText({ real_name: null, username: null, user_id: 3 })).toBe("用户 3");
  });

  it("refunds what is still open, whole or by course", () => {
    expect(refundable({ status: "paid" })).toBe(true);
    expect(refundable({ status: "partially_refunded" })).toBe(true);
    expect(refundable({ status: "refunded" })).toBe(false);
    expect(openLines(order).map((l) => l.course_id)).toEqual([2, 3]);
    expect(refundFen(order, true, [])).toBe(2000);
    expect(refundFen(order, false, [3])).toBe(1000);
    expect(refundFen(order, false, [1])).toBe(0); // refunded already
    expect(partialAllowed(order)).toBe(true);
    expect(partialAllowed(flat)).toBe(false);
    expect(refundFen(flat, true, [])).toBe(6000);
  });

  it("asks with the dialog's request id, the chosen lines and the reason", () => {
    expect(refundBody("r-1", true, [2], " 学员退课 ")).toEqual({ problem: null, body: {
      request_id: "r-1", whole: true, course_ids: [], reason: "学员退课" } });
    expect(refundBody("r-1", false, [2, 3], "")).toEqual({ problem: null, body: {
      request_id: "r-1", whole: false, course_ids: [2, 3], reason: null } });
    expect(refundBody("r-1", false, [], "")).toEqual({ body: null, problem: "请选择要退款的课程" });
    expect(refundBody("r-1", true, [], "长".repeat(201)).problem).toBe("退款原因不能超过200个字");
  });

  it("makes request ids with or without crypto.randomUUID", () => {
    expect(newRequestId({ randomUUID: () => "fixed-uuid", getRandomValues: (a) => a }))
      .toBe("fixed-uuid");
    const plain = { getRandomValues: <T extends ArrayBufferView | null>(a: T): T => {
      if (a instanceof Uint8Array) a.fill(0xff);
      return a;
    } };
    expect(newRequestId(plain)).toBe("ffffffff-ffff-4fff-bfff-ffffffffffff");
    const made = new Set(Array.from({ length: 50 }, () => newRequestId()));
    expect(made.size).toBe(50);
    for (const id of made) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("says what came of a refund", () => {
    expect(refundText({ status: "done", amount_fen: 1000, refund_no: "RF1" }, "余额"))
      .toBe("退款成功：¥10.00 已原路退回（余额），退款单号 RF1。");
    expect(refundText({ status: "pending", amount_fen: 1000, refund_no: "RF1" }))
      .toContain("退款处理中");
    expect(refundText({ status: "failed", amount_fen: 1000, refund_no: "RF1" }))
      .toContain("退款失败");
  });
});

describe("学习卡 batches", () => {
  const today = "2026-03-05";

  it("sends 面值 in fen and the scope chosen", () => {
    const values = { ...newBatchValues(today), name: " 2026年公需卡 ", face_yuan: "50.5",
      quantity: 500, plan_kind: "public" as const };
    expect(cardBatchBody(values)).toEqual({ problems: {}, body: { name: "2026年公需卡",
      face_fen: 5050, quantity: 500, plan_year: 2026, plan_kind: "public",
      valid_from: "2026-03-05", valid_to: "2026-12-31" } });
    expect(cardBatchBody({ ...values, plan_year: null, plan_kind: "" }).body).toMatchObject({
      plan_year: null, plan_kind: null });
    // 19.99 元 is 1999 fen (read digit by digit, never through a float)
    expect(cardBatchBody({ ...values, face_yuan: "19.99" }).body?.face_fen).toBe(1999);
  });

  it("catches what the service would refuse", () => {
    expect(cardBatchBody({ name: "", face_yuan: "0.5", quantity: 0, plan_year: 1999,
      plan_kind: "", valid: null }).problems).toEqual({ name: "请填写批次名称",
      face_fen: "面值须为1–10000元，最多两位小数", quantity: "数量须为1–20000张",
      plan_year: "年度须为2000–2100", valid_from: "请选择有效期" });
    expect(cardBatchBody({ ...newBatchValues(today), name: "甲", face_yuan: "10",
      valid: ["2026-05-01", "2026-04-01"] }).problems).toEqual({
      valid_from: "有效期的结束日期不能早于开始日期" });
    expect(cardBatchBody({ ...newBatchValues(today), name: "甲", face_yuan: "10001" }).problems)
      .toHaveProperty("face_fen");
    expect(batchFieldOf("valid_to")).toBe("valid_from");
    expect(batchFieldOf("name")).toBe("name");
  });

  it("shows a batch's state, stock and sale", () => {
    expect(batchTag({ status: "issuing" }).label).toBe("生成中");
    expect(batchTag({ status: "issued", sold_out: false }).label).toBe("已发行");
    expect(batchTag({ status: "issued", sold_out: true })).toEqual({ label: "已售罄",
      type: "warning" });
    expect(batchTag({ status: "failed" }).type).toBe("danger");
    expect(saleText({ count: 2, first: "A1", last: "A2" })).toBe("已登记售出 2 张：卡号 A1 至 A2。");
    expect(saleText({ count: 1, first: "A1", last: "A1" })).toBe("已登记售出 1 张：卡号 A1。");
    expect(issuingText({ name: "甲", quantity: 20 }, 12_400)).toContain("20 张学习卡");
    expect(issuingText({ name: "甲", quantity: 20 }, 12_400)).toContain("已用时 12 秒");
  });

  it("waits for the batch's job, through passing errors, within the time allowed", async () => {
    let t = 0;
    const clock = { now: () => t, sleep: async (ms: number) => { t += ms; } };
    const answers: (CardBatch | Error)[] = [{ status: "issuing" }, new Error("network"),
      { status: "issued", batch_id: 1 }];
    const seen: CardBatch[] = [];
    const result = await pollBatch(async () => {
      const next = answers.shift()!;
      if (next instanceof Error) throw next;
      return next;
    }, { ...clock, intervalMs: 1000, onBatch: (b) => seen.push(b) });
    expect(result).toEqual({ outcome: "issued", batch: { status: "issued", batch_id: 1 } });
    expect(seen).toHaveLength(2);
    expect(t).toBe(2000);

    t = 0;
    expect(await pollBatch(async () => ({ status: "issuing" }), { ...clock, intervalMs: 1000,
      timeoutMs: 5000 })).toEqual({ outcome: "timeout", batch: { status: "issuing" } });
    expect(await pollBatch(async () => ({ status: "failed" }), clock)).toEqual({
      outcome: "failed", batch: { status: "failed" } });
    expect(await pollBatch(async () => ({ status: "issuing" }), { ...clock,
      stopped: () => true })).toEqual({ outcome: "stopped" });
  });
});

describe("发票管理", () => {
  it("checks 开具 before uploading", () => {
    expect(invoiceNoProblem(" ")).toBe("请填写发票号码");
    expect(invoiceNoProblem("12345678")).toBeNull();
    expect(invoiceNoProblem("1".repeat(41))).toBe("发票号码不能超过40个字符");
    expect(pdfProblem(null)).toBe("请选择电子发票（PDF文件）");
    expect(pdfProblem({ name: "发票.PDF", size: 10, type: "" })).toBeNull();
    expect(pdfProblem({ name: "x", size: 10, type: "application/pdf" })).toBeNull();
    expect(pdfProblem({ name: "发票.png", size: 10, type: "image/png" })).toBe("电子发票须为PDF文件");
    expect(pdfProblem({ name: "a.pdf", size: 0, type: "application/pdf" })).toBe("所选文件是空的");
    expect(pdfProblem({ name: "a.pdf", size: MAX_PDF_BYTES + 1, type: "application/pdf" }))
      .toBe("电子发票不能超过5MB");
    expect(rejectProblem(" ")).toBe("请填写驳回原因");
    expect(rejectProblem("信息有误")).toBeNull();
  });

  it("posts the number and the file as a multipart form", () => {
    expect(issueUrl("IV 1")).toBe("/api/v1/admin/invoices/IV%201/issue");
    const file = new File(["%PDF-1.4"], "发票.pdf", { type: "application/pdf" });
    const form = issueForm(" 12345678 ", file);
    expect(form.get("invoice_no")).toBe("12345678");
    expect((form.get("file") as File).name).toBe("发票.pdf");
  });
});

describe("the screens' places", () => {
  it("gives the operator 收费管理 and the learner 我的发票", () => {
    const group = ADMIN_MENU.find((g) => g.title === "收费管理");
    expect(group?.items.map((i) => [i.path, i.label])).toEqual([
      ["/operator/orders", "订单管理"], ["/operator/cards", "学习卡"],
      ["/operator/invoices", "发票管理"], ["/admin/reports/money", "收支统计"]]);
    const operator = menusFor({ user_id: 1, username: "op", role: "operator" })
      .flatMap((g) => g.items.map((i) => i.path));
    expect(operator).toEqual(expect.arrayContaining(["/operator/orders", "/operator/cards",
      "/operator/invoices"]));
    const admin = menusFor({ user_id: 1, username: "a", role: "admin", is_super: true,
      modules: ["statistics", "learner_management"] }).flatMap((g) => g.items.map((i) => i.path));
    expect(admin.filter((p) => p.startsWith("/operator/"))).toEqual([]);
    const learner = menusFor({ user_id: 1, username: "u", role: "learner" })
      .flatMap((g) => g.items);
    const labels = learner.map((i) => i.label);
    expect(learner).toEqual(expect.arrayContaining([{ path: "/invoices", label: "我的发票" }]));
    expect(labels.indexOf("我的账户")).toBeLessThan(labels.indexOf("我的发票"));

    const all = routes.flatMap((r) => r.children ?? []);
    for (const path of ["operator/orders", "operator/cards", "operator/invoices"]) {
      expect(all.find((r) => r.path === path)?.meta).toMatchObject({ auth: true,
        roles: ["operator"] });
    }
    expect(all.find((r) => r.path === "invoices")?.meta).toMatchObject({ auth: true,
      roles: ["learner"] });
  });
});
