// 课程导入's pure parts — and those of every import job answered in the same shape (题库导入,
// GET /admin/question-imports/{job_id}): the file checks before the upload, and the job's
// progress and result as GET /admin/courses/imports/{job_id} answers them.
import type { components } from "@/api/schema";

export type CourseImport = components["schemas"]["CourseImport"];

/** An import job as the catalogue's and the question bank's status calls answer it. */
export interface ImportJob {
  job_id?: number;
  status?: string;
  progress?: { done?: number | null; total?: number | null };
  total_rows?: number | null;
  imported?: number | null;
  failed?: number | null;
  failure_report_url?: string | null;
  error?: string | null;
}

export const MAX_COURSE_IMPORT_BYTES = 20 * 1024 * 1024;
export const COURSE_IMPORT_POLL_MS = 1000;

/** Why `file` cannot be uploaded, or null. */
export function importFileProblem(file: { name: string; size: number } | null | undefined):
  string | null {
  if (!file) return "请选择按模板填写的 Excel 文件";
  if (!/\.xlsx$/i.test(file.name)) return "请选择 .xlsx 格式的 Excel 文件";
  if (file.size > MAX_COURSE_IMPORT_BYTES) return "文件超过20MB";
  return null;
}

/** Still to be polled (queued or running). */
export function importPending(job: ImportJob | null | undefined): boolean {
  return job?.status === "queued" || job?.status === "running";
}

/** 0–100 once the job knows the file's rows; null while it does not. */
export function importPercent(job: ImportJob | null | undefined): number | null {
  if (!job) return null;
  if (job.status === "done") return 100;
  const total = job.progress?.total;
  if (!total) return null;
  return Math.floor((Math.min(job.progress?.done ?? 0, total) / total) * 100);
}

/** The line under the progress bar. */
export function importProgressText(job: ImportJob | null | undefined): string {
  if (!job || job.status === "queued") return "已开始导入，请稍候…";
  if (job.status === "running") {
    const { done, total } = job.progress ?? {};
    return total ? `正在导入：已处理 ${done ?? 0} / ${total} 行…` : "正在读取文件…";
  }
  return "";
}

/** The result: its text and how to show it. `unit` counts what was imported ("门课程",
 * "道试题"). */
export function importResult(job: ImportJob, unit = "门课程"):
  { kind: "success" | "warning" | "error"; text: string } {
  if (job.status === "failed") return { kind: "error", text: `导入失败：${job.error || "未知原因"}` };
  const failed = job.failed ?? 0;
  return { kind: failed ? "warning" : "success",
    text: `共 ${job.total_rows ?? 0} 行：导入 ${job.imported ?? 0} ${unit}，失败 ${failed} 行。` };
}
