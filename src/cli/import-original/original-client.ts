/**
 * How one client of the original service (a-shine/client-auth, collection `users`) becomes
 * a client here, or why it cannot. Pure: no store, no driver.
 *
 * The original's documents: `_id` (ObjectId), `email`, `suspended`, `groups`, and for a
 * user `firstName`, `lastName`, `hashedPassword` (bcrypt); for a service `name`. Its Go
 * struct tags (`"firstName, omitempty"`) never took effect, so every document holds every
 * field, the ones of the other kind as empty strings; `groups` may be null or missing.
 */
import { ADMIN_GROUP, BASE_GROUP, type ClientKind, type ClientRecord } from '../../domain/kernel/client.js';
import { DomainError, invalidArgument } from '../../domain/kernel/errors.js';
import { importedClientCreatedAt, isImportedClientId } from '../../domain/kernel/imported-clients.js';
import * as v from '../../domain/kernel/validation.js';
import { normaliseGroups } from './original-groups.js';

/** A document of the original's `users` collection, its `_id` already as hex. */
export interface OriginalDocument {
  id: string;
  fields: Record<string, unknown>;
}

/** The fields the original wrote; any other is reported as not carried over. */
export const ORIGINAL_FIELDS: ReadonlySet<string> = new Set(['_id', 'email', 'suspended', 'groups', 'firstName', 'lastName', 'hashedPassword', 'name']);

/** What the import does with one document. */
export type Conversion =
  | {
      ok: true;
      record: ClientRecord;
      hadAdmin: boolean;
      adminKept: boolean;
      /** What normalising the document's groups changed, one line each (empty when nothing). */
      groupChanges: string[];
    }
  | { ok: false; reason: string };

export const SUSPENSION_REASON = 'suspended in the original service';

/** bcrypt in the modular crypt format; Go's bcrypt writes $2a$. */
const BCRYPT_HASH = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

/**
 * Converts a document. `keepAdmin` holds the ids and normalised emails whose `admin` group
 * is carried over; everyone else loses it, since the original let anyone register as admin.
 */
export function convertOriginal(document: OriginalDocument, keepAdmin: ReadonlySet<string>, now: Date): Conversion {
  try {
    return convert(document, keepAdmin, now);
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, reason: error.message };
    throw error;
  }
}

/** The normalised email of a document, or null when it has none that is valid. */
export function normalisedEmailOf(document: OriginalDocument): string | null {
  const email = document.fields['email'];
  if (typeof email !== 'string') return null;
  try {
    return v.normalizeEmail('email', email);
  } catch {
    return null;
  }
}

function convert(document: OriginalDocument, keepAdmin: ReadonlySet<string>, now: Date): Conversion {
  const { id, fields } = document;
  if (!isImportedClientId(id)) return { ok: false, reason: '_id is not an ObjectId' };
  const rawEmail = stringOf(fields, 'email');
  // Only what cannot be a client is refused: one with no address to be found by, or nothing to log in with.
  if (rawEmail.trim() === '') return { ok: false, reason: 'email is required: a client is found by its email' };
  const email = v.normalizeEmail('email', rawEmail);
  const hashedPassword = stringOf(fields, 'hashedPassword');
  const name = stringOf(fields, 'name').trim();
  let kind: ClientKind;
  if (hashedPassword !== '' && name === '') kind = 'user';
  else if (hashedPassword === '' && name !== '') kind = 'service';
  else if (hashedPassword === '') return { ok: false, reason: 'neither a hashedPassword (user) nor a name (service): nothing to log in with' };
  else return { ok: false, reason: 'both a hashedPassword (user) and a name (service)' };
  if (kind === 'user' && !BCRYPT_HASH.test(hashedPassword)) return { ok: false, reason: 'hashedPassword is not a bcrypt hash' };

  const suspended = fields['suspended'];
  if (suspended !== undefined && suspended !== null && typeof suspended !== 'boolean') {
    return { ok: false, reason: 'suspended is not a boolean' };
  }
  const { groups: originalGroups, changes: groupChanges } = normaliseGroups(fields['groups']);
  const hadAdmin = originalGroups.includes(ADMIN_GROUP);
  const adminKept = hadAdmin && (keepAdmin.has(id) || keepAdmin.has(email));
  const carried = v.groups(
    'groups',
    originalGroups.filter((group) => group !== ADMIN_GROUP || adminKept),
  );
  const groups = carried.includes(BASE_GROUP[kind]) ? carried : [BASE_GROUP[kind], ...carried];
  const isSuspended = suspended === true;
  return {
    ok: true,
    hadAdmin,
    adminKept,
    groupChanges,
    record: {
      id,
      kind,
      email,
      firstName: kind === 'user' ? v.text('firstName', stringOf(fields, 'firstName'), 100) : '',
      lastName: kind === 'user' ? v.text('lastName', stringOf(fields, 'lastName'), 100) : '',
      phoneNumber: '',
      name: kind === 'service' ? v.text('name', name, 100, { required: true }) : '',
      groups,
      attributes: {},
      passwordHash: kind === 'user' ? hashedPassword : null,
      // The original issued services non-expiring tokens instead; ResetServiceSecret gives one.
      secretHash: null,
      // The original never checked an address; claiming one verified here would be a guess.
      emailVerifiedAt: null,
      lastTokenIssuedAt: null,
      suspended: isSuspended,
      suspensionReason: isSuspended ? SUSPENSION_REASON : '',
      suspendedAt: isSuspended ? now : null,
      suspendedBy: '',
      createdAt: importedClientCreatedAt(id),
      updatedAt: now,
    },
  };
}

function stringOf(fields: Record<string, unknown>, name: string): string {
  const value = fields[name];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw invalidArgument(name, `${name} is not a string`);
  return value;
}

/**
 * A client suspended only by a key in the original's Redis, stored suspended. Suspensions
 * here have no end (they last until `/reinstate`), so the key's end goes into the reason
 * for an admin to read, not into a timer.
 */
export function withOriginalRedisSuspension(record: ClientRecord, endsAt: Date | null, now: Date): ClientRecord {
  const end = endsAt === null ? '' : `; it would have lifted at ${endsAt.toISOString()}`;
  return { ...record, suspended: true, suspensionReason: `${SUSPENSION_REASON} (its Redis key${end})`, suspendedAt: now, suspendedBy: '' };
}
