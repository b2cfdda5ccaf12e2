/**
 * The recovery pages over HTTP, as a browser without script uses them, on both set-ups,
 * with mail from a real SMTP server: /verify-email (the mailed link shows a button that
 * posts the token), /forgot-password (one answer for every address) and /password-reset
 * (the mailed link's form). The links point at these pages under PUBLIC_URL; no token
 * reaches the bridge's or the service's log; a form posted from another site is refused
 * and changes nothing. Chromium walks the same pages in test/browser/recovery-pages.test.ts.
 */
import { expect } from 'chai';
import { expectPageHeaders, fetchPage, PASSWORD, type PageStack, registerPerson, startPageStack } from '../../support/page-fixture.js';
import { SETUP_TITLES, SETUPS } from '../../support/server.js';
import { linkIn, type SmtpMailbox, startSmtpMailbox, tokenOf } from '../../support/smtp-mailbox.js';

const PUBLIC_URL = 'https://auth.example.com';
const NEW_PASSWORD = 'velvet tractor umbrella 42';
const CROSS_SITE = { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' };

for (const setup of SETUPS)
  describe(`The recovery pages over HTTP, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(30000);
    let stack: PageStack;
    let mailbox: SmtpMailbox;
    let url: string;

    before(async function () {
      mailbox = await startSmtpMailbox();
      stack = await startPageStack(setup, this, 'recovery_pages', { SMTP_URL: mailbox.url, PUBLIC_URL, RECOVERY_IP_REQUESTS_MAX: '100000' });
      url = stack.bridge.url;
    });
    after(async () => {
      await stack?.close();
      await mailbox?.close();
    });

    const logs = () => [...stack.bridge.logs, ...stack.server.logs].join('\n');
    const verificationToken = async (email: string) => tokenOf(linkIn(await mailbox.waitFor(email, /Confirm/), `${PUBLIC_URL}/verify-email?token=`));
    const resetToken = async (email: string) => {
      expect((await fetchPage(`${url}/forgot-password`, { form: { email } })).location).to.equal('/forgot-password?notice=sent');
      return tokenOf(linkIn(await mailbox.waitFor(email, /Reset your/), `${PUBLIC_URL}/password-reset?token=`));
    };
    const isVerified = async (email: string, password = PASSWORD) => {
      const { accessToken } = await stack.server.api.login({ email, password });
      return (await stack.server.api.getMe({}, { token: accessToken })).client!.emailVerified;
    };
    const signsIn = (email: string, password: string) =>
      stack.server.api.login({ email, password }).then(
        () => true,
        () => false,
      );

    it('opens the mailed verification link on a page whose button posts the token; opening it spends nothing', async () => {
      const { email } = await registerPerson(stack.server);
      const token = await verificationToken(email);
      const opened = await fetchPage(`${url}/verify-email?token=${token}`, { headers: { 'Sec-Fetch-Site': 'cross-site' } });
      expect(opened.status).to.equal(200);
      expect(opened.text).to.contain('<form method="post" action="/verify-email"').and.contain(`name="token" value="${token}"`);
      expect(opened.text).to.contain('Confirm my email address');
      expectPageHeaders(opened.headers, 'GET /verify-email?token=', { carriesToken: true });
      expect(await isVerified(email)).to.equal(false);

      const posted = await fetchPage(`${url}/verify-email`, { form: { token } });
      expect([posted.status, posted.location]).to.deep.equal([303, '/verify-email?notice=verified']);
      expect(await isVerified(email)).to.equal(true);
      const done = await fetchPage(`${url}${posted.location}`);
      expect(done.status).to.equal(200);
      expect(done.text).to.contain('Email address confirmed');
      expect(logs()).to.not.include(token);
    });

    it('says a used or unknown verification link does not work, with the status of the JSON route', async () => {
      const { email } = await registerPerson(stack.server);
      const token = await verificationToken(email);
      expect((await fetchPage(`${url}/verify-email`, { form: { token } })).status).to.equal(303);
      for (const spent of [token, 'A'.repeat(43), '']) {
        const again = await fetchPage(`${url}/verify-email`, { form: { token: spent } });
        expect(again.status, spent).to.equal(spent === '' ? 400 : 401);
        expect(again.text, spent).to.contain('This link to confirm your email address does not work: it was used already, or it has expired.');
        expect(again.text, spent).to.contain('href="/sign-in?return_to=%2Fverify-email"');
        expectPageHeaders(again.headers, 'POST /verify-email (spent)', { carriesToken: true });
      }
    });

    it('refuses a verification form posted from another site, and verifies nothing', async () => {
      const { email } = await registerPerson(stack.server);
      const token = await verificationToken(email);
      const refused = await fetchPage(`${url}/verify-email`, { form: { token }, headers: CROSS_SITE });
      expect(refused.status).to.equal(403);
      expect(refused.text).to.contain('This form was sent from another site, so it was refused.');
      expect(await isVerified(email)).to.equal(false);
    });

    it('answers a reset request for a known and an unknown address alike, and mails only the known one', async () => {
      const { email } = await registerPerson(stack.server);
      const unknown = `nobody.${Date.now()}@example.org`;
      const answers = [await fetchPage(`${url}/forgot-password`, { form: { email } }), await fetchPage(`${url}/forgot-password`, { form: { email: unknown } })];
      for (const answer of answers) {
        expect([answer.status, answer.location, answer.text]).to.deep.equal([303, '/forgot-password?notice=sent', answers[0]!.text]);
        expectPageHeaders(answer.headers, 'POST /forgot-password');
      }
      await mailbox.waitFor(email, /Reset your/);
      expect(mailbox.to(unknown)).to.deep.equal([]);
      const sent = await fetchPage(`${url}/forgot-password?notice=sent`);
      expect(sent.text).to.contain('Check your email').and.contain('If an account has this email address, we have sent a link to it.');
      const empty = await fetchPage(`${url}/forgot-password`, { form: { email: '' } });
      expect(empty.status).to.equal(400);
      expect(empty.text).to.contain('<a href="#email">Enter your email address</a>');
    });

    it('resets the password from the mailed link: the old password fails, the new one works, the link is spent', async () => {
      const { email } = await registerPerson(stack.server);
      const token = await resetToken(email);
      const opened = await fetchPage(`${url}/password-reset?token=${token}`, { headers: { 'Sec-Fetch-Site': 'cross-site' } });
      expect(opened.status).to.equal(200);
      expect(opened.text).to.contain('<form method="post" action="/password-reset"').and.contain(`name="token" value="${token}"`);
      expectPageHeaders(opened.headers, 'GET /password-reset?token=', { carriesToken: true });

      const reset = await fetchPage(`${url}/password-reset`, { form: { token, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD } });
      expect([reset.status, reset.location]).to.deep.equal([303, '/sign-in?notice=password-changed']);
      expect(await signsIn(email, PASSWORD)).to.equal(false);
      expect(await signsIn(email, NEW_PASSWORD)).to.equal(true);
      expect((await fetchPage(`${url}${reset.location}`)).text).to.contain('Your password is changed');

      const again = await fetchPage(`${url}/password-reset`, { form: { token, new_password: PASSWORD, confirm_password: PASSWORD } });
      expect(again.status).to.equal(401);
      expect(again.text).to.contain('This link to reset your password does not work: it was used already, or it has expired.');
      expect(again.text).to.contain('href="/forgot-password"');
      expectPageHeaders(again.headers, 'POST /password-reset (spent)', { carriesToken: true });
      expect(await signsIn(email, NEW_PASSWORD)).to.equal(true);
      expect(logs()).to.not.include(token);
    });

    it('checks the new password by the service rules and says why, keeping the link usable', async () => {
      const { email } = await registerPerson(stack.server);
      const token = await resetToken(email);
      const post = (new_password: string, confirm_password = new_password) =>
        fetchPage(`${url}/password-reset`, { form: { token, new_password, confirm_password } });
      const weak = await post('qwertyqwerty');
      expect(weak.status).to.equal(400);
      expect(weak.text).to.contain('This password is too easy to guess.').and.contain('href="#new_password"');
      expect(weak.text).to.contain(`name="token" value="${token}"`).and.not.contain('value="qwertyqwerty"');
      const short = await post('short');
      expect(short.status).to.equal(400);
      expect(short.text).to.contain('Choose a password of at least 8 characters');
      const mismatch = await post(NEW_PASSWORD, `${NEW_PASSWORD}!`);
      expect(mismatch.status).to.equal(400);
      expect(mismatch.text).to.contain('<a href="#confirm_password">The two passwords are not the same</a>');
      expect(await signsIn(email, PASSWORD)).to.equal(true);
      expect((await post(NEW_PASSWORD)).location).to.equal('/sign-in?notice=password-changed');
    });

    it('refuses a reset form posted from another site, and the password stays', async () => {
      const { email } = await registerPerson(stack.server);
      const token = await resetToken(email);
      const refused = await fetchPage(`${url}/password-reset`, {
        form: { token, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD },
        headers: CROSS_SITE,
      });
      expect(refused.status).to.equal(403);
      expect(refused.text).to.contain('This form was sent from another site, so it was refused.');
      expect(await signsIn(email, PASSWORD)).to.equal(true);
      expect(await signsIn(email, NEW_PASSWORD)).to.equal(false);
      const forgot = await fetchPage(`${url}/forgot-password`, { form: { email }, headers: CROSS_SITE });
      expect(forgot.status).to.equal(403);
    });

    it('shows the way to a new link on the reset page opened without a token', async () => {
      const page = await fetchPage(`${url}/password-reset`);
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('This page needs the link from the email we sent you.');
      expectPageHeaders(page.headers, 'GET /password-reset', { carriesToken: true });
    });

    it('links the sign-in page to forgot-password and sign-up', async () => {
      const page = await fetchPage(`${url}/sign-in`);
      expect(page.text).to.contain('<a href="/forgot-password">Forgot your password?</a>').and.contain('<a href="/sign-up">Create an account</a>');
    });
  });
