/**
 * /account/profile and /account/password over HTTP on both set-ups, as a browser without
 * script uses them: the form, the 303 back with its notice, each failure's words beside its
 * field and its status, and what the service then holds (the name, which password works,
 * which sessions live).
 */
import { expect } from 'chai';
import { PageBrowser } from '../../support/page-browser.js';
import { expectPageHeaders, PASSWORD, type PageStack, registerPerson, startPageStack } from '../../support/page-fixture.js';
import { STRONG_PASSPHRASE } from '../../support/passwords.js';
import { SETUP_TITLES, SETUPS } from '../../support/server.js';

const EVIL = { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' };

for (const setup of SETUPS)
  describe(`The profile and password pages over HTTP, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(30000);
    let stack: PageStack;

    before(async function () {
      stack = await startPageStack(setup, this, 'profile_pages');
    });
    after(() => stack?.close());

    /** A registered person signed in in a fresh browser. */
    async function signedIn(firstName = 'Ada', lastName = 'Lovelace') {
      const { email } = await registerPerson(stack.server, firstName, lastName);
      const browser = new PageBrowser(stack.bridge.url);
      expect((await browser.signIn(email)).location).to.equal('/account');
      return { email, browser };
    }
    const storedName = async (email: string, password = PASSWORD) => {
      const { accessToken } = await stack.server.api.login({ email, password });
      const { client } = await stack.server.api.getMe({}, { token: accessToken });
      return [client!.firstName, client!.lastName];
    };
    const loginReason = (email: string, password: string) =>
      stack.server.api.login({ email, password }).then(
        () => 'signed in',
        (error: { metadata: { get(key: string): unknown[] } }) => String(error.metadata.get('clientauth-reason')[0]),
      );

    it('sends every account section of a signed-out browser to /sign-in, coming back to it', async () => {
      const browser = new PageBrowser(stack.bridge.url);
      for (const path of ['/account/profile', '/account/password', '/account/sessions', '/account/sign-ins', '/account/delete']) {
        const answer = await browser.get(path);
        expect([answer.status, answer.location], path).to.deep.equal([303, `/sign-in?return_to=${encodeURIComponent(path)}`]);
      }
      const post = await browser.post('/account/profile', { first_name: 'Eve' });
      expect([post.status, post.location]).to.deep.equal([303, '/sign-in']);
    });

    it('shows the name filled in, saves a new one with a 303 and a notice, and the service holds it', async () => {
      const { email, browser } = await signedIn();
      const form = await browser.get('/account/profile');
      expect(form.status).to.equal(200);
      expect(form.text).to.contain('value="Ada"').and.contain('value="Lovelace"').and.contain('aria-current="page"');
      expectPageHeaders(form.headers, 'GET /account/profile');
      const saved = await browser.post('/account/profile', { first_name: 'Grace', last_name: 'Hopper' });
      expect([saved.status, saved.location]).to.deep.equal([303, '/account/profile?notice=saved']);
      const shown = await browser.get('/account/profile?notice=saved');
      expect(shown.text).to.contain('Your name is saved.').and.contain('value="Grace"').and.contain('value="Hopper"');
      expect(await storedName(email)).to.deep.equal(['Grace', 'Hopper']);
      expect((await browser.get('/account')).text).to.contain('Grace Hopper');
    });

    it("shows the service's refusal of a name beside its field, with 400, the input kept and nothing changed", async () => {
      const { email, browser } = await signedIn();
      const answer = await browser.post('/account/profile', { first_name: 'x'.repeat(101), last_name: 'Byron' });
      expect(answer.status).to.equal(400);
      expect(answer.text).to.match(/<p class="error-message" id="first_name-error">.*Enter a first name of at most 100 characters/);
      expect(answer.text).to.contain('aria-invalid="true"').and.contain('value="Byron"').and.contain('role="alert"');
      expect(answer.text).to.contain('<title>Error: Your name');
      expect(await storedName(email)).to.deep.equal(['Ada', 'Lovelace']);
    });

    it('says it in German for a German reader', async () => {
      const { browser } = await signedIn();
      const answer = await browser.post('/account/profile', { first_name: '', last_name: 'x'.repeat(101) }, { 'Accept-Language': 'de-AT, en;q=0.5' });
      expect(answer.text).to.contain('lang="de"').and.contain('Geben Sie einen Nachnamen mit höchstens 100 Zeichen');
    });

    it('changes the password: 303 with a notice, this browser stays signed in, the old password fails, the new one works, other sessions end', async () => {
      const { email, browser } = await signedIn();
      const other = new PageBrowser(stack.bridge.url);
      await other.signIn(email);
      const changed = await browser.post('/account/password', {
        current_password: PASSWORD,
        new_password: STRONG_PASSPHRASE,
        confirm_password: STRONG_PASSPHRASE,
      });
      expect([changed.status, changed.location]).to.deep.equal([303, '/account/password?notice=changed']);
      expect(changed.setCookies).to.deep.equal([]);
      const notice = await browser.get('/account/password?notice=changed');
      expect(notice.status).to.equal(200);
      expect(notice.text).to.contain('Your password is changed. You are still signed in here; everywhere else you were signed in is signed out.');
      expect(notice.text).to.not.contain(STRONG_PASSPHRASE);
      expect(await loginReason(email, PASSWORD)).to.equal('INVALID_CREDENTIALS');
      expect(await loginReason(email, STRONG_PASSPHRASE)).to.equal('signed in');
      expect((await browser.refresh()).status).to.equal(200);
      expect((await other.get('/account')).location).to.equal('/sign-in?return_to=%2Faccount');
      expect((await other.refresh()).status).to.equal(401);
    });

    it('says a wrong current password beside it with 401, and changes nothing', async () => {
      const { email, browser } = await signedIn();
      const answer = await browser.post('/account/password', {
        current_password: 'not it at all',
        new_password: STRONG_PASSPHRASE,
        confirm_password: STRONG_PASSPHRASE,
      });
      expect(answer.status).to.equal(401);
      expect(answer.text).to.match(/id="current_password-error">.*Your current password is not right/);
      expect(answer.text).to.not.contain('not it at all').and.not.contain(STRONG_PASSPHRASE);
      expect(await loginReason(email, PASSWORD)).to.equal('signed in');
    });

    it("says the service's strength refusals in words beside the new password, with 400", async () => {
      const { email, browser } = await signedIn();
      const weak = await browser.post('/account/password', { current_password: PASSWORD, new_password: 'qwertyqwerty', confirm_password: 'qwertyqwerty' });
      expect(weak.status).to.equal(400);
      expect(weak.text).to.match(/id="new_password-error">.*This password is too easy to guess\./);
      const common = await browser.post('/account/password', { current_password: PASSWORD, new_password: 'password', confirm_password: 'password' });
      expect(common.status).to.equal(400);
      expect(common.text).to.match(/id="new_password-error">.*(one of the most common ones|too easy to guess)/);
      const short = await browser.post('/account/password', { current_password: PASSWORD, new_password: 'short', confirm_password: 'short' });
      expect(short.status).to.equal(400);
      expect(short.text).to.match(/id="new_password-error">.*Choose a password of at least 8 characters/);
      expect(await loginReason(email, PASSWORD)).to.equal('signed in');
    });

    it('asks for each missing field and for the same new password twice, before calling the service', async () => {
      const { browser } = await signedIn();
      const empty = await browser.post('/account/password', {});
      expect(empty.status).to.equal(400);
      expect(empty.text).to.contain('Enter your current password').and.contain('Choose a new password').and.contain('Type the new password again');
      const mismatch = await browser.post('/account/password', {
        current_password: PASSWORD,
        new_password: STRONG_PASSPHRASE,
        confirm_password: `${STRONG_PASSPHRASE}!`,
      });
      expect(mismatch.status).to.equal(400);
      expect(mismatch.text).to.match(/id="confirm_password-error">.*The two new passwords are not the same/);
    });

    it('refuses both forms posted from another site with 403, changing nothing', async () => {
      const { email, browser } = await signedIn();
      const profile = await browser.post('/account/profile', { first_name: 'Mallory' }, EVIL);
      expect(profile.status).to.equal(403);
      expect(profile.text).to.contain('This form was sent from another site, so it was refused.');
      const password = await browser.post(
        '/account/password',
        { current_password: PASSWORD, new_password: STRONG_PASSPHRASE, confirm_password: STRONG_PASSPHRASE },
        EVIL,
      );
      expect(password.status).to.equal(403);
      expect(await storedName(email)).to.deep.equal(['Ada', 'Lovelace']);
    });
  });
