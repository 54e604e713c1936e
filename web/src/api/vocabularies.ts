// The choices of the registration and profile forms (民族、学历、职称级别…), loaded once per
// visit and shared by every form that offers them.
import { api, ok } from "./client";
import type { components } from "./schema";

export type Vocabularies = components["schemas"]["Vocabularies"];
export type CodedChoice = components["schemas"]["CodedChoice"];

let cached: Promise<Vocabularies> | null = null;

export function loadVocabularies(): Promise<Vocabularies> {
  if (!cached) {
    cached = ok(api.GET("/api/v1/auth/vocabularies")).catch((err: unknown) => {
      cached = null; // the next page tries again
      throw err;
    });
  }
  return cached;
}

/** code → label of a list of choices. */
export function labelsOf(list: CodedChoice[]): Record<string, string> {
  return Object.fromEntries(list.map((t) => [t.code, t.label]));
}
