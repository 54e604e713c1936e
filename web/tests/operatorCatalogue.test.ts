import { describe, expect, it } from "vitest";

import { menusFor } from "@/menus";
import { codeQuery, revokeProblem, verifyPath } from "@/views/operator/catalogue/certificates";
import { answerProblem, postTypeLabel, reasonProblem } from "@/views/operator/catalogue/community";
import { importFileProblem, importPending, importPercent, importProgressText, importResult,
  MAX_COURSE_IMPORT_BYTES } from "@/views/operator/catalogue/courseImport";
import { courseBody, courseValues, imageProblem, newCourseValues, uploadPercent, videoLine,
  videoProblem } from "@/views/operator/catalogue/courseForm";
import { addDays, durationText, shanghaiToday, timeText } from "@/views/operator/catalogue/format";
import { fenToYuan, normalHours, sumHours, tenthsOf, yuanText, yuanToFen }
  from "@/views/operator/catalogue/money";
import { catalogueAdvice, catalogueOf, courseRows, newPlanValues, planBody, planFieldOf,
  planValues, type PlanCourseRow } from "@/views/operator/catalogue/planForm";
import { actionOf, confirmText, kindText, pricingText, reopenNeedsDate, statusLabel, windowText,
  yearChoices } from "@/views/operator/catalogue/planList";

describe("money and hours", () => {
  it("turns typed yuan into integer fen without float rounding", () => {
    expect(yuanToFen("150")).toBe(15000);
    expect(yuanToFen("5.00")).toBe(500);
    expect(yuanToFen(" 5.5 ")).toBe(550);
    // 0.29 * 100 and 1.15 * 100 are 28.999… and 114.999… as floats
    expect(yuanToFen("0.29")).toBe(29);
    expect(yuanToFen("1.15")).toBe(115);
    expect(yuanToFen("19.99")).toBe(1999);
    expect(yuanToFen("150.10")).toBe(15010);
    expect(yuanToFen("4.")).toBe(400);
    expect(yuanToFen("0")).toBe(0);
    for (const bad of ["", "-5", "5.001", "abc", "1e3", "5,00", "12345678", null]) {
      expect(yuanToFen(bad)).toBeNull();
    }
  });

  it("shows fen as yuan with two decimals", () => {
    expect(fenToYuan(15000)).toBe("150.00");
    expect(fenToYuan(29)).toBe("0.29");
    expect(fenToYuan(505)).toBe("5.05");
    expect(fenToYuan(undefined)).toBe("0.00");
    expect(yuanText(1000)).toBe("10.00 元");
  });

  it("reads hours with one decimal and sums them in tenths", () => {
    expect(normalHours("32")).toBe("32.0");
    expect(normalHours("6.5")).toBe("6.5");
    expect(normalHours("06.")).toBe("6.0");
    expect(normalHours("6.55")).toBeNull();
    expect(normalHours("1000")).toBeNull();
    expect(normalHours("")).toBeNull();
    expect(tenthsOf("2.5")).toBe(25);
    expect(sumHours(["0.1", "0.2", "6.0"])).toBe("6.3"); // 0.1 + 0.2 is not 0.3 as floats
    expect(sumHours([])).toBe("0.0");
  });
});

describe("dates and times", () => {
  it("shows UTC times in Beijing time", () => {
    expect(timeText("2026-03-05T16:30:00+00:00")).toContain("2026/3/6");
    expect(timeText("2026-03-05T16:30:00+00:00")).toContain("00:30:00");
    expect(timeText(null)).toBe("");
  });

  it("knows Beijing's today (ahead of UTC at night)", () => {
    expect(shanghaiToday(new Date("2026-12-31T17:00:00Z"))).toBe("2027-01-01");
    expect(shanghaiToday(new Date("2026-06-01T01:00:00Z"))).toBe("2026-06-01");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
  });

  it("shows video durations", () => {
    expect(durationText(6000)).toBe("0:06");
    expect(durationText(5960)).toBe("0:06");
    expect(durationText(754_000)).toBe("12:34");
    expect(durationText(3_723_000)).toBe("1:02:03");
    expect(durationText(null)).toBe("");
  });
});

