// 课程 page's pure parts: the course form (hours as text "2.0"), the checks before a
// cover / photo / video is sent (type and size; the service checks the content again),
// and the chapter's video line.
import type { components, paths } from "@/api/schema";

import { durationText } from "./format";
import { normalHours } from "./money";

export type Course = components["schemas"]["Course"];
export type Chapter = components["schemas"]["Chapter"];
export type CourseBody = components["schemas"]["CourseBody"];
export type CourseStatus = "active" | "hidden";
export type CourseQuery = NonNullable<paths["/api/v1/admin/courses"]["get"]["parameters"]["query"]>;

export const COURSE_STATUS_LABELS: Record<CourseStatus, string> = { active: "正常",
  hidden: "已隐藏" };
export const IMAGE_MAX_BYTES = 2 * 1024 * 1024;
export const VIDEO_MAX_BYTES = 500 * 1024 * 1024;
export const VIDEO_ACCEPT = ".mp4,.webm,video/mp4,video/webm";
export const IMAGE_ACCEPT = ".jpg,.jpeg,.png,image/jpeg,image/png";
export const COURSE_FIELDS = ["title", "teacher_name", "teacher_title", "teacher_profile",
  "hours", "description", "preview_seconds", "status"] as const;
export type CourseField = (typeof COURSE_FIELDS)[number];

export interface CourseValues {
  title: string;
  teacher_name: string;
  teacher_title: string;
  teacher_profile: string;
  hours: string;
  description: string;
  preview_seconds: number;
  status: CourseStatus;
}

export function newCourseValues(): CourseValues {
  return { title: "", teacher_name: "", teacher_title: "", teacher_profile: "", hours: "",
    description: "", preview_seconds: 180, status: "active" };
}

export function courseValues(course: Course): CourseValues {
  return { title: course.title ?? "", teacher_name: course.teacher_name ?? "",
    teacher_title: course.teacher_title ?? "", teacher_profile: course.teacher_profile ?? "",
    hours: course.hours ?? "", description: course.description ?? "",
    preview_seconds: course.preview_seconds ?? 0,
    status: course.status === "hidden" ? "hidden" : "active" };
}

export function courseStatusLabel(status: string | undefined): string {
  return COURSE_STATUS_LABELS[status as CourseStatus] ?? status ?? "";
}

/** The body to send, or the problems to show beside the fields first. */
export function courseBody(values: CourseValues):
  { body: CourseBody | null; problems: Partial<Record<CourseField, string>> } {
  const problems: Partial<Record<CourseField, string>> = {};
  const title = values.title.trim();
  const teacher = values.teacher_name.trim();
  const hours = normalHours(values.hours);
  if (title.length < 2) problems.title = "请输入课程名称（2–120个字）";
  if (!teacher) problems.teacher_name = "请输入讲师姓名";
  if (!hours) problems.hours = "请输入学时，如 2 或 2.0（最多一位小数）";
  if (!hours || Object.keys(problems).length) return { body: null, problems };
  const orNull = (text: string) => text.trim() || null;
  return { problems, body: {
    title, teacher_name: teacher, teacher_title: orNull(values.teacher_title),
    teacher_profile: orNull(values.teacher_profile),
    hours, description: orNull(values.description),
    preview_seconds: values.preview_seconds, status: values.status } };
}

/** Why an image cannot be uploaded as it is, or null. */
export function imageProblem(file: { name: string; size: number } | null): string | null {
  if (!file) return "请先选择图片";
  if (!/\.(jpe?g|png)$/i.test(file.name)) return "图片须为JPG或PNG格式";
  if (file.size > IMAGE_MAX_BYTES) return "图片不能超过2MB";
  return null;
}

/** Why a video cannot be uploaded as it is, or null. The type is the service's to judge
 * (it reads the file's content), so only a missing, empty or too large file is refused. */
export function videoProblem(file: { name: string; size: number } | null): string | null {
  if (!file) return "请先选择视频文件";
  if (file.size === 0) return "视频文件是空的，请重新选择";
  if (file.size > VIDEO_MAX_BYTES) return "视频文件不能超过500 MB";
  return null;
}

/** "WebM 视频 · 时长 0:06" / "尚未上传视频". */
export function videoLine(chapter: Pick<Chapter, "has_video" | "video_type" | "duration_ms">):
  string {
  if (!chapter.has_video) return "尚未上传视频";
  const type = chapter.video_type === "mp4" ? "MP4" : chapter.video_type === "webm" ? "WebM" : "";
  return `${type ? `${type} 视频 · ` : ""}时长 ${durationText(chapter.duration_ms ?? 0)}`;
}

/** 0–100 of an upload's bytes sent; null while the size is unknown. */
export function uploadPercent(loaded: number, total: number): number | null {
  if (!total || total <= 0) return null;
  return Math.min(100, Math.floor((loaded / total) * 100));
}
