import { expect } from 'chai';
import { Redis } from 'ioredis';
import { type Db, MongoClient, ObjectId } from 'mongodb';
import { uniqueName } from '../../contract/backends.js';
import { runImportCommand } from '../../support/import-command.js';
import { openImportTarget } from '../../support/import-target.js';
import { goBcrypt, ORIGINAL_PASSWORD, originalUser, writeOriginal } from '../../support/original-fixture.js';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { requireServices } from '../../support/services.js';

// The original's Redis, in a database of its own: the service's own keys (database 0) stay untouched.
const ORIGINAL_REDIS_DB = 9;

/** The original's /suspend only `SET <id> suspended EX 3600` in its Redis; the import carries those keys that still live. */
for (const setup of SETUPS) {
  describe(`import-original --from-redis: suspensions that lived only in the original's Redis, into ${SETUP_TITLES[setup]}`, function () {
    this.timeout(120_000);
    let env: Record<string, string>;
    let mongoUri: string;
    let originalRedisUrl: string;
    let originalRedis: Redis;
    let source: MongoClient;
    let sourceDb: Db;
    const ids: Record<string, string> = {};

    before(async function () {
      const services = requireServices(this);
      mongoUri = services.mongoUri;
      const url = new URL(services.redisUrl);
      url.pathname = `/${ORIGINAL_REDIS_DB}`;
      originalRedisUrl = url.toString();
      env = setupEnv(setup, this, 'import_redis');
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
      add('suspended', originalUser({ email: 'suspended@example.org' }, known));
      add('suspended-at-head', originalUser({ email: 'suspended.at.head@example.org' }, known));
      add('active', originalUser({ email: 'active@example.org' }, known));
      add('refused', originalUser({ email: 'refused@example.org', hashedPassword: 'not bcrypt' }, known));
      ids['ghost'] = new ObjectId().toHexString();
      await writeOriginal(sourceDb, documents);

      originalRedis = new Redis(originalRedisUrl);
      // As the original's /suspend wrote them: the id, "suspended", an hour to live; and
      // at its HEAD (2841fde), the id as its own value, for JWT_TOKEN_EXP_MIN.
      await originalRedis.set(ids['suspended']!, 'suspended', 'EX', 3600);
      await originalRedis.set(ids['suspended-at-head']!, ids['suspended-at-head']!, 'EX', 900);
      await originalRedis.set(ids['refused']!, 'suspended', 'EX', 3600);
      await originalRedis.set(ids['ghost']!, 'suspended', 'EX', 3600);
    });
    after(async () => {
      if (originalRedis) {
        await originalRedis.del(ids['suspended']!, ids['suspended-at-head']!, ids['refused']!, ids['ghost']!);
        originalRedis.disconnect();
      }
      await source?.close();
    });

    it('a Redis that cannot be reached fails the import before anything is written, saying so', async () => {
      const result = await runImportCommand(env, ['--from', mongoUri, '--from-redis', 'redis://user:hunter2@127.0.0.1:1/0', '--apply']);
      expect(result.code).to.not.equal(0);
      expect(result.code).to.not.equal(3);
      expect(result.stderr).to.include("cannot read the original's Redis at redis://127.0.0.1:1/0");
      expect(result.stderr).to.include('nothing written');
      expect(result.stderr).to.not.include('hunter2');
      const target = await openImportTarget(setup, env);
      try {
        expect(await target.countClients()).to.equal(0);
      } finally {
        await target.close();
      }
    });

    it('a dry run lists the live suspensions it carries and the keys of ids it does not import', async () => {
      const result = await runImportCommand(env, ['--from', mongoUri, '--from-redis', originalRedisUrl, '--json']);
      expect(result.code, result.stderr).to.equal(3);
      const summary = JSON.parse(result.stdout);
      expect(summary.suspended).to.equal(2);
      expect(summary.redisSuspensions).to.have.length(2);
      const carried = (id: string) => summary.redisSuspensions.find((suspension: { id: string }) => suspension.id === id);
      expect(carried(ids['suspended']!)).to.include({ email: 'suspended@example.org' });
      expect(carried(ids['suspended-at-head']!)).to.include({ email: 'suspended.at.head@example.org' });
      // The original would have lifted it within the hour; this service keeps it until /reinstate.
      const lifts = Date.parse(carried(ids['suspended']!).wouldHaveLiftedAt);
      expect(lifts)
        .to.be.greaterThan(Date.now())
        .and.at.most(Date.now() + 3600_000);
      expect(summary.redisKeysNotCarried).to.deep.equal(
        [
          { id: ids['refused'], reason: 'its document was refused' },
          { id: ids['ghost'], reason: "no document with this id in the original's users" },
        ].sort((a, b) => (a.id! < b.id! ? -1 : 1)),
      );
      const text = await runImportCommand(env, ['--from', mongoUri, '--from-redis', originalRedisUrl]);
      expect(text.stdout).to.match(/suspended in the original's Redis: +2\b/);
      expect(text.stdout).to.include(`  suspended ${ids['suspended']} <suspended@example.org> (would have lifted at `);
      expect(text.stdout).to.include(`  key ${ids['ghost']} not carried: no document with this id`);
      expect(await originalRedis.pttl(ids['suspended']!)).to.be.greaterThan(0);
    });

    it('with --apply, the client suspended in the original is stored suspended, with the reason', async () => {
      const result = await runImportCommand(env, ['--from', mongoUri, '--from-redis', originalRedisUrl, '--apply', '--json']);
      expect(result.code, result.stderr).to.equal(3);
      expect(JSON.parse(result.stdout)).to.include({ applied: true, imported: 3, suspended: 2 });
    });

    describe('after the import', () => {
      let server: TestServer;
      before(async () => {
        server = await startTestServer(env);
      });
      after(async () => server?.close());

      for (const [name, email] of [
        ['suspended', 'suspended@example.org'],
        ['suspended-at-head', 'suspended.at.head@example.org'],
      ] as const)
        it(`the client suspended in the original (${name}) is refused with CLIENT_SUSPENDED, everywhere the revocation list is asked`, async () => {
          expect(await failure(server.api.login({ email, password: ORIGINAL_PASSWORD }))).to.include({ reason: 'CLIENT_SUSPENDED' });
          expect(await server.app.adapters.revocations.status(ids[name]!, 'any-session')).to.equal('CLIENT_SUSPENDED');
          const stored = await server.store.client(ids[name]!);
          expect(stored).to.include({ suspended: true });
          expect(stored!.suspensionReason).to.match(/^suspended in the original service \(its Redis key; it would have lifted at /);
        });

      it('a client not suspended there logs in', async () => {
        const active = await server.api.login({ email: 'active@example.org', password: ORIGINAL_PASSWORD });
        expect(active.client).to.include({ id: ids['active'], suspended: false });
      });
    });
  });
}
