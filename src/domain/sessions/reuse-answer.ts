/**
 * The answer of a refresh, kept so that a second use of the same refresh token within the
 * reuse interval (two tabs refreshing at once) gets the very same pair instead of
 * revoking the session. It is stored sealed (AES-256-GCM) under a key derived from the
 * refresh token it answered, which the store keeps only as a hash: reading the store
 * does not reveal the new tokens, only presenting the old one does.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { ClientRecord } from '../kernel/client.js';
import type { IssuedToken } from './ports.js';

/** What a refresh answers: the new access and refresh tokens and the client. */
export interface RefreshAnswer {
  access: IssuedToken;
  refresh: IssuedToken;
  client: Omit<ClientRecord, 'passwordHash' | 'secretHash'>;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

function keyOf(parentToken: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(parentToken, 'utf8'), Buffer.alloc(0), 'client-auth refresh answer v1', 32));
}

export function sealAnswer(parentToken: string, answer: RefreshAnswer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyOf(parentToken), iv);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(answer), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
}

/** The answer sealed with `parentToken`, or null when it does not open with it. */
export function openAnswer(parentToken: string, sealed: string): RefreshAnswer | null {
  const bytes = Buffer.from(sealed, 'base64url');
  if (bytes.length <= IV_BYTES + TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(parentToken), bytes.subarray(0, IV_BYTES));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const json = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    return JSON.parse(json, reviveDates) as RefreshAnswer;
  } catch {
    return null;
  }
}

const DATE_FIELDS = new Set(['expiresAt', 'createdAt', 'updatedAt', 'suspendedAt']);

function reviveDates(key: string, value: unknown): unknown {
  return DATE_FIELDS.has(key) && typeof value === 'string' ? new Date(value) : value;
}
