/**
 * The range of the unique email index that holds exactly the emails starting with a prefix:
 * `email >= prefix AND email < successor`. SQLite compares TEXT under the BINARY collation
 * byte by byte in UTF-8, which is code point order, so the successor is the shortest string
 * greater than every string that starts with the prefix, counted in code points (never in
 * UTF-16 units, whose order differs beyond U+FFFF). LIKE and GLOB would not do: LIKE folds
 * ASCII case and its wildcards need escaping (which turns the LIKE optimisation off), and
 * SQLite applies either optimisation only under conditions the stored collation must meet.
 */
export interface PrefixRange {
  from: string;
  /** Null when every code point of the prefix is U+10FFFF: the range is open above. */
  before: string | null;
}

const GREATEST = 0x10ffff;
const SURROGATES_FROM = 0xd800;
const SURROGATES_AFTER = 0xdfff;
/** With the u flag a surrogate pair reads as one code point, so this matches unpaired halves only. */
const LONE_SURROGATE = /[\ud800-\udfff]/gu;

export function prefixRange(prefix: string): PrefixRange {
  // A lone surrogate is bound as U+FFFD; read the prefix as SQLite will, so both bounds agree.
  const from = prefix.replace(LONE_SURROGATE, '\ufffd');
  const points = Array.from(from, (character: string) => character.codePointAt(0)!);
  while (points.length > 0) {
    const last = points.pop()!;
    if (last === GREATEST) continue;
    // Surrogates are not characters and cannot be stored: the next character after U+D7FF is U+E000.
    const next = last + 1 === SURROGATES_FROM ? SURROGATES_AFTER + 1 : last + 1;
    return { from, before: String.fromCodePoint(...points, next) };
  }
  return { from, before: null };
}
