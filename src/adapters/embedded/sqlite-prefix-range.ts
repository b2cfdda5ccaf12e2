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
const HIGH_SURROGATES = [0xd800, 0xdbff] as const;
const FIRST_LOW_SURROGATE = 0xdc00;
const AFTER_SURROGATES = 0xe000;

export function prefixRange(prefix: string): PrefixRange {
  // A lone surrogate is bound as its own three bytes (WTF-8), in code point order too.
  const points = Array.from(prefix, (character: string) => character.codePointAt(0)!);
  while (points.length > 0) {
    const last = points.pop()!;
    if (last === GREATEST) continue;
    let next = last + 1;
    // A low surrogate after a lone high one would join it into one astral character; no
    // string from JavaScript holds that pair apart, so the next possible character is U+E000.
    const before = points.at(-1);
    if (next === FIRST_LOW_SURROGATE && before !== undefined && before >= HIGH_SURROGATES[0] && before <= HIGH_SURROGATES[1]) next = AFTER_SURROGATES;
    return { from: prefix, before: String.fromCodePoint(...points, next) };
  }
  return { from: prefix, before: null };
}
