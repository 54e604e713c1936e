// 培训计划 form's pure parts: the values as typed (hours and yuan as text), the body the
// API takes (hours "32.0", money in fen), the checks worth making before sending (formats
// and blanks; the rules between fields — 必修学时不能超过考核学时, dates, categories — are
// the service's and come back beside their fields), and the catalogue's totals.
import type { components } from "@/api/schema";

import { addDays } from "./format";
import { fenToYuan, normalHours, sumHours, tenthsOf, yuanToFen } from "./money";

export type Plan = components["schemas"]["Plan"];
export type PlanBody = components["schemas"]["PlanBody"];
export type PlanKind = PlanBody["kind"];
export type Pricing = PlanBody["pricing"];
export type Category = NonNullable<PlanBody["category"]>;
export type TitleLevel = NonNullable<PlanBody["scope_title_levels"]>[number];
export type CourseKind = "required" | "elective";

// services/learning/contracts.py CATEGORIES and TITLE_LEVELS.
export const CATEGORIES: Category[] = ["工程技术类", "经济类", "会计审计类", "法律类", "人力资源管理",
  "群众文化", "政工", "卫生类", "教育类", "农业类", "其他"];
export const TITLE_LEVELS: TitleLevel[] = ["正高级", "副高级", "中级", "初级", "员级", "无"];
export const KIND_LABELS: Record<PlanKind, string> = { public: "公需科目", professional: "专业科目" };
export const COURSE_KIND_LABELS: Record<CourseKind, string> = { required: "必修", elective: "选修" };

/** A course of the plan as the form lists it. `kept`: on a published plan already, so it
 * can be neither removed nor turned from 必修 to 选修 (the service refuses). */
export interface PlanCourseRow {
  course_id: number;
  title: string;
  hours: string;
  teacher_name: string;
  kind: CourseKind;
  exam_required: boolean;
  kept?: boolean;
}

export interface PlanValues {
  name: string;
  year: number | null;
  kind: PlanKind;
  category: Category | "";
  makeup: boolean;
  description: string;
  total_hours: string;
  required_hours: string;
  pricing: Pricing;
  price_per_hour_yuan: string;
  flat_price_yuan: string;
  required_free: boolean;
  cards_allowed: boolean;
  extra_required_exams: number;
  opens_on: string;
  closes_on: string;
  pay_deadline: string;
  scope_org_id: number | null;
  scope_title_levels: TitleLevel[];
  scope_series: string[];
}

/** Every field the form shows a message beside (the API's names). */
export const PLAN_FIELDS = ["name", "year", "kind", "category", "makeup", "description",
  "total_hours", "required_hours", "pricing", "price_per_hour_fen", "flat_price_fen",
  "required_free", "cards_allowed", "extra_required_exams", "opens_on", "closes_on",
  "pay_deadline", "scope_org_id", "scope_title_levels", "scope_series", "courses"] as const;
export type PlanField = (typeof PLAN_FIELDS)[number];

/** A new plan: this year's public plan, 32 学时 of which 6 required, 5 元/学时, open from
 * today to the end of the year (the seed's 2018 plans). */
export function newPlanValues(today: string): PlanValues {
  const year = Number(today.slice(0, 4));
  const closes = `${year}-12-31` > today ? `${year}-12-31` : addDays(today, 30);
  const november = `${year}-11-30`;
  return {
    name: "", year, kind: "public", category: "", makeup: false, description: "",
    total_hours: "32.0", required_hours: "6.0", pricing: "per_hour",
    price_per_hour_yuan: "5.00", flat_price_yuan: "", required_free: true,
    cards_allowed: false, extra_required_exams: 0, opens_on: today, closes_on: closes,
    pay_deadline: november >= today ? november : closes,
    scope_org_id: null, scope_title_levels: [], scope_series: [],
  };
}

/** The form's values of a plan the API answered. */
export function planValues(plan: Plan): PlanValues {
  return {
    name: plan.name ?? "", year: plan.year ?? null,
    kind: plan.kind === "professional" ? "professional" : "public",
    category: (plan.category ?? "") as Category | "", makeup: Boolean(plan.makeup),
    description: plan.description ?? "", total_hours: plan.total_hours ?? "",
    required_hours: plan.required_hours ?? "",
    pricing: plan.pricing === "flat" ? "flat" : "per_hour",
    price_per_hour_yuan: plan.pricing === "flat" && !plan.price_per_hour_fen ? ""
      : fenToYuan(plan.price_per_hour_fen),
    flat_price_yuan: plan.flat_price_fen ? fenToYuan(plan.flat_price_fen) : "",
    required_free: plan.required_free ?? true, cards_allowed: Boolean(plan.cards_allowed),
    extra_required_exams: plan.extra_required_exams ?? 0, opens_on: plan.opens_on ?? "",
    closes_on: plan.closes_on ?? "", pay_deadline: plan.pay_deadline ?? "",
    scope_org_id: plan.scope_org_id ?? null,
    scope_title_levels: (plan.scope_title_levels ?? []) as TitleLevel[],
    scope_series: [...(plan.scope_series ?? [])],
  };
}

