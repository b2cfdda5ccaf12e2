/**
 * /account/delete over HTTP on both set-ups: what deletion does is said before it is done;
 * a wrong or missing password deletes nothing and says so; a deletion clears the cookies,
 * says the account is gone, and the account is gone (no sign-in, no refresh, no session).
 */
import { expect } from 'chai';
import { PageBrowser } from '../../support/page-browser.js';
import { ADMIN, expectPageHeaders, PASSWORD, type PageStack, registerPerson, startPageStack } from '../../support/page-fixture.js';
import { SETUP_TITLES, SETUPS } from '../../support/server.js';

const EVIL = { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' };

for (const setup of SETUPS)
  describe(`The account deletion page over HTTP, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(30000);
    let stack: PageStack;

    before(async function () {
      stack = await startPageStack(setup, this, 'deletion_pages');
    });
    after(() => stack?.close());

    async function signedIn() {
      const { id, email } = await registerPerson(stack.server);
      const browser = new PageBrowser(stack.bridge.url);
      await browser.signIn(email);
      return { id, email, browser };
    }
    const loginReason = (email: string) =>
      stack.server.api.login({ email, password: PASSWORD }).then(
        () => 'signed in',
        (error: { metadata: { get(key: string): unknown[] } }) => String(error.metadata.get('clientauth-reason')[0]),
      );

    it('says what deletion does and asks for the password', async () => {
      const { browser } = await signedIn();
      const page = await browser.get('/account/delete');
      expect(page.status).to.equal(200);
      expectPageHeaders(page.headers, 'GET /account/delete');
      expect(page.text).to.contain('cannot be undone').and.contain('every place you are signed in is signed out at once');
      expect(page.text).to.contain('told to delete what they hold about you').and.contain('autocomplete="current-password"');
    });

    it('deletes the account: cookies cleared, 303 to a page that says so; no sign-in, session or refresh token works any more', async () => {
      const { id, email, browser } = await signedIn();
      const phone = new PageBrowser(stack.bridge.url);
      await phone.signIn(email);
      const deleted = await browser.post('/account/delete', { password: PASSWORD });
      expect([deleted.status, deleted.location]).to.deep.equal([303, '/account/deleted']);
      // The access cookie, and the refresh cookie on each of its paths (cookie-policy.ts).
      expect(deleted.setCookies.filter((line) => line.includes('Max-Age=0'))).to.have.length(6);
      const page = await browser.get('/account/deleted');
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('Your account is deleted, and you are signed out everywhere.').and.contain('href="/sign-in"');
      expect(page.text).to.not.contain('class="account-nav"');
      expect(await loginReason(email)).to.equal('INVALID_CREDENTIALS');
      const admin = (await stack.server.api.login(ADMIN)).accessToken;
      const lookup = await stack.server.api
        .getClient({ clientId: id }, { token: admin })
        .catch((error: { metadata: { get(key: string): unknown[] } }) => error);
      expect(String((lookup as { metadata: { get(key: string): unknown[] } }).metadata.get('clientauth-reason')[0])).to.equal('CLIENT_NOT_FOUND');
      expect((await phone.get('/account')).location).to.equal('/sign-in?return_to=%2Faccount');
      expect((await phone.refresh()).status).to.equal(401);
    });

    it('says a wrong password beside the field with 401 and deletes nothing; an empty one is asked for with 400', async () => {
      const { email, browser } = await signedIn();
      const wrong = await browser.post('/account/delete', { password: 'not the password' });
      expect(wrong.status).to.equal(401);
      expect(wrong.text).to.match(/id="password-error">.*Your password is not right\. Nothing was deleted\./);
      expect(wrong.text).to.not.contain('not the password');
      expect(wrong.setCookies).to.deep.equal([]);
      const empty = await browser.post('/account/delete', { password: '' });
      expect(empty.status).to.equal(400);
      expect(empty.text).to.contain('Enter your password');
      expect(await loginReason(email)).to.equal('signed in');
      expect((await browser.get('/account')).status).to.equal(200);
    });

    it('refuses a deletion posted from another site with 403, deleting nothing', async () => {
      const { email, browser } = await signedIn();
      const answer = await browser.post('/account/delete', { password: PASSWORD }, EVIL);
      expect(answer.status).to.equal(403);
      expect(answer.text).to.contain('This form was sent from another site');
      expect(await loginReason(email)).to.equal('signed in');
    });

    it('says it in German', async () => {
      const { browser } = await signedIn();
      const page = await browser.get('/account/delete', { 'Accept-Language': 'de' });
      expect(page.text).to.contain('Konto löschen').and.contain('lässt sich nicht rückgängig machen');
    });
  });
