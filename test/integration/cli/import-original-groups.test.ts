import { expect } from 'chai';
import { type Db, MongoClient } from 'mongodb';
import { uniqueName } from '../../contract/backends.js';
import { runImportCommand } from '../../support/import-command.js';
import { openImportTarget } from '../../support/import-target.js';
import { goBcrypt, ORIGINAL_PASSWORD, originalUser, writeOriginal } from '../../support/original-fixture.js';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { requireServices } from '../../support/services.js';

/** The groups the original let through, the documents it could not have been a client for, and what the import makes of each. */
for (const setup of SETUPS) {
  describe(`import-original: groups the original accepted are normalised, into ${SETUP_TITLES[setup]}`, function () {
    this.timeout(120_000);
    let env: Record<string, string>;
    let mongoUri: string;
    let source: MongoClient;
    let sourceDb: Db;
    const ids: Record<string, string> = {};
    let dryRun: Record<string, unknown>;
    let applied: Record<string, unknown>;

    before(async function () {
      mongoUri = requireServices(this).mongoUri;
      env = setupEnv(setup, this, 'import_groups');
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
      add('empty', originalUser({ email: 'empty@example.org', groups: [''] }, known));
      add('capital', originalUser({ email: 'capital@example.org', groups: ['User'] }, known));
      add('admins', originalUser({ email: 'admins@example.org', groups: ['ADMIN', 'admin'] }, known));
      add('custom', originalUser({ email: 'custom@example.org', groups: ['user', 'Editors', 'editors', ''] }, known));
      add('spaced', originalUser({ email: 'spaced@example.org', groups: ['user', 'Power Users'] }, known));
      add('plain', originalUser({ email: 'plain@example.org', groups: ['user'] }, known));
      add('noEmail', originalUser({ email: '', groups: ['User'] }, known));
      add('noHash', originalUser({ email: 'nohash@example.org', hashedPassword: '' }, known));
      await writeOriginal(sourceDb, documents);
    });
    after(async () => {
      await source?.close();
    });

    it('a dry run reports every change of groups, per document, and the documents refused with why', async () => {
      const text = await runImportCommand(env, ['--from', mongoUri, '--keep-admin', 'admins@example.org']);
      expect(text.stdout, text.stderr).to.match(/would be imported: +6\b/);
      expect(text.stdout).to.match(/groups normalised: +5 documents\b/);
      expect(text.stdout).to.include(`  groups of ${ids['empty']} <empty@example.org>: "" dropped (empty)`);
      expect(text.stdout).to.include(`  groups of ${ids['capital']} <capital@example.org>: "User" became "user"`);
      expect(text.stdout).to.include(`  groups of ${ids['spaced']} <spaced@example.org>: "Power Users" dropped (not a group name here`);
      expect(text.stdout).to.include(`  refused ${ids['noEmail']} <>: email is required`);
      expect(text.code).to.equal(3);

      const json = await runImportCommand(env, ['--from', mongoUri, '--keep-admin', 'admins@example.org', '--json']);
      dryRun = JSON.parse(json.stdout);
      expect(dryRun['groupChanges']).to.deep.equal(
        [
          { id: ids['empty'], email: 'empty@example.org', changes: ['"" dropped (empty)'] },
          { id: ids['capital'], email: 'capital@example.org', changes: ['"User" became "user"'] },
          { id: ids['admins'], email: 'admins@example.org', changes: ['"ADMIN" became "admin"', '"admin" merged (a duplicate)'] },
          {
            id: ids['custom'],
            email: 'custom@example.org',
            changes: ['"Editors" became "editors"', '"editors" merged (a duplicate)', '"" dropped (empty)'],
          },
          {
            id: ids['spaced'],
            email: 'spaced@example.org',
            changes: ['"Power Users" dropped (not a group name here: lower-case a-z, 0-9, _ . - starting with a letter, at most 64)'],
          },
        ].sort((a, b) => (a.id! < b.id! ? -1 : 1)),
      );
      expect((dryRun['refused'] as { id: string; reason: string }[]).map((refusal) => [refusal.id, refusal.reason])).to.have.deep.members([
        [ids['noEmail'], 'email is required: a client is found by its email'],
        [ids['noHash'], 'neither a hashedPassword (user) nor a name (service): nothing to log in with'],
      ]);
      const target = await openImportTarget(setup, env);
      try {
        expect(await target.countClients()).to.equal(0);
      } finally {
        await target.close();
      }
    });

    it('the real run reports the same as the dry run, and writes the normalised groups', async () => {
      const result = await runImportCommand(env, ['--from', mongoUri, '--apply', '--keep-admin', 'admins@example.org', '--json']);
      expect(result.code, result.stderr).to.equal(3);
      applied = JSON.parse(result.stdout);
      expect({ ...applied, applied: false }).to.deep.equal(dryRun);
      expect(applied).to.include({ applied: true, imported: 6 });
    });

    describe('after the import', () => {
      let server: TestServer;
      before(async () => {
        server = await startTestServer(env);
      });
      after(async () => server?.close());

      it('every client carried logs in with its old password, with its groups as normalised', async () => {
        const expected: Record<string, string[]> = {
          empty: ['user'],
          capital: ['user'],
          admins: ['user', 'admin'],
          custom: ['user', 'editors'],
          spaced: ['user'],
          plain: ['user'],
        };
        for (const [name, groups] of Object.entries(expected)) {
          const login = await server.api.login({ email: `${name}@example.org`, password: ORIGINAL_PASSWORD });
          expect(login.client!.id, name).to.equal(ids[name]);
          expect(login.client!.groups, name).to.have.members(groups);
          expect(login.client!.groups, name).to.have.length(groups.length);
        }
      });

      it('ListClients by group finds the imported clients in their normalised groups', async () => {
        const token = (await server.api.login({ email: 'admins@example.org', password: ORIGINAL_PASSWORD })).accessToken;
        const inGroup = async (group: string) =>
          (await server.api.listClients({ pageSize: 50, pageToken: '', kind: 0, emailPrefix: '', newestFirst: false, group }, { token })).clients.map(
            (client) => client.id,
          );
        expect(await inGroup('editors')).to.deep.equal([ids['custom']]);
        expect(await inGroup('admin')).to.deep.equal([ids['admins']]);
        expect(await inGroup('user')).to.have.members(['empty', 'capital', 'admins', 'custom', 'spaced', 'plain'].map((name) => ids[name]));
      });

      it('the refused documents are not clients', async () => {
        expect(await server.store.client(ids['noEmail']!)).to.equal(null);
        expect(await server.store.client(ids['noHash']!)).to.equal(null);
        expect(await failure(server.api.login({ email: 'nohash@example.org', password: ORIGINAL_PASSWORD }))).to.include({ reason: 'INVALID_CREDENTIALS' });
      });
    });
  });
}
