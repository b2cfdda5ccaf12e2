/** What second-factor suites share: a server on either set-up, users, TOTP codes, and the stored factors read around the service. */
import { Secret, TOTP } from 'otpauth';
import { openSqliteDatabase } from '../../src/adapters/embedded/sqlite-database.js';
import { SqliteSecondFactorStore } from '../../src/adapters/embedded/sqlite-second-factor-store.js';
import { MongoSecondFactorStore } from '../../src/adapters/mongo/second-factor-store.js';
import type { SecondFactorStore } from '../../src/domain/second-factor/ports.js';
import { dataDirOf, type TestServer } from './server.js';

export const PASSWORD = 'correct horse battery';
export const ADMIN = { email: 'second-factor-admin@example.com', password: 'admin password 1' };

let counter = 0;

/** Registers a user and returns its id and email. */
export async function registerUser(server: TestServer, prefix = 'mfa'): Promise<{ id: string; email: string }> {
  const email = `${prefix}${++counter}.${Date.now()}@example.org`;
  const { client } = await server.api.registerUser({ email, password: PASSWORD, firstName: 'Ada', lastName: '', phoneNumber: '', attributes: {} });
  return { id: client!.id, email };
}

/** The code an authenticator app shows for `secret`, `stepsAhead` 30-second steps from now. */
export function totpCode(secret: string, stepsAhead = 0): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: Date.now() + stepsAhead * 30_000 });
}

/** Turns TOTP on for the bearer of `token`; returns the secret and the recovery codes. */
export async function enrolTotp(server: TestServer, token: string): Promise<{ secret: string; recoveryCodes: string[] }> {
  const { secret } = await server.api.beginTotpEnrollment({}, { token });
  const { recoveryCodes } = await server.api.confirmTotpEnrollment({ code: totpCode(secret) }, { token });
  return { secret, recoveryCodes };
}

/** The second-factor store of a test server, on its own connection, read around the service. */
export function storedFactors(server: TestServer): { store: SecondFactorStore; close(): void } {
  if (server.setup === 'shared') return { store: new MongoSecondFactorStore(server.db), close: () => {} };
  const db = openSqliteDatabase(dataDirOf(server.config));
  return { store: new SqliteSecondFactorStore(db), close: () => db.close() };
}
