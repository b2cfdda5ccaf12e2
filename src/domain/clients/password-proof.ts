/**
 * The check of a signed-in user's current password, before a change only its owner may make
 * (ChangePassword, DeleteMyAccount). It takes a place in the hashing queue and is counted
 * like a login, per user and per client IP, before the password is compared: a stolen access
 * token cannot try passwords faster than a login could.
 */
import type { Attempt, AttemptLimits, PasswordHashing } from '../abuse/ports.js';
import type { ClientRecord } from '../kernel/client.js';
import * as v from '../kernel/validation.js';

export interface PasswordProofDeps {
  hasher: PasswordHashing;
  limits: AttemptLimits;
}

/**
 * Whether `password` is the client's; a right one gives back what the check cost. Throws
 * TOO_MANY_ATTEMPTS past the limit, SERVER_BUSY when hashing is saturated. `counted` names
 * the limit the guess counts against: a login's by default, the second factor's where the
 * password stands in for one (DeletePasskey).
 */
export async function provesPassword(
  deps: PasswordProofDeps,
  client: ClientRecord,
  password: string,
  source: string,
  deadline: number | undefined,
  counted: (limits: AttemptLimits) => Promise<Attempt> = (limits) => limits.beginPasswordCheck(client.id, source),
): Promise<boolean> {
  const { attempt, matches } = await deps.hasher.withPlace(async (place) => {
    const attempt = await counted(deps.limits);
    const matches = Buffer.byteLength(password, 'utf8') <= v.PASSWORD_MAX_BYTES && (await place.verify(password, client.passwordHash));
    return { attempt, matches };
  }, deadline);
  if (matches) await attempt.succeeded();
  return matches;
}
