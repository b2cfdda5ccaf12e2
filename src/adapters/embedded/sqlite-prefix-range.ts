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
const SURROGATES = [0xd800, 0xdfff] as const;
const AFTER_SURROGATES = 0xe000;

/** `String.prototype.toWellFormed` (ES2024, in every Node this runs on), which es2022's types lack. */
const wellFormed = (text: string): string => (text as string & { toWellFormed(): string }).toWellFormed();

export function prefixRange(prefix: string): PrefixRange {
  // Node's UTF-8 encoder writes a lone surrogate as U+FFFD, in a stored email and in a bound
  // prefix alike, so the range is that of the well-formed prefix. No surrogate code point is a
  // character of a well-formed string: the successor of U+D7FF is U+E000.
  const from = wellFormed(prefix);
  const points = Array.from(from, (character: string) => character.codePointAt(0)!);
  while (points.length > 0) {
    const last = points.pop()!;
    if (last === GREATEST) continue;
    const next = last + 1 >= SURROGATES[0] && last + 1 <= SURROGATES[1] ? AFTER_SURROGATES : last + 1;
    return { from, before: String.fromCodePoint(...points, next) };
  }
  return { from, before: null };
}