/** The plan's courses as form rows; on a published (or closed) plan they are `kept`. */
export function courseRows(plan: Plan): PlanCourseRow[] {
  const kept = plan.status !== undefined && plan.status !== "draft";
  return (plan.courses ?? []).map((c) => ({
    course_id: c.course_id ?? 0, title: c.title ?? "", hours: c.hours ?? "0.0",
    teacher_name: c.teacher_name ?? "", kind: c.kind === "required" ? "required" : "elective",
    exam_required: Boolean(c.exam_required), kept }));
}

export interface PlanDraft {
  body: PlanBody | null;
  problems: Partial<Record<PlanField, string>>;
}

/** The body to send, or the problems to show beside the fields first. */
export function planBody(values: PlanValues, courses: PlanCourseRow[]): PlanDraft {
  const problems: Partial<Record<PlanField, string>> = {};
  const name = values.name.trim();
  if (name.length < 2) problems.name = "请输入计划名称（2–120个字）";
  if (!values.year || values.year < 2000 || values.year > 2100) problems.year = "年度须为2000–2100";
  const total = normalHours(values.total_hours);
  if (!total) problems.total_hours = "请输入学时，如 32 或 32.0（最多一位小数）";
  const required = normalHours(values.required_hours);
  if (!required) problems.required_hours = "请输入学时，如 6 或 6.0（最多一位小数）";
  let perHour = 0;
  let flat = 0;
  if (values.pricing === "per_hour") {
    const fen = yuanToFen(values.price_per_hour_yuan);
    if (fen === null) problems.price_per_hour_fen = "请输入每学时价格（元），如 5 或 5.00";
    else perHour = fen;
  } else {
    const fen = yuanToFen(values.flat_price_yuan);
    if (fen === null) problems.flat_price_fen = "请输入计划价格（元），如 150 或 150.00";
    else flat = fen;
  }
  if (!values.opens_on) problems.opens_on = "请选择开通日期";
  if (!values.closes_on) problems.closes_on = "请选择结束日期";
  if (!values.pay_deadline) problems.pay_deadline = "请选择缴费截止日期";
  if (!total || !required || Object.keys(problems).length) return { body: null, problems };
  const description = values.description.trim();
  const body: PlanBody = {
    name, year: values.year as number, kind: values.kind,
    category: values.kind === "professional" && values.category ? values.category : null,
    makeup: values.makeup, description: description || null,
    // Hours travel as text ("32.0"): the API reads them as decimals, never as floats.
    total_hours: total, required_hours: required,
    pricing: values.pricing, price_per_hour_fen: perHour, flat_price_fen: flat,
    required_free: values.required_free, cards_allowed: values.cards_allowed,
    extra_required_exams: values.makeup ? values.extra_required_exams : 0,
    opens_on: values.opens_on, closes_on: values.closes_on, pay_deadline: values.pay_deadline,
    scope_org_id: values.scope_org_id,
    scope_title_levels: values.scope_title_levels,
    scope_series: values.scope_series.map((s) => s.trim()).filter(Boolean),
    courses: courses.map((c) => ({ course_id: c.course_id, kind: c.kind,
      exam_required: c.exam_required })),
  };
  return { body, problems };
}

/** The API's field name a message belongs beside ("courses.0.kind" → "courses"). */
export function planFieldOf(name: string): string {
  return name.startsWith("courses.") ? "courses" : name;
}

export interface Catalogue {
  count: number;
  hours: string;
  required: string;
  elective: string;
  exams: number;
}

/** The chosen courses' totals (课程总学时, of them 必修 / 选修; 需要考试的门数). */
export function catalogueOf(courses: PlanCourseRow[]): Catalogue {
  const required = courses.filter((c) => c.kind === "required");
  const elective = courses.filter((c) => c.kind === "elective");
  return { count: courses.length, hours: sumHours(courses.map((c) => c.hours)),
    required: sumHours(required.map((c) => c.hours)),
    elective: sumHours(elective.map((c) => c.hours)),
    exams: courses.filter((c) => c.exam_required).length };
}

/** What the catalogue lacks against the plan's hours, as advice (null: nothing). */
export function catalogueAdvice(values: Pick<PlanValues, "total_hours" | "required_hours">,
  catalogue: Catalogue): string | null {
  const total = tenthsOf(values.total_hours);
  const required = tenthsOf(values.required_hours);
  if (!catalogue.count) return "计划还没有课程：添加课程后才能发布。";
  if (tenthsOf(catalogue.required) < required) {
    return `必修课共 ${catalogue.required} 学时，少于计划的必修学时 ${normalHours(values.required_hours)}：学员无法达到必修要求。`;
  }
  if (tenthsOf(catalogue.hours) < total) {
    return `课程共 ${catalogue.hours} 学时，少于考核学时 ${normalHours(values.total_hours)}：学员无法学满。`;
  }
  return null;
}
