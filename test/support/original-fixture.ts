/**
 * Clients of the original service (a-shine/client-auth) in its exact schema, written into
 * a MongoDB `users` collection as its Go code wrote them: every field on every document
 * (its `omitempty` tags never took effect), bcrypt hashes as Go writes them ($2a$).
 */
import bcrypt from 'bcrypt';
import { type Db, ObjectId } from 'mongodb';

export const ORIGINAL_PASSWORD = 'the password from before';

export interface OriginalUserSpec {
  email: string;
  firstName?: string;
  lastName?: string;
  groups?: string[] | null;
  suspended?: boolean;
  hashedPassword?: string;
}

/** Go's bcrypt writes $2a$; the same hash with that prefix, at a test cost. */
export function goBcrypt(password: string): string {
  return bcrypt.hashSync(password, 4).replace(/^\$2b\$/, '$2a$');
}

export function originalUser(spec: OriginalUserSpec, hash: string): Record<string, unknown> {
  return {
    _id: new ObjectId(),
    email: spec.email,
    hashedPassword: spec.hashedPassword ?? hash,
    suspended: spec.suspended ?? false,
    groups: spec.groups === undefined ? ['user'] : spec.groups,
    firstName: spec.firstName ?? 'First',
    lastName: spec.lastName ?? 'Last',
    name: '',
  };
}

export function originalService(spec: { email: string; name: string; groups?: string[] | null; suspended?: boolean }): Record<string, unknown> {
  return {
    _id: new ObjectId(),
    email: spec.email,
    hashedPassword: '',
    suspended: spec.suspended ?? false,
    groups: spec.groups === undefined ? null : spec.groups,
    firstName: '',
    lastName: '',
    name: spec.name,
  };
}

/** Writes documents in batches, as a long-running original would have accumulated them. */
export async function writeOriginal(db: Db, documents: Record<string, unknown>[]): Promise<void> {
  const users = db.collection('users');
  for (let i = 0; i < documents.length; i += 1000) await users.insertMany(documents.slice(i, i + 1000), { ordered: false });
}
