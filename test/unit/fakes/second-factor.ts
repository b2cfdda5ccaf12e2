/** An in-memory fake of the second-factor store, keeping its port's guarantees in one process. */
import { DuplicateKeyError } from '../../../src/domain/kernel/errors.js';
import type { PasskeyRecord, SecondFactorSettings, SecondFactorStore, TotpFactor } from '../../../src/domain/second-factor/ports.js';
import { isLoginChallenge, type LoginChallenge, type TokenPair } from '../../../src/domain/sessions/ports.js';

const copy = <T>(value: T): T => structuredClone(value);

export class FakeSecondFactorStore implements SecondFactorStore {
  readonly totp = new Map<string, TotpFactor>();
  readonly passkeys = new Map<string, PasskeyRecord>();
  readonly claims = new Map<string, { clientId: string; until: Date }>();

  async saveTotp(factor: TotpFactor): Promise<void> {
    this.totp.set(factor.clientId, copy(factor));
  }
  async findTotp(clientId: string): Promise<TotpFactor | null> {
    const factor = this.totp.get(clientId);
    return factor ? copy(factor) : null;
  }
  async replaceRecoveryCodes(clientId: string, recoveryCodeHashes: string[]): Promise<boolean> {
    const factor = this.totp.get(clientId);
    if (!factor?.confirmedAt) return false;
    factor.recoveryCodeHashes = [...recoveryCodeHashes];
    return true;
  }
  async deleteTotp(clientId: string): Promise<boolean> {
    return this.totp.delete(clientId);
  }
  async addPasskey(passkey: PasskeyRecord): Promise<void> {
    if (this.passkeys.has(passkey.id)) throw new DuplicateKeyError('credential');
    this.passkeys.set(passkey.id, copy(passkey));
  }
  async findPasskey(id: string): Promise<PasskeyRecord | null> {
    const passkey = this.passkeys.get(id);
    return passkey ? copy(passkey) : null;
  }
  async listPasskeys(clientId: string): Promise<PasskeyRecord[]> {
    return [...this.passkeys.values()].filter((passkey) => passkey.clientId === clientId).map(copy);
  }
  async recordPasskeyUse(id: string, counter: number, at: Date): Promise<void> {
    const passkey = this.passkeys.get(id);
    if (passkey) Object.assign(passkey, { counter, lastUsedAt: at });
  }
  async renamePasskey(clientId: string, id: string, name: string): Promise<boolean> {
    const passkey = this.passkeys.get(id);
    if (passkey?.clientId !== clientId) return false;
    passkey.name = name;
    return true;
  }
  async deletePasskey(clientId: string, id: string): Promise<boolean> {
    return this.passkeys.get(id)?.clientId === clientId && this.passkeys.delete(id);
  }
  async deleteAllOfClient(clientId: string): Promise<void> {
    this.totp.delete(clientId);
    for (const [id, passkey] of this.passkeys) if (passkey.clientId === clientId) this.passkeys.delete(id);
    for (const [key, claim] of this.claims) if (claim.clientId === clientId) this.claims.delete(key);
  }
  async claim(clientId: string, key: string, until: Date): Promise<boolean> {
    if (this.claims.has(key)) return false;
    this.claims.set(key, { clientId, until });
    return true;
  }
  async sweepClaims(now: Date): Promise<number> {
    let swept = 0;
    for (const [key, claim] of this.claims) if (claim.until < now && this.claims.delete(key)) swept++;
    return swept;
  }
  async haveFactor(clientIds: string[]): Promise<Set<string>> {
    const confirmed = [...this.totp.values()].filter((factor) => factor.confirmedAt).map((factor) => factor.clientId);
    const withPasskey = [...this.passkeys.values()].map((passkey) => passkey.clientId);
    return new Set([...confirmed, ...withPasskey].filter((id) => clientIds.includes(id)));
  }
}

export const SECOND_FACTOR_SETTINGS: SecondFactorSettings = {
  totpIssuer: 'client-auth',
  webauthn: { rpId: 'localhost', rpName: 'client-auth', origins: ['http://localhost:3000'] },
};

/** The token pair of a login that needed no second factor. */
export function tokenPair(result: TokenPair | LoginChallenge): TokenPair {
  if (isLoginChallenge(result)) throw new Error('the login asked for a second factor');
  return result;
}
