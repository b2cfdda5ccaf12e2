/**
 * The check of a signed-in user's current password, before a change only its owner may make
 * (ChangePassword, DeleteMyAccount). It takes a place in the hashing queue and is counted
 * like a login, per user and per client IP, before the password is compared: a stolen access
 * token cannot try passwords faster than a login could.
 */
import type { AttemptLimits, PasswordHashing } from '../abuse/ports.js';
import type { ClientRecord } from '../kernel/client.js';
import * as v from '../kernel/validation.js';

export interface PasswordProofDeps {
  hasher: PasswordHashing;
  limits: AttemptLimits;
}

/** Whether `password` is the client's; a right one gives back what the check cost. Throws TOO_MANY_ATTEMPTS past the limit, SERVER_BUSY when hashing is saturated. */
export async function provesPassword(
  deps: PasswordProofDeps,
  client: ClientRecord,
  password: string,
  source: string,
  deadline: number | undefined,
): Promise<boolean> {
  const { attempt, matches } = await deps.hasher.withPlace(async (place) => {
    const attempt = await deps.limits.beginPasswordCheck(client.id, source);
    const matches = Buffer.byteLength(password, 'utf8') <= v.PASSWORD_MAX_BYTES && (await place.verify(password, client.passwordHash));
    return { attempt, matches };
  }, deadline);
  if (matches) await attempt.succeeded();
  return matches;
}
