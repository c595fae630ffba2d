// Which organisation a handed-over file is for, before the user chooses: the organisation
// of the watched subfolder it lies in (the deepest one), else the last choice.
import type { OrgBinding } from '../../backend';

/** The default organisation of `path`: its folder's binding, else `last`, else null. */
export function defaultParty(path: string, bindings: OrgBinding[], last: string | null): string | null {
  let best: OrgBinding | null = null;
  for (const binding of bindings) {
    const folder = binding.path.replace(/[\\/]+$/, '');
    const inside = path.startsWith(`${folder}/`) || path.startsWith(`${folder}\\`);
    if (inside && (!best || folder.length > best.path.length)) best = binding;
  }
  return best?.partyId ?? last ?? null;
}

/** The paths grouped by their organisation, in first-seen order; paths without one are left out. */
export function groupByParty(paths: string[], partyOf: (path: string) => string): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const path of paths) {
    const party = partyOf(path);
    if (!party) continue;
    groups.set(party, [...(groups.get(party) ?? []), path]);
  }
  return [...groups];
}
