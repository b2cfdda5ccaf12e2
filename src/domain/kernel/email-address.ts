/**
 * Email addresses as accounts are keyed by. Two addresses that look the same to a person
 * must not become two accounts: compatibility forms fold together (NFKC), invisible and
 * direction-changing characters are refused, and so is a local part mixing scripts to
 * imitate an ASCII one (`аdmin` with a Cyrillic а). The domain is kept in its ASCII
 * (punycode) form, the one DNS and mail servers use.
 */
import { domainToASCII } from 'node:url';
import { invalidArgument } from './errors.js';

const EMAIL_MAX = 254;
// A pragmatic shape check: one @, no spaces, a dot in the domain. Delivery proves the rest.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
// C0 and C1 control characters, including NUL.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Format characters (zero-width joiners, soft hyphen, BOM, the bidi embeddings, overrides
// and isolates) and the bidi marks: invisible, or reorder what the reader sees.
const INVISIBLE = /[\p{Cf}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
// Letters of scripts with many glyphs drawn like Latin ones.
const LOOKALIKE_SCRIPT = /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}\p{Script=Cherokee}]/u;
const LATIN = /\p{Script=Latin}/u;
// Lower-case Cyrillic and Greek letters that render like Latin ones.
const LATIN_LOOKALIKES = new Set([...'авекмнорстухѕіјԁһӏԛԝүҽɡαοριυνκτχεβ']);

/** Trims, folds (NFKC, lower case) and checks an email; throws INVALID_ARGUMENT naming `field`. */
export function normalizeEmail(field: string, value: string): string {
  const email = value.normalize('NFKC').trim().toLowerCase();
  if (email === '') throw invalidArgument(field, `${field} is required`);
  if (email.length > EMAIL_MAX) throw invalidArgument(field, `${field} is longer than ${EMAIL_MAX} characters`);
  if (CONTROL.test(email) || !EMAIL_PATTERN.test(email)) throw invalidArgument(field, `${field} is not a valid email address`);
  if (INVISIBLE.test(email)) throw invalidArgument(field, `${field} must not contain invisible or direction-changing characters`);
  const at = email.lastIndexOf('@');
  const localPart = email.slice(0, at);
  if (imitatesLatin(localPart)) throw invalidArgument(field, `${field} mixes alphabets in a way that imitates another address`);
  const domain = domainToASCII(email.slice(at + 1));
  const normalized = `${localPart}@${domain}`;
  if (domain === '' || !EMAIL_PATTERN.test(normalized)) throw invalidArgument(field, `${field} has a domain that is not a valid host name`);
  if (normalized.length > EMAIL_MAX) throw invalidArgument(field, `${field} is longer than ${EMAIL_MAX} characters`);
  return normalized;
}

/**
 * Latin letters mixed with letters of a look-alike script, or a local part written only
 * in look-alike letters (`раураl`, `асе`): both read as an ASCII address that is not it.
 */
function imitatesLatin(localPart: string): boolean {
  const letters = [...localPart].filter((char) => /\p{L}/u.test(char));
  const lookalikeScript = letters.filter((char) => LOOKALIKE_SCRIPT.test(char));
  if (lookalikeScript.length === 0) return false;
  if (letters.some((char) => LATIN.test(char))) return true;
  return lookalikeScript.every((char) => LATIN_LOOKALIKES.has(char));
}
