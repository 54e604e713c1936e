// An error answer as the gateway describes it (RFC 9457 problem+json): a stable `code`, a
// Chinese `detail`, and for a rejected form the message of each field in `errors`
// (nested fields named with dots: "applicant.mobile").

export interface Problem {
  status?: number;
  code?: string;
  title?: string;
  detail?: string;
  errors?: Record<string, string | string[]>;
  request_id?: string;
  [extra: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  /** Field name → its first message. */
  readonly fieldErrors: Record<string, string>;
  readonly problem: Problem;

  constructor(status: number, problem?: unknown) {
    const p: Problem = problem && typeof problem === "object" ? (problem as Problem) : {};
    const detail = p.detail || p.title || defaultMessage(status);
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.code = p.code || (status ? `http_${status}` : "network_error");
    this.title = p.title || "";
    this.detail = detail;
    this.fieldErrors = firstMessages(p.errors);
    this.problem = p;
  }
}

export function defaultMessage(status: number): string {
  if (!status) return "无法连接服务器，请检查网络后重试";
  if (status === 413) return "文件或内容过大";
  if (status === 429) return "操作过于频繁，请稍后再试";
  if (status >= 500) return "服务暂不可用，请稍后重试";
  return `请求失败（${status}）`;
}

export function networkError(): ApiError {
  return new ApiError(0, { code: "network_error", title: "网络连接失败",
    detail: "无法连接服务器，请检查网络后重试" });
}

function firstMessages(errors: Problem["errors"]): Record<string, string> {
  const out: Record<string, string> = {};
  if (!errors || typeof errors !== "object") return out;
  for (const [field, message] of Object.entries(errors)) {
    const text = Array.isArray(message) ? message[0] : message;
    if (typeof text === "string" && text) out[field] = text;
  }
  return out;
}

/** The Chinese text for any error thrown by a call (ApiError or not). */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.detail;
  return "操作失败，请刷新页面后重试";
}
