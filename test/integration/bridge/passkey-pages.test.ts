/**
 * /account/passkeys over HTTP, as a browser without script uses it: the list with dates in
 * the reader's language, renaming and deleting by forms answered with 303, wrong input
 * worded beside its field, another user's passkey out of reach, other sites refused, and
 * the sentence that stands in for the add button without script. Adding (the WebAuthn
 * ceremony) is walked in Chromium, test/browser/factor-pages.test.ts.
 */
import { expect } from 'chai';
import { localeOf } from '../../../bridge/messages/catalogue.js';
import { storedFactors } from '../../support/factor-fixture.js';
import { accessCookieOf, expectPageHeaders, fetchPage, PASSWORD, type PageStack, registerPerson, startPageStack } from '../../support/page-fixture.js';
import { SETUP_TITLES, SETUPS } from '../../support/server.js';

const PATH = '/account/passkeys';
const EVIL = { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' };
const ADDED = new Date('2026-03-14T09:26:00Z');

for (const setup of SETUPS)
  describe(`The passkeys page over HTTP, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(30000);
    let stack: PageStack;
    let url: string;
    let counter = 0;

    before(async function () {
      stack = await startPageStack(setup, this, 'passkey_pages');
      url = stack.bridge.url;
    });
    after(() => stack?.close());

    /** A signed-in person with one passkey put in the store, as a registration leaves it. */
    const withPasskey = async (name = 'Work laptop') => {
      const { id, email } = await registerPerson(stack.server);
      // Signed in first: with a passkey, the password alone no longer signs in.
      const cookie = accessCookieOf(await fetchPage(`${url}/sign-in`, { form: { email, password: PASSWORD } }));
      const passkeyId = `cred-${setup}-${++counter}-${Date.now()}`;
      const stored = storedFactors(stack.server);
      try {
        await stored.store.addPasskey({
          id: passkeyId,
          clientId: id,
          publicKey: 'pQECAyYgASFYIA',
          counter: 0,
          transports: ['usb'],
          name,
          backedUp: false,
          createdAt: ADDED,
          lastUsedAt: null,
        });
      } finally {
        stored.close();
      }
      const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
        fetchPage(`${url}${path}`, { form, headers: { Cookie: cookie, ...headers } });
      const get = (path = PATH, headers: Record<string, string> = {}) => fetchPage(`${url}${path}`, { headers: { Cookie: cookie, ...headers } });
      const names = async () => (await stack.server.api.listPasskeys({}, { token: cookie.slice('token='.length) })).passkeys.map((passkey) => passkey.name);
      return { passkeyId, post, get, names };
    };

    it('sends a browser without a session to sign in', async () => {
      const answer = await fetchPage(`${url}${PATH}`);
      expect([answer.status, answer.location]).to.deep.equal([303, '/sign-in?return_to=%2Faccount%2Fpasskeys']);
    });

    it('lists the passkeys with their dates in the reader language, and says adding one needs JavaScript', async () => {
      const user = await withPasskey();
      const page = await user.get();
      expect(page.status).to.equal(200);
      expectPageHeaders(page.headers, `GET ${PATH}`);
      expect(page.text)
        .to.contain('<th scope="row">Work laptop</th>')
        .and.contain(`${localeOf('en').dateTime(ADDED)}</td>`);
      expect(page.text).to.contain('>Never</td>');
      expect(page.text).to.contain('Adding a passkey needs JavaScript');
      expect(page.text).to.match(
        /<form id="add-passkey" method="post" action="\/account\/passkeys" novalidate hidden data-failed="The passkey was not added[^"]*">/,
      );
      expect(page.text).to.match(/<script src="\/assets\/passkey-registration\.[\w-]+\.js" defer><\/script>/);

      const german = await user.get(PATH, { 'Accept-Language': 'de' });
      expect(german.text)
        .to.contain(`${localeOf('de').dateTime(ADDED)}</td>`)
        .and.contain('Um einen Passkey hinzuzufügen, braucht es JavaScript');
      expect(localeOf('de').dateTime(ADDED)).to.contain('März');
    });

    it('renames a passkey with a 303 and a notice, and words an empty or too long name beside its field', async () => {
      const user = await withPasskey();
      const empty = await user.post(`${PATH}/rename`, { passkey_id: user.passkeyId, index: '0', name: '  ' });
      expect(empty.status).to.equal(400);
      expect(empty.text).to.contain('<a href="#name-0">Enter a name for the passkey</a>');
      const tooLong = await user.post(`${PATH}/rename`, { passkey_id: user.passkeyId, index: '0', name: 'x'.repeat(65) });
      expect(tooLong.status).to.equal(400);
      expect(tooLong.text).to.contain('<a href="#name-0">');
      expect(await user.names()).to.deep.equal(['Work laptop']);

      const renamed = await user.post(`${PATH}/rename`, { passkey_id: user.passkeyId, index: '0', name: 'Security key' });
      expect([renamed.status, renamed.location]).to.deep.equal([303, `${PATH}?notice=renamed`]);
      expect(await user.names()).to.deep.equal(['Security key']);
      expect((await user.get(`${PATH}?notice=renamed`)).text)
        .to.contain('The passkey was renamed.')
        .and.contain('<th scope="row">Security key</th>');
    });

    it("deletes a passkey for the current password with a 303 and a notice, and cannot reach another user's", async () => {
      const user = await withPasskey();
      const other = await withPasskey('Not yours');
      const notMine = await user.post(`${PATH}/delete`, { passkey_id: other.passkeyId, index: '0', current_password: PASSWORD });
      expect(notMine.status).to.equal(404);
      expect(notMine.text).to.contain('That passkey does not exist any more.');
      const notMineRenamed = await user.post(`${PATH}/rename`, { passkey_id: other.passkeyId, index: '0', name: 'Mine now' });
      expect(notMineRenamed.status).to.equal(404);
      expect(await other.names()).to.deep.equal(['Not yours']);

      const noPassword = await user.post(`${PATH}/delete`, { passkey_id: user.passkeyId, index: '0', current_password: '' });
      expect(noPassword.status).to.equal(400);
      expect(noPassword.text).to.contain('<a href="#current-password-0">Enter your current password to delete a passkey</a>');
      const wrong = await user.post(`${PATH}/delete`, { passkey_id: user.passkeyId, index: '0', current_password: 'not the password' });
      expect(wrong.status).to.equal(401);
      expect(wrong.text).to.contain('<a href="#current-password-0">Your current password is not right</a>');
      expect(await user.names()).to.deep.equal(['Work laptop']);

      const deleted = await user.post(`${PATH}/delete`, { passkey_id: user.passkeyId, index: '0', current_password: PASSWORD });
      expect([deleted.status, deleted.location]).to.deep.equal([303, `${PATH}?notice=deleted`]);
      expect(await user.names()).to.deep.equal([]);
      const page = await user.get(`${PATH}?notice=deleted`);
      expect(page.text).to.contain('The passkey was deleted.').and.contain('You have no passkeys yet.');
    });

    it('refuses an added passkey without a ceremony, or without a name, and adds nothing', async () => {
      const user = await withPasskey();
      const noName = await user.post(PATH, { ceremony_token: 'x', response: '{}', name: '' });
      expect(noName.status).to.equal(400);
      expect(noName.text).to.contain('<a href="#name">Enter a name for the passkey</a>');
      const noCeremony = await user.post(PATH, { ceremony_token: '', response: 'not json', name: 'Phone' });
      expect(noCeremony.status).to.equal(400);
      expect(noCeremony.text).to.contain('The passkey was not added');
      const forged = await user.post(PATH, { ceremony_token: 'forged', response: '{"id":"x"}', name: 'Phone' });
      expect(forged.status).to.be.within(400, 499);
      expect(forged.text).to.contain('<title>Error: Passkeys');
      expect(await user.names()).to.deep.equal(['Work laptop']);
    });

    it('refuses every form of the page posted from another site, and changes nothing', async () => {
      const user = await withPasskey();
      for (const [path, form] of [
        [PATH, { ceremony_token: 'x', response: '{}', name: 'Evil' }],
        [`${PATH}/rename`, { passkey_id: user.passkeyId, index: '0', name: 'Evil' }],
        [`${PATH}/delete`, { passkey_id: user.passkeyId, index: '0', current_password: PASSWORD }],
      ] as const) {
        const refused = await user.post(path, form, EVIL);
        expect(refused.status, path).to.equal(403);
        expect(refused.text, path).to.contain('This form was sent from another site, so it was refused.');
      }
      expect(await user.names()).to.deep.equal(['Work laptop']);
    });
  });
