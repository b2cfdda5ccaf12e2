import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { PASSWORD } from '../../support/attacks.js';
import { dataDirOf, dbNameOf, failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';

/** All-Latin addresses that read as admin@example.com or paypal@example.com, and what each changes. */
const LOOK_ALIKES: ReadonlyArray<[what: string, holder: string, lookAlike: string]> = [
  ['ɑ (U+0251, Latin alpha) for a', 'admin@example.com', '\u0251dmin@example.com'],
  ['ı (U+0131, dotless i) for i', 'admin@example.com', 'adm\u0131n@example.com'],
  ['ᴀ (U+1D00, small capital A) for a', 'admin@example.com', '\u1d00dmin@example.com'],
  ['ɑ for a in paypal', 'paypal@example.com', 'p\u0251ypal@example.com'],
  ['ṅ (U+1E45, n with a dot above) for n', 'admin@example.com', 'admi\u1e45@example.com'],
  ['a Cyrillic а in the domain', 'admin@example.com', 'admin@ex\u0430mple.com'],
];

for (const setup of SETUPS)
  describe(`Emails that look alike are one account or none (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let server: TestServer;
    let counter = 0;

    before(async function () {
      server = await startTestServer(setupEnv(setup, this, 'email_hardening'));
    });
    after(async () => server?.close());

    const register = (email: string) => server.api.registerUser({ email, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
    const unique = () => `${Date.now().toString(36)}${++counter}`;

    it('folds compatibility forms (NFKC): a full-width address is the ASCII one', async () => {
      const tag = unique();
      const { client } = await register(`admin${tag}@example.com`);
      const fullWidth = `ａｄｍｉｎ${tag}@ｅｘａｍｐｌｅ.ｃｏｍ`;
      expect(await failure(register(fullWidth))).to.include({ code: status.ALREADY_EXISTS, reason: 'EMAIL_TAKEN' });
      expect((await server.api.login({ email: fullWidth, password: PASSWORD })).client!.id).to.equal(client!.id);
    });

    const refused: Array<[string, (tag: string) => string]> = [
      ['a zero-width space', (tag) => `ad\u200bmin${tag}@example.com`],
      ['a right-to-left override', (tag) => `\u202eadmin${tag}@example.com`],
      ['a bidi isolate', (tag) => `admin${tag}\u2066@example.com`],
      ['a soft hyphen', (tag) => `ad\u00admin${tag}@example.com`],
      ['a Cyrillic а among Latin letters', (tag) => `\u0430dmin${tag}@example.com`],
      ['a Greek ο among Latin letters', (tag) => `r\u03bfot${tag}@example.com`],
      ['Cyrillic letters that all imitate Latin ones', () => `\u0440\u0430\u0443\u0440\u0430\u04cf@example.com`],
    ];
    for (const [what, email] of refused) {
      it(`refuses ${what} with INVALID_ARGUMENT on email, storing nothing`, async () => {
        const address = email(unique());
        expect(await failure(register(address))).to.include({ code: status.INVALID_ARGUMENT, reason: 'INVALID_ARGUMENT', field: 'email' });
        expect(await server.store.countClients({ email: address.normalize('NFKC').toLowerCase() })).to.equal(0);
      });
    }

    describe('an address that reads as a registered one (its UTS #39 skeleton is the same)', () => {
      before(async () => {
        await register('admin@example.com');
        await register('paypal@example.com');
      });

      for (const [what, holder, lookAlike] of LOOK_ALIKES) {
        it(`refuses ${JSON.stringify(lookAlike)}, ${what}, as ${holder} is registered: ALREADY_EXISTS / EMAIL_TAKEN, storing nothing`, async () => {
          expect(await failure(register(lookAlike))).to.include({ code: status.ALREADY_EXISTS, reason: 'EMAIL_TAKEN', field: 'email' });
          expect(await server.store.countClients({ email: lookAlike })).to.equal(0);
        });
      }

      it('refuses a look-alike service on RegisterService the same way', async () => {
        const admin = `root${unique()}@example.com`;
        const adminId = (await register(admin)).client!.id;
        await server.store.updateClient(adminId, { groups: ['user', 'admin'] });
        const token = (await server.api.login({ email: admin, password: PASSWORD })).accessToken;
        const refused = await failure(server.api.registerService({ email: 'p\u0251yp\u0251l@example.com', name: 'pay', groups: [] }, { token }));
        expect(refused).to.include({ code: status.ALREADY_EXISTS, reason: 'EMAIL_TAKEN' });
      });

      it('still accepts distinct real addresses, ASCII ones that differ by rn and m or 0 and o among them', async () => {
        for (const address of [
          'adrnin@example.com',
          'adm1n@example.com',
          'admin0@example.com',
          'admino@example.com',
          'adnim@example.com',
          'admin@example.org',
        ]) {
          expect((await register(address)).client!.email).to.equal(address);
        }
      });
    });

    it('accepts a local part written wholly in another script', async () => {
      const { client } = await register(`иван${Date.now()}@example.com`);
      expect(client!.email).to.match(/^иван/);
    });

    it('stores an internationalised domain in its punycode form, and finds the account by either form', async () => {
      const tag = unique();
      const { client } = await register(`anna${tag}@bücher.example`);
      expect(client!.email).to.equal(`anna${tag}@xn--bcher-kva.example`);
      expect(await failure(register(`anna${tag}@xn--bcher-kva.example`))).to.include({ reason: 'EMAIL_TAKEN' });
      expect((await server.api.login({ email: `anna${tag}@BÜCHER.example`, password: PASSWORD })).client!.id).to.equal(client!.id);
    });

    it('refuses the look-alike of an account stored before skeletons were, once the service has started again', async function () {
      const holder = `zoe${unique()}@example.com`;
      const { client } = await register(holder);
      await server.store.forgetEmailSkeletons();
      const again = await startTestServer(
        setup === 'embedded'
          ? setupEnv(setup, this, 'email_hardening', { DATA_DIR: dataDirOf(server.config) })
          : { ...setupEnv(setup, this, 'email_hardening'), DB_NAME: dbNameOf(server.config) },
      );
      try {
        const lookAlike = holder.replace('zoe', 'zo\u1e17');
        expect(
          await failure(again.api.registerUser({ email: lookAlike, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} })),
        ).to.include({
          reason: 'EMAIL_TAKEN',
        });
        expect((await again.api.login({ email: holder, password: PASSWORD })).client!.id).to.equal(client!.id);
      } finally {
        await again.close();
      }
    });
  });
