/** Input rules. Every failure is an INVALID_ARGUMENT naming the field; nothing is stored. */
import { invalidArgument } from './errors.js';
import { isId } from './ids.js';
import { isImportedClientId } from './imported-clients.js';

/** A client id: a UUIDv7 minted here, or the ObjectId hex of a client imported from the original service. */
export function isClientId(value: string): boolean {
  return isId(value) || isImportedClientId(value);
}
export { normalizeEmail } from './email-address.js';

// C0 and C1 control characters, including NUL.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** At least 8 characters as a reader counts them (grapheme clusters: an emoji is one), whatever their bytes. */
export const PASSWORD_MIN_CHARACTERS = 8;
/**
 * bcrypt reads no further than 72 bytes, so a longer password would be silently cut. The
 * limit holds under argon2id too, which has none: a password set under argon2id then still
 * logs in after a switch back to bcrypt (docs/adr/0014-argon2id-opt-in.md).
 */
export const PASSWORD_MAX_BYTES = 72;

export function checkPassword(field: string, value: string): string {
  if (value === '') throw invalidArgument(field, `${field} is required`);
  if (value.includes('\u0000')) throw invalidArgument(field, `${field} must not contain a NUL character`);
  if (characterCount(value) < PASSWORD_MIN_CHARACTERS) throw invalidArgument(field, `${field} must be at least ${PASSWORD_MIN_CHARACTERS} characters`);
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > PASSWORD_MAX_BYTES) throw invalidArgument(field, `${field} must be at most ${PASSWORD_MAX_BYTES} bytes of UTF-8`);
  return value;
}

/** A free-text field: trimmed, at most `max` characters, no control characters. */
export function text(field: string, value: string, max: number, options: { required?: boolean } = {}): string {
  const trimmed = value.trim();
  if (options.required && trimmed === '') throw invalidArgument(field, `${field} is required`);
  if (trimmed.length > max) throw invalidArgument(field, `${field} is longer than ${max} characters`);
  if (CONTROL.test(trimmed)) throw invalidArgument(field, `${field} must not contain control characters`);
  return trimmed;
}

/** A user's first or last name, as registration and the profile take it: free text, at most 100 characters. */
export function personName(field: string, value: string): string {
  return text(field, value, PERSON_NAME_MAX);
}
export const PERSON_NAME_MAX = 100;

export function clientId(field: string, value: string): string {
  if (value === '') throw invalidArgument(field, `${field} is required`);
  if (!isClientId(value)) throw invalidArgument(field, `${field} is not a client id`);
  return value;
}

const GROUP_PATTERN = /^[a-z][a-z0-9_.-]{0,63}$/;
export const MAX_GROUPS = 32;

/** Whether a value is a group name as groups are stored: lower case, 1 to 64 characters. */
export function isGroupName(value: string): boolean {
  return GROUP_PATTERN.test(value);
}

/** One group name, as a filter takes it. */
export function group(field: string, value: string): string {
  if (!isGroupName(value)) throw invalidArgument(field, `${field} must be a lower-case name of 1 to 64 characters (a-z, 0-9, _ . -) starting with a letter`);
  return value;
}

/** Group names: lower-case identifiers, deduplicated, at most 32. */
export function groups(field: string, values: readonly string[]): string[] {
  if (values.length > MAX_GROUPS) throw invalidArgument(field, `${field} has more than ${MAX_GROUPS} entries`);
  for (const group of values) {
    if (!isGroupName(group)) {
      throw invalidArgument(field, `${field} entries must be lower-case names of 1 to 64 characters (a-z, 0-9, _ . -) starting with a letter`);
    }
  }
  return [...new Set(values)];
}

const MAX_ATTRIBUTES = 32;
const ATTRIBUTE_KEY_MAX = 64;
const ATTRIBUTE_VALUE_MAX = 1024;
const ATTRIBUTE_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]*$/;

export function attributes(field: string, values: Record<string, string>): Record<string, string> {
  const entries = Object.entries(values);
  if (entries.length > MAX_ATTRIBUTES) throw invalidArgument(field, `${field} has more than ${MAX_ATTRIBUTES} keys`);
  const result: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (key.length > ATTRIBUTE_KEY_MAX || !ATTRIBUTE_KEY_PATTERN.test(key)) {
      throw invalidArgument(field, `${field} keys must be 1 to ${ATTRIBUTE_KEY_MAX} characters (letters, digits, _ . -) starting with a letter`);
    }
    if (value.length > ATTRIBUTE_VALUE_MAX) throw invalidArgument(field, `${field}.${key} is longer than ${ATTRIBUTE_VALUE_MAX} characters`);
    if (CONTROL.test(value)) throw invalidArgument(field, `${field}.${key} must not contain control characters`);
    result[key] = value;
  }
  return result;
}

/** A page size: 0 means the default, otherwise 1 to max. */
export function pageSize(field: string, value: number, fallback: number, max: number): number {
  if (value === 0) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) throw invalidArgument(field, `${field} must be between 1 and ${max}`);
  return value;
}

const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** How many characters a reader sees in `value`. */
function characterCount(value: string): number {
  let count = 0;
  for (const _ of GRAPHEMES.segment(value)) count++;
  return count;
}
