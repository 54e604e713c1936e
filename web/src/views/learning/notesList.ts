// 我的笔记's pure parts: a note's video position as mm:ss, the chapter's name from its
// course's catalogue, the link to the player at that chapter, and the edit's check.
import type { components } from "@/api/schema";

export type Note = components["schemas"]["Note"];
export type Chapter = components["schemas"]["Chapter"];

export const NOTE_MAX = 2000;

/** Seconds into the video as "mm:ss" ("h:mm:ss" past an hour). */
export function positionText(seconds: number | null | undefined): string {
  const total = Math.max(0, Math.floor(Number(seconds) || 0));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  return h ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}

/** chapter_id → its name, from a course's chapters. */
export function chapterNames(chapters: readonly Chapter[] | null | undefined): Map<number, string> {
  const names = new Map<number, string>();
  for (const c of chapters ?? []) {
    if (c.chapter_id === undefined) continue;
    names.set(c.chapter_id, c.title?.trim() || (c.seq ? `第${c.seq}节` : `章节 ${c.chapter_id}`));
  }
  return names;
}

/** The course ids of a page of notes whose chapter names are not known yet. */
export function missingCourses(notes: readonly Note[], known: ReadonlySet<number>): number[] {
  const ids = new Set<number>();
  for (const n of notes) if (n.course_id !== undefined && !known.has(n.course_id)) ids.add(n.course_id);
  return [...ids];
}

/** The player at the note's chapter. */
export function playerPath(note: Note): string {
  return `/courses/${note.course_id}/chapters/${note.chapter_id}`;
}

/** Why an edited note cannot be saved, or null. */
export function noteProblem(body: string): string | null {
  const text = body.trim();
  if (!text) return "请输入笔记内容";
  if (text.length > NOTE_MAX) return `笔记不能超过${NOTE_MAX}字`;
  return null;
}
