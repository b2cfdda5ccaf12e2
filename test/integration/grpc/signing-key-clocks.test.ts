/**
 * Signing keys shared by instances whose clocks disagree: keys are rotated, retired and
 * deleted by the store's clock, so an instance whose own clock runs 70 days ahead cannot
 * take away the key the others sign with.
 */
import { expect } from 'chai';
import { openSqliteDatabase } from '../../../src/adapters/embedded/sqlite-database.js';
import { SqliteSigningKeyStore } from '../../../src/adapters/embedded/sqlite-signing-key-store.js';
import { MongoSigningKeyStore } from '../../../src/adapters/mongo/signing-key-store.js';
import { openSigningKeys } from '../../../src/bootstrap/signing-key-setup.js';
import type { SigningKeyStore } from '../../../src/domain/signing-keys/ports.js';
import { headerOf } from '../../support/jws.js';
import { dataDirOf, failure, recordingLogger, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';

const DAY = 24 * 3600_000;
const PASSWORD = 'correct horse battery';
const KEY_ENCRYPTION_KEY = 'a-key-encryption-key-of-at-least-32-bytes!';

for (const setup of SETUPS) {
  describe(`Signing keys with an instance whose clock runs 70 days ahead, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(60000);
    let server: TestServer;
    /** The second instance's own connection to the store the server uses. */
    let store: SigningKeyStore;
    let closeStore: () => void = () => {};

    before(async function () {
      server = await startTestServer(setupEnv(setup, this, 'keys_clock', { JWT_ALGORITHM: 'ES256', KEY_ENCRYPTION_KEY, SIGNING_KEY_PUBLISH_AHEAD: '2s' }));
      if (setup === 'shared') {
        store = new MongoSigningKeyStore(server.db);
      } else {
        const db = openSqliteDatabase(dataDirOf(server.config));
        store = new SqliteSigningKeyStore(db);
        closeStore = () => db.close();
      }
    });
    after(async () => {
      closeStore();
      await server?.close();
    });

    it('removes no key the others sign with: their tokens stay valid, the JWKS keeps the key, and the instance warns of its clock', async () => {
      const tokens: string[] = [];
      for (let i = 0; i < 10; i++) {
        const email = `clock${i}@example.com`;
        await server.api.registerUser({ email, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
        tokens.push((await server.api.login({ email, password: PASSWORD })).accessToken);
      }
      const kid = headerOf(tokens[0]!)['kid'] as string;

      // The instance ahead starts, and starts again as its clock runs on, past every moment at
      // which, by its clock, the key would have been replaced and then retired for good.
      const logs: string[] = [];
      const signedWith: string[] = [];
      for (const ahead of [70 * DAY, 70 * DAY + 3600_000, 71 * DAY, 140 * DAY]) {
        const keys = await openSigningKeys(server.config, store, recordingLogger(logs), () => Date.now() + ahead);
        signedWith.push(keys.signer().kid);
        await keys.close();
      }

      // The server re-reads the key set every second here (a quarter of the publish-ahead
      // time, at least a second): two periods, then what it accepts and publishes.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const outcomes = await Promise.all(
        tokens.map((token) =>
          server.api.validateToken({ token }).then(
            () => 'valid',
            async (error: unknown) => (await failure(Promise.reject(error))).reason,
          ),
        ),
      );
      expect(outcomes).to.deep.equal(tokens.map(() => 'valid'));
      expect((await server.api.getJwks({})).keys.map((key) => key.kid)).to.deep.equal([kid]);
      expect((await store.list()).map((key) => key.kid)).to.deep.equal([kid]);
      // The instance ahead signed with the same key as everyone else.
      expect(signedWith).to.deep.equal([kid, kid, kid, kid]);
      const warnings = logs.filter((line) => line.includes('"level":"warn"') && line.includes("this instance's clock is"));
      expect(warnings).to.have.length(4);
      expect(warnings[0]).to.contain('70 days').and.contain("ahead of the signing-key store's").and.contain('NTP');
    });

    it('says nothing of the clock of an instance that agrees with the store', async () => {
      const logs: string[] = [];
      const keys = await openSigningKeys(server.config, store, recordingLogger(logs));
      await keys.close();
      expect(logs.filter((line) => line.includes("this instance's clock"))).to.deep.equal([]);
    });
  });
}
