/**
 * The hosted pages over HTTP, as a browser without script uses them: forms posted, 303s
 * followed by hand. Every answer carries the pages' headers; failures read as words in
 * the reader's language; return_to never leaves the listed origins. Chromium walks the
 * same pages in test/browser/sign-in-pages.test.ts.
 */
import { expect } from 'chai';
import { enrolTotp, totpCode } from '../../support/factor-fixture.js';
import {
  ADMIN,
  accessCookieOf,
  expectPageHeaders,
  fetchPage,
  PAGE_CSP,
  PASSWORD,
  type PageStack,
  registerPerson,
  startPageStack,
} from '../../support/page-fixture.js';
import { SETUP_TITLES, SETUPS } from '../../support/server.js';

const APP_ORIGIN = 'https://app.example.com';
/** The pages' policy with APP_ORIGIN as a return origin: a sign-in's 303 to it follows a form post. */
const CSP = PAGE_CSP.replace("form-action 'self'", `form-action 'self' ${APP_ORIGIN}`);

for (const setup of SETUPS)
  describe(`The hosted pages over HTTP, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(30000);
    let stack: PageStack;
    let url: string;

    before(async function () {
      stack = await startPageStack(setup, this, 'pages', { LOGIN_MAX_FAILURES: '3' }, { UI_RETURN_TO_ORIGINS: APP_ORIGIN });
      url = stack.bridge.url;
    });
    after(() => stack?.close());

    const signIn = (email: string, password = PASSWORD, extra: Record<string, string> = {}, headers: Record<string, string> = {}) =>
      fetchPage(`${url}/sign-in`, { form: { email, password, ...extra }, headers });

    it('sends / to /sign-in without a session and to /account with one, with a 303', async () => {
      const signedOut = await fetchPage(`${url}/`);
      expect([signedOut.status, signedOut.location]).to.deep.equal([303, '/sign-in']);
      const { email } = await registerPerson(stack.server);
      const cookie = accessCookieOf(await signIn(email));
      const signedIn = await fetchPage(`${url}/`, { headers: { Cookie: cookie } });
      expect([signedIn.status, signedIn.location]).to.deep.equal([303, '/account']);
    });

    it('signs in with a password: the session cookies are set and /account shows the name and email', async () => {
      const { email } = await registerPerson(stack.server, 'Grace', 'Hopper');
      const answer = await signIn(email);
      expect([answer.status, answer.location]).to.deep.equal([303, '/account']);
      expect(answer.setCookies.some((line) => /^token=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/.test(line))).to.equal(true);
      const account = await fetchPage(`${url}/account`, { headers: { Cookie: accessCookieOf(answer) } });
      expect(account.status).to.equal(200);
      expect(account.text).to.contain('Grace Hopper').and.contain(email);
      expectPageHeaders(account.headers, 'GET /account', { csp: CSP });
    });

    it('sends /account without a session, or with an ended one, to /sign-in coming back to it, and drops the stale cookie', async () => {
      const none = await fetchPage(`${url}/account`);
      expect([none.status, none.location]).to.deep.equal([303, '/sign-in?return_to=%2Faccount']);
      const { email } = await registerPerson(stack.server);
      const cookie = accessCookieOf(await signIn(email));
      const out = await fetchPage(`${url}/sign-out`, { form: {}, headers: { Cookie: cookie } });
      expect([out.status, out.location]).to.deep.equal([303, '/sign-in?notice=signed-out']);
      // The access cookie, and the refresh cookie on each of its paths (cookie-policy.ts).
      expect(out.setCookies.filter((line) => line.includes('Max-Age=0'))).to.have.length(6);
      const ended = await fetchPage(`${url}/account`, { headers: { Cookie: cookie } });
      expect([ended.status, ended.location]).to.deep.equal([303, '/sign-in?return_to=%2Faccount']);
      expect(ended.setCookies.some((line) => line.startsWith('token=;'))).to.equal(true);
      expect((await fetchPage(`${url}/sign-in?notice=signed-out`)).text).to.contain('You have signed out.');
    });

    it('says a wrong password in words, on the form, with 401 and the email kept but never the password', async () => {
      const { email } = await registerPerson(stack.server);
      const answer = await signIn(email, 'not the password');
      expect(answer.status).to.equal(401);
      expect(answer.text).to.contain('The email address or the password is not right.');
      expect(answer.text).to.contain(`value="${email}"`).and.not.contain('not the password');
      expect(answer.text).to.match(/<a href="#password">The email address or the password is not right\.<\/a>/);
      expect(answer.setCookies).to.deep.equal([]);
      expectPageHeaders(answer.headers, 'POST /sign-in (wrong password)', { csp: CSP });
    });

    it('names each empty field, linked from the summary, without calling the service', async () => {
      const answer = await signIn('', '');
      expect(answer.status).to.equal(400);
      expect(answer.text)
        .to.contain('role="alert"')
        .and.contain('<a href="#email">Enter your email address</a>')
        .and.contain('<a href="#password">Enter your password</a>');
      expect(answer.text).to.contain('aria-describedby="email-error"').and.contain('aria-invalid="true"');
    });

    it('says too many attempts with the wait, and passes Retry-After on', async () => {
      const { email } = await registerPerson(stack.server);
      for (let attempt = 0; attempt < 3; attempt++) expect((await signIn(email, 'wrong')).status).to.equal(401);
      const limited = await signIn(email, 'wrong');
      expect(limited.status).to.equal(429);
      const wait = Number(limited.headers.get('Retry-After'));
      expect(wait).to.be.greaterThan(0);
      expect(limited.text).to.match(/Too many attempts\. Try again in \d+ (minutes?|seconds?)\./);
    });

    it('says a suspended account is suspended', async () => {
      const { id, email } = await registerPerson(stack.server);
      const admin = await stack.server.api.login({ email: ADMIN.email, password: ADMIN.password });
      await stack.server.api.suspendClient({ clientId: id, reason: 'test' }, { token: admin.accessToken });
      const answer = await signIn(email);
      expect(answer.status).to.equal(401);
      expect(answer.text).to.contain('This account is suspended.');
    });

    it('speaks German to a browser that asks for it, and English to one whose languages it lacks', async () => {
      const german = await fetchPage(`${url}/sign-in`, { headers: { 'Accept-Language': 'de-DE,de;q=0.9,en;q=0.5' } });
      expect(german.text).to.contain('<html lang="de">').and.contain('E-Mail-Adresse').and.contain('>Anmelden</button>');
      expect(german.headers.get('Vary')).to.match(/Accept-Language/);
      const wrong = await signIn('nobody@example.org', 'wrong', {}, { 'Accept-Language': 'de' });
      expect(wrong.text).to.contain('Die E-Mail-Adresse oder das Passwort stimmt nicht.');
      expect((await fetchPage(`${url}/sign-in`, { headers: { 'Accept-Language': 'fr' } })).text).to.contain('<html lang="en">');
    });

    it('takes the second step with a TOTP code or a recovery code, on the page the password was posted to', async () => {
      const { email } = await registerPerson(stack.server);
      const login = await stack.server.api.login({ email, password: PASSWORD });
      const { secret, recoveryCodes } = await enrolTotp(stack.server, login.accessToken);
      const challenge = async () => {
        const answer = await signIn(email);
        expect(answer.status).to.equal(200);
        expect(answer.setCookies).to.deep.equal([]);
        expect(answer.text).to.contain('Code from your authenticator app');
        return /name="challenge_token" value="([^"]+)"/.exec(answer.text)![1]!;
      };
      const viaTotp = await fetchPage(`${url}/sign-in/second-step`, {
        form: { challenge_token: await challenge(), factors: 'totp,recovery_code', email, method: 'totp', totp_code: totpCode(secret, 1) },
      });
      expect([viaTotp.status, viaTotp.location]).to.deep.equal([303, '/account']);
      const switched = await fetchPage(`${url}/sign-in/second-step`, {
        form: { challenge_token: await challenge(), factors: 'totp,recovery_code', email, switch_to: 'recovery_code' },
      });
      expect(switched.text).to.contain('Recovery code').and.contain('Use the authenticator app instead');
      expectPageHeaders(switched.headers, 'POST /sign-in/second-step', { csp: CSP });
      const token = /name="challenge_token" value="([^"]+)"/.exec(switched.text)![1]!;
      const viaRecovery = await fetchPage(`${url}/sign-in/second-step`, {
        form: { challenge_token: token, factors: 'totp,recovery_code', email, method: 'recovery_code', recovery_code: recoveryCodes[0]! },
      });
      expect([viaRecovery.status, viaRecovery.location]).to.deep.equal([303, '/account']);
      const account = await fetchPage(`${url}/account`, { headers: { Cookie: accessCookieOf(viaRecovery) } });
      expect(account.text).to.contain(email);
    });

    it('sends a spent or wrong second step back to the password, with the email kept', async () => {
      const { email } = await registerPerson(stack.server);
      const login = await stack.server.api.login({ email, password: PASSWORD });
      await enrolTotp(stack.server, login.accessToken);
      const token = /name="challenge_token" value="([^"]+)"/.exec((await signIn(email)).text)![1]!;
      const wrong = await fetchPage(`${url}/sign-in/second-step`, {
        form: { challenge_token: token, factors: 'totp', email, method: 'totp', totp_code: '000000' },
      });
      expect(wrong.status).to.equal(401);
      expect(wrong.text).to.contain('That code is not right. Sign in again and use a new code.').and.contain(`value="${email}"`);
      const spent = await fetchPage(`${url}/sign-in/second-step`, {
        form: { challenge_token: token, factors: 'totp', email, method: 'totp', totp_code: '123456' },
      });
      expect(spent.text).to.contain('Sign in again.');
    });

    it('follows return_to to a listed origin or a path on the bridge, and sends everything else to /account', async () => {
      const { email } = await registerPerson(stack.server);
      const allowed = { [`${APP_ORIGIN}/orders?id=7`]: `${APP_ORIGIN}/orders?id=7`, '/account?tab=1': '/account?tab=1' };
      for (const [returnTo, location] of Object.entries(allowed)) expect((await signIn(email, PASSWORD, { return_to: returnTo })).location).to.equal(location);
      for (const returnTo of ['//evil.example', 'https://evil.example', '/\\evil.example', 'javascript:alert(1)', `${APP_ORIGIN}.evil.example/`]) {
        expect((await signIn(email, PASSWORD, { return_to: returnTo })).location, returnTo).to.equal('/account');
      }
      const form = await fetchPage(`${url}/sign-in?return_to=${encodeURIComponent('https://evil.example/')}`);
      expect(form.text).to.not.contain('evil.example');
      const carried = await fetchPage(`${url}/sign-in?return_to=${encodeURIComponent(`${APP_ORIGIN}/x`)}`);
      expect(carried.text).to.contain(`name="return_to" value="${APP_ORIGIN}/x"`);
      expectPageHeaders(carried.headers, 'GET /sign-in with return origins', { csp: CSP });
    });

    it('refuses a form posted from another site with a 403 page, and signs nobody in', async () => {
      const { email } = await registerPerson(stack.server);
      const answer = await signIn(email, PASSWORD, {}, { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' });
      expect(answer.status).to.equal(403);
      expect(answer.headers.get('Content-Type')).to.equal('text/html; charset=utf-8');
      expect(answer.text).to.contain('This form was sent from another site, so it was refused.');
      expect(answer.setCookies).to.deep.equal([]);
    });

    it('answers a body that is not a form, and a wrong method, with an error page', async () => {
      const notForm = await fetch(`${url}/sign-in`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'same-origin' },
        body: '{}',
      });
      expect(notForm.status).to.equal(415);
      expect(await notForm.text()).to.contain('This form could not be read.');
      const wrongMethod = await fetchPage(`${url}/sign-out`);
      expect(wrongMethod.status).to.equal(405);
      expectPageHeaders(wrongMethod.headers, 'GET /sign-out', { csp: CSP });
    });

    it('offers no passkey sign-in without WEBAUTHN_ORIGINS: no script on /sign-in, and nothing to post to', async () => {
      expect((await fetchPage(`${url}/sign-in`)).text)
        .to.not.contain('<script')
        .and.not.contain('passkey');
      const posted = await fetchPage(`${url}/sign-in/passkey`, { form: { ceremony_token: 'x', passkey_response: '{}' } });
      expect(posted.status).to.equal(404);
      expect(posted.text).to.contain('This page does not exist.');
    });

    it('serves the stylesheet under a content hash, cached for a year, with the accent in it', async () => {
      const page = await fetchPage(`${url}/sign-in`);
      const href = /<link rel="stylesheet" href="([^"]+)"/.exec(page.text)![1]!;
      expect(href).to.match(/^\/assets\/pages\.[\w-]{12}\.css$/);
      const css = await fetchPage(`${url}${href}`);
      expect(css.status).to.equal(200);
      expect(css.headers.get('Content-Type')).to.equal('text/css; charset=utf-8');
      expect(css.headers.get('Cache-Control')).to.equal('public, max-age=31536000, immutable');
      expect(css.text).to.contain('--accent:#1d70b8');
      expect((await fetchPage(`${url}/assets/pages.css`)).status).to.equal(404);
    });
  });

describe('The hosted pages switched off (UI_ENABLED=false)', function () {
  this.timeout(30000);
  let stack: PageStack;
  before(async function () {
    stack = await startPageStack('embedded', this, 'pages_off', {}, { UI_ENABLED: 'false' });
  });
  after(() => stack?.close());

  it('leaves the bridge JSON only', async () => {
    for (const path of ['/', '/sign-in', '/account']) {
      const answer = await fetchPage(`${stack.bridge.url}${path}`);
      expect(answer.status, path).to.equal(404);
      expect(JSON.parse(answer.text).reason).to.equal('NOT_FOUND');
    }
  });
});

describe('The sign-in page with REQUIRE_VERIFIED_EMAIL', function () {
  this.timeout(30000);
  let stack: PageStack;
  before(async function () {
    stack = await startPageStack('embedded', this, 'pages_verified', { REQUIRE_VERIFIED_EMAIL: 'true' });
  });
  after(() => stack?.close());

  it('says the email is not verified yet', async () => {
    const { email } = await registerPerson(stack.server);
    const answer = await fetchPage(`${stack.bridge.url}/sign-in`, { form: { email, password: PASSWORD } });
    expect(answer.status).to.equal(400);
    expect(answer.text).to.contain('Confirm your email address first');
  });
});
