// 批量导入's pure parts: the file checks before the upload, and the job's progress and
// result as the import-status API answers them.
import type { components } from "@/api/schema";

export type ImportStatus = components["schemas"]["ImportStatus"];

export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
export const POLL_MS = 1000;

/** Why `file` cannot be uploaded, or null. */
export function fileProblem(file: { name: string; size: number } | null | undefined):
  string | null {
  if (!file) return "请选择按模板填写的 Excel 文件";
  if (!/\.xlsx$/i.test(file.name)) return "请选择 .xlsx 格式的 Excel 文件";
  if (file.size > MAX_IMPORT_BYTES) return "文件超过20MB";
  return null;
}

/** Still to be polled (queued or running). */
export function isPending(status: ImportStatus | null | undefined): boolean {
  return status?.status === "queued" || status?.status === "running";
}

/** 0–100 once the job knows the file's rows; null while it does not. */
export function progressPercent(status: ImportStatus | null | undefined): number | null {
  if (!status) return null;
  if (status.status === "done") return 100;
  const total = status.progress?.total;
  if (!total) return null;
  const done = Math.min(status.progress?.done ?? 0, total);
  return Math.floor((done / total) * 100);
}

/** The line under the progress bar. */
export function progressText(status: ImportStatus | null | undefined): string {
  if (!status || status.status === "queued") return "已开始导入，请稍候…";
  if (status.status === "running") {
    const { done, total } = status.progress ?? {};
    return total ? `正在导入：已处理 ${done ?? 0} / ${total} 行…` : "正在读取文件…";
  }
  return "";
}

/** The result: its text and how to show it. */
export function resultOf(status: ImportStatus):
  { kind: "success" | "warning" | "error"; text: string } {
  if (status.status === "failed") {
    return { kind: "error", text: `导入失败：${status.error || "未知原因"}` };
  }
  const failed = status.failed ?? 0;
  return { kind: failed ? "warning" : "success",
    text: `共 ${status.total_rows ?? 0} 行：导入 ${status.imported ?? 0} 人，失败 ${failed} 行。` };
}

/** The failure report's download link, when there is one. */
export function failureReportUrl(status: ImportStatus | null | undefined): string | null {
  const report = status?.failure_report;
  return report && "download_url" in report && report.download_url ? report.download_url : null;
}
