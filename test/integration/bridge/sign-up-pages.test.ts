/**
 * The sign-up page over HTTP, as a browser without script uses it, on both set-ups, with
 * mail from a real SMTP server: the account is created and signed in, the verification
 * page says where the mail went, the service's refusals read as words beside their field,
 * a form from another site creates nothing. Then the variants: no verification mail
 * (EMAIL_VERIFICATION=false), and no sign-in before the address is confirmed
 * (REQUIRE_VERIFIED_EMAIL).
 */
import { expect } from 'chai';
import { accessCookieOf, expectPageHeaders, fetchPage, PASSWORD, type PageStack, startPageStack } from '../../support/page-fixture.js';
import { SETUP_TITLES, SETUPS } from '../../support/server.js';
import { linkIn, type SmtpMailbox, startSmtpMailbox } from '../../support/smtp-mailbox.js';

const PUBLIC_URL = 'https://auth.example.com';
let counter = 0;
const newEmail = () => `sign-up${++counter}.${Date.now()}@example.org`;

for (const setup of SETUPS)
  describe(`The sign-up page over HTTP, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(30000);
    let stack: PageStack;
    let mailbox: SmtpMailbox;
    let url: string;

    before(async function () {
      mailbox = await startSmtpMailbox();
      stack = await startPageStack(setup, this, 'sign_up_pages', { SMTP_URL: mailbox.url, PUBLIC_URL });
      url = stack.bridge.url;
    });
    after(async () => {
      await stack?.close();
      await mailbox?.close();
    });

    const signUp = (form: Record<string, string>, headers: Record<string, string> = {}) =>
      fetchPage(`${url}/sign-up`, { form: { first_name: '', last_name: '', ...form }, headers });
    const exists = (email: string) =>
      stack.server.api.login({ email, password: PASSWORD }).then(
        () => true,
        () => false,
      );

    it('shows the form: email, password with the hint, first and last name', async () => {
      const page = await fetchPage(`${url}/sign-up`);
      expect(page.status).to.equal(200);
      for (const field of ['email', 'password', 'first_name', 'last_name']) expect(page.text).to.contain(`id="${field}"`);
      expect(page.text).to.contain('autocomplete="new-password"').and.contain('A few words that have nothing to do with each other');
      expectPageHeaders(page.headers, 'GET /sign-up');
    });

    it('creates the account, signs it in, and says where the verification mail went, which links to the page under PUBLIC_URL', async () => {
      const email = newEmail();
      const answer = await signUp({ email, password: PASSWORD, first_name: 'Grace', last_name: 'Hopper' });
      expect([answer.status, answer.location]).to.deep.equal([303, '/verify-email?notice=signed-up']);
      const cookie = accessCookieOf(answer);
      const me = await stack.server.api.getMe({}, { token: cookie.slice('token='.length) });
      expect(me.client).to.include({ email, firstName: 'Grace', lastName: 'Hopper', emailVerified: false });
      const pending = await fetchPage(`${url}${answer.location}`, { headers: { Cookie: cookie } });
      expect(pending.status).to.equal(200);
      expect(pending.text).to.contain('Your account is created.').and.contain(`We sent an email to ${email}.`);
      linkIn(await mailbox.waitFor(email, /Confirm/), `${PUBLIC_URL}/verify-email?token=`);
    });

    it('refuses a weak password with the estimator advice, beside the field, never echoing it, and creates nothing', async () => {
      const email = newEmail();
      const weak = await signUp({ email, password: 'qwertyqwerty', first_name: 'Ada' });
      expect(weak.status).to.equal(400);
      expect(weak.text).to.contain('This password is too easy to guess.').and.contain('<a href="#password">');
      expect(weak.text).to.contain(`value="${email}"`).and.contain('value="Ada"').and.not.contain('qwertyqwerty');
      expect(weak.setCookies).to.deep.equal([]);
      expect(await exists(email)).to.equal(false);
      const short = await signUp({ email, password: 'short' });
      expect(short.status).to.equal(400);
      expect(short.text).to.contain('Choose a password of at least 8 characters');
    });

    it('names empty fields, a taken email (409) and a bad email beside their fields', async () => {
      const empty = await signUp({ email: '', password: '' });
      expect(empty.status).to.equal(400);
      expect(empty.text).to.contain('<a href="#email">Enter your email address</a>').and.contain('<a href="#password">Choose a password</a>');
      const email = newEmail();
      expect((await signUp({ email, password: PASSWORD })).status).to.equal(303);
      const taken = await signUp({ email, password: PASSWORD });
      expect(taken.status).to.equal(409);
      expect(taken.text).to.contain('<a href="#email">An account with this email address exists already.');
      const bad = await signUp({ email: 'not an email', password: PASSWORD });
      expect(bad.status).to.equal(400);
      expect(bad.text).to.contain('<a href="#email">Enter an email address like name@example.com</a>');
    });

    it('refuses a sign-up form posted from another site, and creates nothing', async () => {
      const email = newEmail();
      const refused = await signUp({ email, password: PASSWORD }, { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' });
      expect(refused.status).to.equal(403);
      expect(refused.setCookies).to.deep.equal([]);
      expect(await exists(email)).to.equal(false);
    });
  });

describe('The sign-up page when no verification mail is sent (EMAIL_VERIFICATION=false)', function () {
  this.timeout(30000);
  let stack: PageStack;
  before(async function () {
    // A bridge run apart from the service is given the same variables (docs/ui.md).
    const off = { EMAIL_VERIFICATION: 'false', PASSWORD_RESET: 'false' };
    stack = await startPageStack('embedded', this, 'sign_up_unverified', off, off);
  });
  after(() => stack?.close());

  it('signs the new account in and goes to /account, and the sign-in page offers no reset', async () => {
    const answer = await fetchPage(`${stack.bridge.url}/sign-up`, { form: { email: newEmail(), password: PASSWORD } });
    expect([answer.status, answer.location]).to.deep.equal([303, '/account']);
    accessCookieOf(answer);
    const signIn = await fetchPage(`${stack.bridge.url}/sign-in`);
    expect(signIn.text).to.not.contain('/forgot-password');
    expect(signIn.text).to.contain('href="/sign-up"');
  });
});

describe('The sign-up page when nobody signs in before confirming (REQUIRE_VERIFIED_EMAIL)', function () {
  this.timeout(30000);
  let stack: PageStack;
  before(async function () {
    stack = await startPageStack('embedded', this, 'sign_up_required', { REQUIRE_VERIFIED_EMAIL: 'true' });
  });
  after(() => stack?.close());

  it('creates the account and sends the browser to the sign-in page, which says to open the mailed link first', async () => {
    const answer = await fetchPage(`${stack.bridge.url}/sign-up`, { form: { email: newEmail(), password: PASSWORD } });
    expect([answer.status, answer.location]).to.deep.equal([303, '/sign-in?notice=confirm-email']);
    expect(answer.setCookies.filter((line) => line.startsWith('token=') && !line.startsWith('token=;'))).to.deep.equal([]);
    expect((await fetchPage(`${stack.bridge.url}${answer.location}`)).text).to.contain('Open the link in the email we sent you');
  });
});
