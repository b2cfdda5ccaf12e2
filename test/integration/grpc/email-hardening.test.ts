import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { PASSWORD } from '../../support/attacks.js';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';

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
  });
