/**
 * The original's groups as groups here. The original stored whatever a registration sent
 * (`[""]`, `["User"]`, `["ADMIN","admin"]`), so a document is never refused for its groups:
 * each is normalised by the rule groups are stored by here (src/domain/kernel/validation.ts,
 * lower-case names), and every change is described for the import's report. Pure.
 */
import { isGroupName, MAX_GROUPS } from '../../domain/kernel/validation.js';

const NOT_A_NAME = 'not a group name here: lower-case a-z, 0-9, _ . - starting with a letter, at most 64';

export interface NormalisedGroups {
  /** Deduplicated, in the document's order; `admin` still in it when the document had it. */
  groups: string[];
  /** One line per change, in the document's order: `"User" became "user"`, `"" dropped (empty)`. */
  changes: string[];
}

export function normaliseGroups(value: unknown): NormalisedGroups {
  if (value === undefined || value === null) return { groups: [], changes: [] };
  if (!Array.isArray(value)) return { groups: [], changes: [`${shown(value)} dropped (groups is not a list)`] };
  const groups: string[] = [];
  const changes: string[] = [];
  for (const entry of value as unknown[]) {
    if (typeof entry !== 'string') {
      changes.push(`${shown(entry)} dropped (not text)`);
      continue;
    }
    const folded = entry.trim().toLowerCase();
    if (folded === '') {
      changes.push(`${shown(entry)} dropped (empty)`);
      continue;
    }
    // A name the fold cannot bring under the stored rule is dropped: rewriting it further would be a guess.
    if (!isGroupName(folded)) {
      changes.push(`${shown(entry)} dropped (${NOT_A_NAME})`);
      continue;
    }
    if (groups.includes(folded)) {
      changes.push(`${shown(entry)} merged (a duplicate)`);
      continue;
    }
    // One more is kept for the base group the import adds.
    if (groups.length >= MAX_GROUPS - 1) {
      changes.push(`${shown(entry)} dropped (more than ${MAX_GROUPS} groups)`);
      continue;
    }
    if (folded !== entry) changes.push(`${shown(entry)} became ${shown(folded)}`);
    groups.push(folded);
  }
  return { groups, changes };
}

/** A value as the report shows it: strings quoted, anything else as JSON, cut short. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
