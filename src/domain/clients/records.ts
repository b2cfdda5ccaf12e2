/** Building, storing and finding client records: the steps several use cases share. */
import { BASE_GROUP, type ClientKind, type ClientRecord } from '../kernel/client.js';
import { DuplicateKeyError, domainError } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import * as v from '../kernel/validation.js';
import type { ClientStore } from './ports.js';

/** A new client of `kind`: not suspended, created now, with its kind's base group unless `fields` say otherwise. */
export function newClientRecord(kind: ClientKind, email: string, fields: Partial<ClientRecord>, now: number): ClientRecord {
  const at = new Date(now);
  return {
    id: newId(now),
    kind,
    email,
    firstName: '',
    lastName: '',
    phoneNumber: '',
    name: '',
    groups: [BASE_GROUP[kind]],
    attributes: {},
    passwordHash: null,
    secretHash: null,
    suspended: false,
    suspensionReason: '',
    suspendedAt: null,
    suspendedBy: '',
    createdAt: at,
    updatedAt: at,
    emailVerifiedAt: null,
    ...fields,
    lastTokenIssuedAt: null,
  };
}

/** Stores a new client; a taken email is EMAIL_TAKEN on the `email` field. */
export async function insertNewClient(clients: ClientStore, record: ClientRecord): Promise<void> {
  try {
    await clients.insert(record);
  } catch (error) {
    if (error instanceof DuplicateKeyError) throw domainError('EMAIL_TAKEN', undefined, 'email');
    throw error;
  }
}

/** `groups` with the kind's base group in front, if it is not there already. */
export function withBaseGroup(kind: ClientKind, groups: string[]): string[] {
  return groups.includes(BASE_GROUP[kind]) ? groups : [BASE_GROUP[kind], ...groups];
}

/** The client named by a request's `client_id`, or CLIENT_NOT_FOUND. */
export async function requireClient(clients: ClientStore, id: string): Promise<ClientRecord> {
  v.clientId('client_id', id);
  const client = await clients.findById(id);
  if (!client) throw domainError('CLIENT_NOT_FOUND');
  return client;
}