const course = (id: number, hours: string, kind: "required" | "elective", exam = false):
  PlanCourseRow => ({ course_id: id, title: `课程${id}`, hours, teacher_name: "王老师", kind,
  exam_required: exam });

describe("培训计划 form", () => {
  it("starts as this year's public plan", () => {
    const values = newPlanValues("2026-03-01");
    expect(values).toMatchObject({ year: 2026, kind: "public", total_hours: "32.0",
      required_hours: "6.0", pricing: "per_hour", price_per_hour_yuan: "5.00",
      opens_on: "2026-03-01", closes_on: "2026-12-31", pay_deadline: "2026-11-30" });
    const late = newPlanValues("2026-12-31");
    expect(late.closes_on).toBe("2027-01-30");
    expect(late.pay_deadline).toBe("2027-01-30");
  });

  it("sends hours as text and yuan as fen, only the chosen price", () => {
    const values = { ...newPlanValues("2026-03-01"), name: " 2018年政工专业人员继续教育 ",
      total_hours: "32", required_hours: "6", pricing: "flat" as const, flat_price_yuan: "150",
      price_per_hour_yuan: "5.00", makeup: true, extra_required_exams: 2,
      scope_series: [" 政工 ", ""] };
    const { body, problems } = planBody(values, [course(3, "6.0", "required", true)]);
    expect(problems).toEqual({});
    expect(body).toMatchObject({ name: "2018年政工专业人员继续教育", total_hours: "32.0",
      required_hours: "6.0", pricing: "flat", flat_price_fen: 15000, price_per_hour_fen: 0,
      makeup: true, extra_required_exams: 2, category: null, description: null,
      scope_series: ["政工"],
      courses: [{ course_id: 3, kind: "required", exam_required: true }] });
    const perHour = planBody({ ...values, pricing: "per_hour", price_per_hour_yuan: "1.15",
      makeup: false, kind: "professional", category: "工程技术类" }, []).body;
    expect(perHour).toMatchObject({ price_per_hour_fen: 115, flat_price_fen: 0,
      extra_required_exams: 0, category: "工程技术类" });
  });

  it("marks malformed fields before sending, and leaves the rules between fields to the API",
    () => {
      const values = { ...newPlanValues("2026-03-01"), name: "x", total_hours: "32.55",
        price_per_hour_yuan: "5元", closes_on: "" };
      const { body, problems } = planBody(values, []);
      expect(body).toBeNull();
      expect(Object.keys(problems).sort()).toEqual(
        ["closes_on", "name", "price_per_hour_fen", "total_hours"]);
      // required above total is the service's to say (beside 必修学时)
      const over = planBody({ ...newPlanValues("2026-03-01"), name: "计划", required_hours: "40" },
        []);
      expect(over.problems).toEqual({});
      expect(over.body?.required_hours).toBe("40.0");
      expect(planFieldOf("courses.0.kind")).toBe("courses");
      expect(planFieldOf("required_hours")).toBe("required_hours");
    });

  it("reads a plan back into the form, its courses kept once published", () => {
    const plan = { plan_id: 5, name: "计划", year: 2017, kind: "public", makeup: true,
      total_hours: "32.0", required_hours: "6.0", pricing: "flat", flat_price_fen: 16000,
      price_per_hour_fen: 0, status: "published", opens_on: "2017-03-01",
      closes_on: "2017-12-31", pay_deadline: "2017-11-30",
      courses: [{ course_id: 1, title: "必修课", hours: "6.0", teacher_name: "李", kind: "required",
        exam_required: true }] };
    expect(planValues(plan)).toMatchObject({ flat_price_yuan: "160.00", price_per_hour_yuan: "",
      pricing: "flat", makeup: true, category: "" });
    expect(courseRows(plan)).toEqual([{ course_id: 1, title: "必修课", hours: "6.0",
      teacher_name: "李", kind: "required", exam_required: true, kept: true }]);
    expect(courseRows({ ...plan, status: "draft" })[0].kept).toBe(false);
  });

  it("totals the catalogue and says what it lacks", () => {
    const rows = [course(1, "6.0", "required", true), course(2, "2.5", "elective"),
      course(3, "0.5", "elective")];
    const catalogue = catalogueOf(rows);
    expect(catalogue).toEqual({ count: 3, hours: "9.0", required: "6.0", elective: "3.0",
      exams: 1 });
    expect(catalogueAdvice({ total_hours: "8", required_hours: "6" }, catalogue)).toBeNull();
    expect(catalogueAdvice({ total_hours: "32", required_hours: "6" }, catalogue))
      .toContain("少于考核学时 32.0");
    expect(catalogueAdvice({ total_hours: "8", required_hours: "8" }, catalogue))
      .toContain("必修课共 6.0 学时");
    expect(catalogueAdvice({ total_hours: "8", required_hours: "6" }, catalogueOf([])))
      .toContain("添加课程后才能发布");
  });
});

