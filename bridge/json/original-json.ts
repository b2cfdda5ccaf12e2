/**
 * What a client of the original service (a-shine/client-auth, see docs/migration.md) reads
 * in its answers, in the original's shape. Added beside the bridge's own fields, never in
 * place of them, so a client of either kind reads its answer from the same route. Only
 * success answers carry these: an error keeps its `{message, reason}`.
 */
import type { Client } from '../../gen/clientauth/v1/client.js';

/** The `message` of each original success answer, word for word: its clients compared it. */
export const ORIGINAL_MESSAGES = {
  userRegistered: 'User registered successfully',
  serviceRegistered: 'Service registered successfully',
  loggedIn: 'Successfully logged in',
} as const;

/** The original's `GET /me` user: its client document without id, hash and suspension. */
export interface OriginalUserJson {
  email: string;
  groups: string[];
  firstName: string;
  lastName: string;
  name: string;
}

export function originalUserJson(client: Client | undefined): OriginalUserJson {
  if (!client) throw new Error('the service answered without a client');
  return { email: client.email, groups: client.groups, firstName: client.firstName, lastName: client.lastName, name: client.name };
}
