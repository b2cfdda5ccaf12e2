import { status } from '@grpc/grpc-js';
import bcrypt from 'bcrypt';
import { expect } from 'chai';
import { eventually } from '../../support/eventually.js';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';

const PASSWORD = 'correct horse battery';
/** What every hash stored under the default argon2id parameters (OWASP's minimum) starts with. */
const OWASP_ARGON2ID = '$argon2id$v=19$m=19456,t=2,p=1$';

for (const setup of SETUPS)
  describe(`PASSWORD_HASH=argon2id on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(30000);
    let server: TestServer;
    let counter = 0;
    const email = () => `argon${++counter}.${Date.now()}@example.com`;

    before(async function () {
      server = await startTestServer(setupEnv(setup, this, 'argon2id', { PASSWORD_HASH: 'argon2id' }));
    });
    after(async () => server?.close());

    const register = (address: string) => server.api.registerUser({ email: address, password: PASSWORD, firstName: 'Ada', lastName: 'Lovelace' });
    const login = (address: string, password = PASSWORD) => server.api.login({ email: address, password });
    const storedHash = async (id: string) => (await server.store.client(id))!.passwordHash!;

    it('stores a new password as an argon2id hash of the configured parameters, and logs it in', async () => {
      const address = email();
      const { client } = await register(address);
      expect(await storedHash(client!.id)).to.satisfy((hash: string) => hash.startsWith(OWASP_ARGON2ID));
      expect((await login(address)).accessToken).to.not.equal('');
    });

    it('refuses a wrong password and an unknown email alike', async () => {
      const address = email();
      await register(address);
      expect(await failure(login(address, 'not the password'))).to.include({ code: status.UNAUTHENTICATED, reason: 'INVALID_CREDENTIALS' });
      expect(await failure(login(email()))).to.include({ code: status.UNAUTHENTICATED, reason: 'INVALID_CREDENTIALS' });
    });

    it('logs in a client imported with a bcrypt hash, then stores its password as argon2id', async () => {
      const address = email();
      const { client } = await register(address);
      // As the import of the original service stores it: Go's bcrypt, $2a$, cost 10.
      const imported = (await bcrypt.hash(PASSWORD, 10)).replace(/^\$2b\$/, '$2a$');
      await server.store.updateClient(client!.id, { passwordHash: imported });
      expect(await failure(login(address, 'not the password'))).to.include({ reason: 'INVALID_CREDENTIALS' });
      expect(await storedHash(client!.id)).to.equal(imported);

      expect((await login(address)).accessToken).to.not.equal('');
      const upgraded = await eventually(async () => ((await storedHash(client!.id)).startsWith('$argon2id$') ? storedHash(client!.id) : null), {
        what: 'the stored hash to become argon2id',
      });
      expect(upgraded.startsWith(OWASP_ARGON2ID)).to.equal(true);
      expect((await login(address)).accessToken, 'the new hash logs in').to.not.equal('');
      expect(await failure(login(address, 'not the password'))).to.include({ reason: 'INVALID_CREDENTIALS' });
    });

    it('re-hashes an argon2id hash of weaker parameters than configured at the next login', async () => {
      const { hash } = await import('@node-rs/argon2');
      const address = email();
      const { client } = await register(address);
      // @node-rs/argon2's Algorithm.Argon2id is 2 (a const enum, not readable at run time).
      await server.store.updateClient(client!.id, { passwordHash: await hash(PASSWORD, { algorithm: 2, memoryCost: 9216, timeCost: 2, parallelism: 1 }) });
      await login(address);
      await eventually(async () => (await storedHash(client!.id)).startsWith(OWASP_ARGON2ID), { what: 'the stored hash to have the configured parameters' });
    });
  });