describe("培训计划 list", () => {
  it("says the kind, the price and the window in one line each", () => {
    expect(kindText({ kind_label: "专业科目", category: "工程技术类" })).toBe("专业科目 · 工程技术类");
    expect(kindText({ kind_label: "公需科目", category: null })).toBe("公需科目");
    expect(pricingText({ pricing: "per_hour", price_per_hour_fen: 500, required_free: true }))
      .toBe("按学时 5.00 元/学时（必修免费）");
    expect(pricingText({ pricing: "flat", flat_price_fen: 15000 })).toBe("按计划 150.00 元");
    expect(windowText({ opens_on: "2018-03-01", closes_on: "2018-12-31" }))
      .toBe("2018-03-01 至 2018-12-31");
    expect(statusLabel("closed")).toBe("已关闭");
  });

  it("offers the status change of each status, and a new date for a past close", () => {
    expect(actionOf("draft")).toBe("publish");
    expect(actionOf("published")).toBe("close");
    expect(actionOf("closed")).toBe("reopen");
    expect(actionOf(undefined)).toBeNull();
    expect(reopenNeedsDate({ closes_on: "2017-12-31" }, "2026-03-01")).toBe(true);
    expect(reopenNeedsDate({ closes_on: "2026-03-01" }, "2026-03-01")).toBe(false);
    expect(confirmText({ name: "计划" }, "publish")).toContain("确定发布“计划”");
    expect(yearChoices("2026-05-01")[0]).toBe(2027);
    expect(yearChoices("2026-05-01").at(-1)).toBe(2014);
  });
});

describe("课程 page", () => {
  it("checks the course form and sends hours as text", () => {
    expect(courseBody(newCourseValues()).problems).toEqual({ title: expect.any(String),
      teacher_name: expect.any(String), hours: expect.any(String) });
    const { body } = courseBody({ ...newCourseValues(), title: " 数字经济 ", teacher_name: "王",
      hours: "2", teacher_title: " " });
    expect(body).toMatchObject({ title: "数字经济", teacher_name: "王", hours: "2.0",
      teacher_title: null, preview_seconds: 180, status: "active" });
    expect(courseValues({ title: "课", hours: "2.0", status: "hidden" }))
      .toMatchObject({ title: "课", hours: "2.0", status: "hidden", teacher_profile: "" });
  });

  it("refuses images by type and size, videos only when empty or too large", () => {
    expect(imageProblem({ name: "封面.PNG", size: 1000 })).toBeNull();
    expect(imageProblem({ name: "封面.gif", size: 1000 })).toBe("图片须为JPG或PNG格式");
    expect(imageProblem({ name: "封面.jpg", size: 3 * 1024 * 1024 })).toBe("图片不能超过2MB");
    expect(imageProblem(null)).toBe("请先选择图片");
    // the service reads the content: a renamed file is its to refuse
    expect(videoProblem({ name: "说明.txt", size: 10 })).toBeNull();
    expect(videoProblem({ name: "a.mp4", size: 0 })).toContain("空的");
    expect(videoProblem({ name: "a.mp4", size: 501 * 1024 * 1024 })).toContain("500 MB");
  });

  it("describes a chapter's video and the upload's progress", () => {
    expect(videoLine({ has_video: true, video_type: "webm", duration_ms: 6000 }))
      .toBe("WebM 视频 · 时长 0:06");
    expect(videoLine({ has_video: false })).toBe("尚未上传视频");
    expect(uploadPercent(50, 200)).toBe(25);
    expect(uploadPercent(300, 200)).toBe(100);
    expect(uploadPercent(1, 0)).toBeNull();
  });
});

