/**
 * Recovery codes: ten single-use codes handed out when TOTP is turned on, for a client
 * who lost the authenticator app. Each carries 80 random bits, so a SHA-256 of it (salted
 * with the client id) is as safe to store as a refresh token's hash; each is used up by a
 * claim in the second-factor store, which exactly one concurrent use wins.
 */
import { createHash, randomInt } from 'node:crypto';
import type { SecondFactorStore, TotpFactor } from './ports.js';

export const RECOVERY_CODE_COUNT = 10;
/** Crockford's base32: no i, l, o or u, so a code read aloud or copied by hand survives. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const GROUPS = 4;
const GROUP_LENGTH = 4;
/** A used code stays used for as long as the factor lives. */
const FOREVER = new Date(8.64e15);

/** Ten fresh codes, as the client sees them: xxxx-xxxx-xxxx-xxxx. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () =>
    Array.from({ length: GROUPS }, () => Array.from({ length: GROUP_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')).join('-'),
  );
}

/** How a code is stored. */
export function hashRecoveryCode(clientId: string, code: string): string {
  return createHash('sha256')
    .update(`${clientId}:${normalize(code)}`, 'utf8')
    .digest('hex');
}

/** Uses up one of the factor's recovery codes; false when it is not one of them or was used already. */
export async function useRecoveryCode(store: SecondFactorStore, factor: TotpFactor, code: string): Promise<boolean> {
  const normalized = normalize(code);
  if (normalized.length !== GROUPS * GROUP_LENGTH || ![...normalized].every((c) => ALPHABET.includes(c))) return false;
  const hash = hashRecoveryCode(factor.clientId, normalized);
  if (!factor.recoveryCodeHashes.includes(hash)) return false;
  return store.claim(factor.clientId, `recovery:${hash}`, FOREVER);
}

/** Case, spaces and dashes do not matter, and the letters Crockford reads as digits are read so. */
function normalize(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '').replace(/[o]/g, '0').replace(/[il]/g, '1');
}
