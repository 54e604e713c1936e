// An org as the picker API answers it (GET /api/v1/orgs/tree).
import type { components } from "@/api/schema";

export type OrgNode = components["schemas"]["OrgNode"];

/** "上级 › 上级" of an org (path_names ends with the org itself), or null. */
export function parentPathOf(org: OrgNode): string | null {
  const names = [...(org.path_names ?? [])];
  if (names.length && names[names.length - 1] === org.name) names.pop();
  return names.length ? names.join(" › ") : null;
}

/** By default people may belong only to units that accept members. */
export const acceptsMembers = (org: OrgNode): boolean => Boolean(org.accepts_members);

/** Whether `org` (a search result, with the names along its path) lies in `root`'s subtree
 *  (always, without a root). Names, not ids, are what the picker answers with; the
 *  services check the jurisdiction by id again. */
export function withinRoot(org: OrgNode, root: OrgNode | null | undefined): boolean {
  if (!root || org.id === root.id) return true;
  const names = org.path_names ?? [];
  const rootNames = root.path_names ?? [];
  if (!rootNames.length || names.length <= rootNames.length) return false;
  return rootNames.every((name, i) => names[i] === name);
}
