// 讨论与问答审核's pure parts: kinds, statuses, what a row says about itself.
import type { components, paths } from "@/api/schema";

export type Post = components["schemas"]["Post"];
export type PostKind = "discussion" | "question";
export type PostQuery = NonNullable<paths["/api/v1/admin/posts"]["get"]["parameters"]["query"]>;

export const POST_KIND_LABELS: Record<PostKind, string> = { discussion: "讨论", question: "问答" };
export const POST_STATUS_LABELS: Record<string, string> = { visible: "显示中", hidden: "已隐藏" };

export interface PostFilters {
  kind: PostKind;
  status: "" | "visible" | "hidden";
  course_id: number | null;
}

export const EMPTY_POST_FILTERS: PostFilters = { kind: "discussion", status: "", course_id: null };

export function postStatusLabel(status: string | undefined): string {
  return POST_STATUS_LABELS[status ?? ""] ?? status ?? "";
}

/** 讨论 / 回复 / 问答 of a post (a reply has a thread). */
export function postTypeLabel(post: Pick<Post, "kind" | "thread_id">): string {
  if (post.kind === "question") return "提问";
  return post.thread_id ? "回复" : "讨论";
}

/** A reason for hiding: optional, at most 200 characters. */
export function reasonProblem(reason: string, required = false): string | null {
  const text = reason.trim();
  if (required && text.length < 2) return "请填写原因（2–200个字）";
  if (text.length > 200) return "原因不能超过200个字";
  return null;
}

/** An answer: 1–4000 characters. */
export function answerProblem(answer: string): string | null {
  const text = answer.trim();
  if (!text) return "请填写回答内容";
  if (text.length > 4000) return "回答不能超过4000个字";
  return null;
}