describe("审核与证书", () => {
  it("names posts and checks reasons and answers", () => {
    expect(postTypeLabel({ kind: "discussion", thread_id: null })).toBe("讨论");
    expect(postTypeLabel({ kind: "discussion", thread_id: 4 })).toBe("回复");
    expect(postTypeLabel({ kind: "question" })).toBe("提问");
    expect(reasonProblem("", true)).toContain("请填写原因");
    expect(reasonProblem("", false)).toBeNull();
    expect(reasonProblem("x".repeat(201))).toContain("200");
    expect(answerProblem("  ")).toBe("请填写回答内容");
    expect(answerProblem("请看第二节")).toBeNull();
  });

  it("links the verification page and needs a revocation reason", () => {
    expect(verifyPath("ABCD-EFGH")).toBe("/verify/ABCD-EFGH");
    expect(codeQuery(" abcd-efgh ")).toBe("ABCD-EFGH");
    expect(revokeProblem(" ")).toContain("请填写撤销原因");
    expect(revokeProblem("信息有误")).toBeNull();
  });
});

describe("平台运营 menu", () => {
  const titles = (role: "admin" | "operator") => menusFor({ user_id: 1, role, username: "u",
    modules: ["learner_management"], is_super: true }).map((g) => g.title);

  it("is the operator's, not an admin's", () => {
    const operator = menusFor({ user_id: 1, role: "operator", username: "operator" });
    const group = operator.find((g) => g.title === "平台运营");
    expect(group?.items.map((i) => i.path)).toEqual(["/operator/plans", "/operator/courses",
      "/operator/posts", "/operator/certificates"]);
    expect(titles("admin")).not.toContain("平台运营");
  });
});

describe("批量导入课程", () => {
  it("refuses a missing, non-xlsx or too large file before uploading", () => {
    expect(importFileProblem(null)).toBe("请选择按模板填写的 Excel 文件");
    expect(importFileProblem({ name: "课程.xls", size: 10 })).toBe("请选择 .xlsx 格式的 Excel 文件");
    expect(importFileProblem({ name: "课程.xlsx", size: MAX_COURSE_IMPORT_BYTES + 1 }))
      .toBe("文件超过20MB");
    expect(importFileProblem({ name: "课程.XLSX", size: 2048 })).toBeNull();
  });

  it("polls while queued or running and shows the progress", () => {
    expect(importPending({ status: "queued" })).toBe(true);
    expect(importPending({ status: "running" })).toBe(true);
    expect(importPending({ status: "failed" })).toBe(false);
    expect(importPercent({ status: "running", progress: { done: 2, total: 3 } })).toBe(66);
    expect(importPercent({ status: "running", progress: { done: 0, total: null } })).toBeNull();
    expect(importPercent({ status: "done" })).toBe(100);
    expect(importProgressText({ status: "running", progress: { done: 1, total: 4 } }))
      .toBe("正在导入：已处理 1 / 4 行…");
    expect(importProgressText({ status: "queued" })).toBe("已开始导入，请稍候…");
  });

  it("tells the counts or why the file was refused", () => {
    expect(importResult({ status: "done", total_rows: 2, imported: 1, failed: 1 }))
      .toEqual({ kind: "warning", text: "共 2 行：导入 1 门课程，失败 1 行。" });
    expect(importResult({ status: "done", total_rows: 3, imported: 3, failed: 0 }).kind)
      .toBe("success");
    expect(importResult({ status: "failed", error: "表头与模板不一致，请使用下载的模板" }))
      .toEqual({ kind: "error", text: "导入失败：表头与模板不一致，请使用下载的模板" });
  });
});
