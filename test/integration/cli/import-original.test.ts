import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { type Db, MongoClient } from 'mongodb';
import { uniqueName } from '../../contract/backends.js';
import { runImportCommand } from '../../support/import-command.js';
import { goBcrypt, ORIGINAL_PASSWORD, originalService, originalUser, writeOriginal } from '../../support/original-fixture.js';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { requireServices } from '../../support/services.js';
import { sqliteStoredState } from '../../support/stored-state.js';

const DOCUMENTS = 10_000;

for (const setup of SETUPS) {
  describe(`import-original: the original service's clients move into ${SETUP_TITLES[setup]}`, function () {
    this.timeout(240_000);
    let env: Record<string, string>;
    let mongoUri: string;
    let source: MongoClient;
    let sourceDb: Db;
    const ids: Record<string, string> = {};
    let services = 0;
    let suspendedCount = 0;

    const storedClients = async (): Promise<number> => {
      if (setup === 'shared') return sourceDb.collection('clients').countDocuments();
      const store = sqliteStoredState(env['DATA_DIR']!);
      try {
        return await store.countClients();
      } finally {
        await store.close();
      }
    };

    before(async function () {
      mongoUri = requireServices(this).mongoUri;
      env = setupEnv(setup, this, 'import');
      // On the shared set-up the original's database is also the target's (`users` beside `clients`).
      if (setup === 'embedded') env['DB_NAME'] = uniqueName('original');
      source = new MongoClient(mongoUri, { retryWrites: false });
      await source.connect();
      sourceDb = source.db(env['DB_NAME']!);

      const known = goBcrypt(ORIGINAL_PASSWORD);
      const documents: Record<string, unknown>[] = [];
      const add = (name: string, document: Record<string, unknown>) => {
        ids[name] = String(document['_id']);
        documents.push(document);
      };
      add('alice', originalUser({ email: 'alice@example.org', firstName: 'Alice', lastName: 'Smith' }, known));
      add('carol', originalUser({ email: '  Carol@Example.ORG', firstName: 'Carol' }, known));
      add('mallory', originalUser({ email: 'mallory@example.org', groups: ['admin', 'user'] }, known));
      add('root', originalUser({ email: 'Root@Example.org', groups: ['admin'] }, known));
      add('suspended', originalUser({ email: 'gone@example.org', suspended: true }, known));
      add('billing', originalService({ email: 'billing@example.org', name: 'Billing', groups: ['billing'] }));
      add('dup1', originalUser({ email: 'Dup@example.org' }, known));
      add('dup2', originalUser({ email: 'dup@example.org ' }, known));
      add('badEmail', originalUser({ email: 'not-an-email' }, known));
      add('plainPassword', originalUser({ email: 'plain@example.org', hashedPassword: 'hunter22' }, known));
      add('takenHere', originalUser({ email: 'Taken@example.org' }, known));
      services = 1;
      suspendedCount = 1;
      for (let i = documents.length; i < DOCUMENTS; i++) {
        if (i % 1000 === 0) {
          services++;
          documents.push(originalService({ email: `service${i}@example.org`, name: `Service ${i}` }));
        } else {
          const suspended = i % 500 === 0;
          if (suspended) suspendedCount++;
          documents.push(originalUser({ email: `user${i}@example.org`, firstName: `User${i}`, suspended, groups: i % 7 === 0 ? null : ['user'] }, known));
        }
      }
      await writeOriginal(sourceDb, documents);

      // Someone registered here, under a new id, with an address an original client holds.
      const server = await startTestServer(env);
      try {
        const { client } = await server.api.registerUser({
          email: 'taken@example.org',
          password: 'registered here first',
          firstName: '',
          lastName: '',
          phoneNumber: '',
          attributes: {},
        });
        ids['registeredHere'] = client!.id;
      } finally {
        await server.close();
      }
    });
    after(async () => {
      await source?.close();
    });

    it('by default only reports what it would do, and writes nothing', async () => {
      const result = await runImportCommand(env, ['--from', mongoUri, '--keep-admin', 'root@example.org']);
      expect(result.stdout).to.include('DRY RUN, nothing written');
      expect(result.stdout).to.match(/documents read: +10000/);
      expect(result.stdout).to.match(new RegExp(`would be imported: +${DOCUMENTS - 5}\\b`));
      expect(result.stdout).to.include(`duplicate taken@example.org: ${ids['takenHere']} (already registered here as ${ids['registeredHere']}`);
      expect(result.stdout).to.include(`duplicate dup@example.org: ${ids['dup1']}, ${ids['dup2']}`);
      expect(result.code).to.equal(3);
      expect(await storedClients()).to.equal(1);
    });

    it('with --apply carries ids, hashes, names and suspensions, refuses duplicates and bad documents, and reports progress', async () => {
      const result = await runImportCommand(env, ['--from', mongoUri, '--apply', '--keep-admin', 'Root@example.org', '--json']);
      expect(result.code, result.stderr).to.equal(3);
      expect(result.stderr).to.include(`importing: ${DOCUMENTS}/${DOCUMENTS} documents`);
      const summary = JSON.parse(result.stdout);
      expect(summary).to.include({ applied: true, read: DOCUMENTS, imported: DOCUMENTS - 5, alreadyImported: 0, suspended: suspendedCount });
      expect(summary.duplicates).to.deep.equal([
        { email: 'dup@example.org', ids: [ids['dup1'], ids['dup2']].sort() },
        { email: 'taken@example.org', ids: [ids['takenHere']], registeredHereAs: ids['registeredHere'] },
      ]);
      expect(summary.refused.map((refusal: { id: string; reason: string }) => [refusal.id, refusal.reason])).to.have.deep.members([
        [ids['badEmail'], 'email is not a valid email address'],
        [ids['plainPassword'], 'hashedPassword is not a bcrypt hash'],
      ]);
      expect(summary.admins).to.have.deep.members([
        { id: ids['mallory'], email: 'mallory@example.org', kept: false },
        { id: ids['root'], email: 'root@example.org', kept: true },
      ]);
      expect(summary.servicesWithoutSecret).to.have.length(services);
      expect(summary.servicesWithoutSecret).to.deep.include({ id: ids['billing'], email: 'billing@example.org', name: 'Billing' });
      expect(await storedClients()).to.equal(DOCUMENTS - 5 + 1);
      if (setup === 'shared') {
        // The original gateway's suspension check: a Redis key named by the client id.
        const redis = new Redis(requireServices(this as unknown as Mocha.Context).redisUrl);
        try {
          expect(await redis.get(ids['suspended']!)).to.not.equal(null);
          expect(await redis.get(ids['alice']!)).to.equal(null);
        } finally {
          redis.disconnect();
        }
      }
    });

    it('run again changes nothing and says so', async () => {
      const result = await runImportCommand(env, ['--from', mongoUri, '--apply', '--keep-admin', 'root@example.org']);
      expect(result.stdout, result.stderr).to.match(/imported: +0\b/);
      expect(result.stdout).to.match(new RegExp(`already imported: +${DOCUMENTS - 5} \\(nothing to change\\)`));
      expect(await storedClients()).to.equal(DOCUMENTS - 5 + 1);
    });

    it('refuses a bad command line without touching anything', async () => {
      const missing = await runImportCommand(env, ['--apply']);
      expect(missing.code).to.equal(64);
      expect(missing.stderr).to.include('--from');
      const unknown = await runImportCommand(env, ['--from', mongoUri, '--aply']);
      expect(unknown.code).to.equal(64);
    });

    describe('the imported clients', () => {
      let server: TestServer;
      before(async () => {
        server = await startTestServer(env);
      });
      after(async () => server?.close());

      it('log in with their old password and keep their id, names and normalised email', async () => {
        const alice = await server.api.login({ email: 'alice@example.org', password: ORIGINAL_PASSWORD });
        expect(alice.client).to.include({ id: ids['alice'], email: 'alice@example.org', firstName: 'Alice', lastName: 'Smith' });
        const me = await server.api.getMe({}, { token: alice.accessToken });
        expect(me.client!.id).to.equal(ids['alice']);
        expect(me.client!.groups).to.deep.equal(['user']);
        const carol = await server.api.login({ email: 'carol@example.org', password: ORIGINAL_PASSWORD });
        expect(carol.client!.id).to.equal(ids['carol']);
        expect(await failure(server.api.login({ email: 'alice@example.org', password: 'not the password' }))).to.include({ reason: 'INVALID_CREDENTIALS' });
      });

      it('keep their look-alikes out: an address that reads as an imported one is EMAIL_TAKEN', async () => {
        const lookAlike = '\u0251lice@example.org';
        const refused = await failure(
          server.api.registerUser({ email: lookAlike, password: 'a passphrase for the twin', firstName: '', lastName: '', phoneNumber: '', attributes: {} }),
        );
        expect(refused).to.include({ code: status.ALREADY_EXISTS, reason: 'EMAIL_TAKEN' });
      });

      it('lose admin unless it was kept with --keep-admin', async () => {
        const mallory = await server.api.login({ email: 'mallory@example.org', password: ORIGINAL_PASSWORD });
        expect(mallory.client!.groups).to.deep.equal(['user']);
        const root = await server.api.login({ email: 'root@example.org', password: ORIGINAL_PASSWORD });
        expect(root.client!.groups).to.have.members(['user', 'admin']);
      });

      it('stay suspended, and are on the revocation list', async () => {
        expect(await failure(server.api.login({ email: 'gone@example.org', password: ORIGINAL_PASSWORD }))).to.include({
          reason: 'CLIENT_SUSPENDED',
        });
        expect(await server.app.adapters.revocations.status(ids['suspended']!, 'any-session')).to.equal('CLIENT_SUSPENDED');
        const stored = await server.store.client(ids['suspended']!);
        expect(stored).to.include({ suspended: true, suspensionReason: 'suspended in the original service' });
      });

      it('services get a secret only from ResetServiceSecret, shown once, and then get tokens', async () => {
        const billing = ids['billing']!;
        expect(await failure(server.api.issueServiceToken({ clientId: billing, clientSecret: 'anything at all' }))).to.include({
          reason: 'INVALID_CREDENTIALS',
        });
        const alice = (await server.api.login({ email: 'alice@example.org', password: ORIGINAL_PASSWORD })).accessToken;
        expect(await failure(server.api.resetServiceSecret({ clientId: billing }, { token: alice }))).to.include({
          code: status.PERMISSION_DENIED,
          reason: 'PERMISSION_DENIED',
        });
        const root = (await server.api.login({ email: 'root@example.org', password: ORIGINAL_PASSWORD })).accessToken;
        expect(await failure(server.api.resetServiceSecret({ clientId: ids['alice']! }, { token: root }))).to.include({
          code: status.FAILED_PRECONDITION,
          reason: 'NOT_A_SERVICE',
        });
        const first = await server.api.resetServiceSecret({ clientId: billing }, { token: root });
        expect(first.client).to.include({ id: billing, name: 'Billing' });
        expect(first.client!.groups).to.have.members(['service', 'billing']);
        const second = await server.api.resetServiceSecret({ clientId: billing }, { token: root });
        expect(second.clientSecret).to.not.equal(first.clientSecret);
        expect(await failure(server.api.issueServiceToken({ clientId: billing, clientSecret: first.clientSecret }))).to.include({
          reason: 'INVALID_CREDENTIALS',
        });
        const issued = await server.api.issueServiceToken({ clientId: billing, clientSecret: second.clientSecret });
        const who = await server.api.validateToken({ token: issued.accessToken });
        expect(who.clientId).to.equal(billing);
        expect((await server.store.client(billing))!.secretHash).to.not.equal(null);
        expect(server.logs.join('\n')).to.not.include(second.clientSecret);
      });
    });
  });
}
