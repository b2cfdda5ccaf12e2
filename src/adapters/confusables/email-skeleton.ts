import { createRequire } from 'node:module';
import { domainToUnicode } from 'node:url';
import type { Logger } from '../../domain/kernel/logger.js';

/**
 * The skeleton of an email: what a reader sees in it, so that two addresses a person could
 * take for one another have the same skeleton and cannot both be accounts. It is UTS #39's
 * skeleton (each character replaced by the prototype of its confusables class, between
 * two NFD normalisations), with four differences, the reasons for which are in
 * docs/adr/0009-email-skeletons.md:
 *
 * - ASCII characters stand for themselves. UTS #39 also maps `m` to `rn`, `0` to `O` and
 *   `1` to `l`, which would make `amie@` and `arnie@`, or `j0hn@` and `john@`, one
 *   account: real, different addresses that people own. What this refuses is a letter from
 *   beyond ASCII drawn like an ASCII one (`ɑ` for `a`, `ı` for `i`); the prototypes that
 *   stand for `m` (`rn`) are written `m` for that reason.
 * - Combining diacritical marks are dropped after NFD: `ṅ` reads as `n`, `é` as `e`.
 * - Latin small capitals read as their letters (`ᴀ` as `a`), which confusables.txt leaves
 *   out when their glyph is not the lower-case letter's.
 * - Case is folded after the mapping (prototypes such as `A` for `Α` are capitals), and the
 *   domain is judged in its Unicode form, so a look-alike domain (`exаmple.com` with a
 *   Cyrillic а) is caught too.
 *
 * The confusables classes are Unicode's confusables.txt (version 13.0.0) as the
 * `unhomoglyph` package ships it, loaded at the first skeleton.
 */
export function emailSkeleton(email: string): string {
  const at = email.lastIndexOf('@');
  if (at === -1) return skeletonOf(email);
  const domain = email.slice(at + 1);
  return skeletonOf(`${email.slice(0, at)}@${domainToUnicode(domain) || domain}`);
}

// The combining diacritical marks (and their supplements and extended block, and those for
// symbols and half marks): the accents NFD takes off letters.
const DIACRITICS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/gu;

/** Latin letter small capitals, from Unicode's names ("LATIN LETTER SMALL CAPITAL A"), and the letters they read as. */
const SMALL_CAPITALS = ['ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘꞯʀꜱᴛᴜᴠᴡʏᴢ', 'abcdefghijklmnopqrstuvwyz'] as const;

let prototypes: Map<string, string> | null = null;

/** Each non-ASCII character's prototype, with the differences above. */
function prototypeTable(): Map<string, string> {
  if (prototypes) return prototypes;
  const require = createRequire(import.meta.url);
  const confusables = require('unhomoglyph/data.json') as Record<string, string>;
  const table = new Map<string, string>();
  for (const [source, prototype] of Object.entries(confusables)) {
    if (source.codePointAt(0)! < 0x80) continue;
    table.set(source, prototype === 'rn' ? 'm' : prototype);
  }
  const [capitals, letters] = SMALL_CAPITALS;
  for (const [index, capital] of [...capitals].entries()) table.set(capital, letters[index]!);
  prototypes = table;
  return table;
}

function skeletonOf(text: string): string {
  const table = prototypeTable();
  let current = text;
  // A prototype may itself lower-case or decompose into something with a prototype: map
  // until nothing changes (twice at most in practice).
  for (let round = 0; round < 4; round++) {
    let mapped = '';
    for (const char of current.normalize('NFD')) mapped += char.codePointAt(0)! < 0x80 ? char : (table.get(char) ?? char);
    const next = mapped.normalize('NFD').replace(DIACRITICS, '').toLowerCase();
    if (next === current) return next;
    current = next;
  }
  return current;
}

/**
 * The skeleton stored for a client whose email reads as an older client's, both stored
 * before skeletons were: no email has it (emails hold no control character), so neither
 * client is refused anything, and look-alikes of both are still refused, as they read as
 * the older one.
 */
export function shadowedSkeleton(skeleton: string, clientId: string): string {
  return `${skeleton}\u0000${clientId}`;
}

/** The warning for two stored clients whose emails read alike (their ids only: emails are personal data). */
export function reportLookAlike(log: Logger, holderId: string, clientId: string): void {
  log.warn(
    { clientId, readsAs: holderId },
    'two clients stored before email skeletons have emails that read alike; both keep working, and new look-alikes of either are refused',
  );
}
