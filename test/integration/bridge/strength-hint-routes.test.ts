/**
 * POST /password-strength, the pages' live strength hint, over HTTP on both set-ups: the
 * service's verdict with its advice in the reader's language, the bounds, and the
 * cross-site guard.
 */
import { expect } from 'chai';
import { de } from '../../../bridge/messages/de.js';
import { en } from '../../../bridge/messages/en.js';
import { accessCookieOf, fetchPage, PASSWORD, type PageStack, registerPerson, startPageStack } from '../../support/page-fixture.js';
import { STRONG_PASSPHRASE } from '../../support/passwords.js';
import { SETUP_TITLES, SETUPS } from '../../support/server.js';
import { CookieClient } from './bridge-fixture.js';

const WEAK = 'Password123!';
const sentencesOf = (advice: typeof en.strengthAdvice) => [...Object.values(advice.warnings), ...Object.values(advice.suggestions)];

for (const setup of SETUPS)
  describe(`POST /password-strength, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(30000);
    let stack: PageStack;
    let browser: CookieClient;

    before(async function () {
      stack = await startPageStack(setup, this, 'strength_hint');
      browser = new CookieClient(stack.bridge.url);
    });
    after(async () => stack?.close());

    const hint = (body: Record<string, string>, language = 'en') =>
      browser.post('/password-strength', body, { headers: { 'Accept-Language': language, 'Sec-Fetch-Site': 'same-origin' } });

    it('answers a weak password 200: weak, with the estimator’s advice in English, never stored or echoed', async () => {
      const answer = await hint({ password: WEAK, email: 'ada@example.org', first_name: 'Ada', last_name: 'Lovelace' });
      expect(answer.status).to.equal(200);
      expect(answer.headers.get('cache-control')).to.equal('no-store');
      expect(answer.body).to.include({ acceptable: false, verdict: 'Weak' });
      expect(answer.body.score).to.be.below(3);
      expect(answer.body.advice).to.not.be.empty;
      expect(sentencesOf(en.strengthAdvice)).to.include.members(answer.body.advice);
      expect(JSON.stringify(answer.body)).to.not.include(WEAK);
    });

    it('says the same advice in German for Accept-Language: de', async () => {
      const english = await hint({ password: WEAK });
      const german = await hint({ password: WEAK }, 'de-DE, en;q=0.5');
      expect(german.status).to.equal(200);
      expect(german.body).to.include({ acceptable: false, verdict: de.newPassword.weak });
      expect(german.body.advice).to.have.length(english.body.advice.length);
      expect(sentencesOf(de.strengthAdvice)).to.include.members(german.body.advice);
      expect(german.headers.get('vary')).to.match(/Accept-Language/i);
    });

    it('answers a passphrase strong enough, with no advice', async () => {
      const answer = await hint({ password: STRONG_PASSPHRASE, email: 'ada@example.org' });
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.include({ acceptable: true, verdict: 'Strong enough', advice: [] });
    });

    it('words the list and the length rules as the forms do', async () => {
      expect((await hint({ password: 'iloveyou' })).body).to.deep.include({ acceptable: false, advice: [en.reasons.PASSWORD_TOO_COMMON] });
      const short = await hint({ password: 'kurz' }, 'de');
      expect(short.body.advice[0]).to.equal(`${de.newPassword.invalid}.`);
    });

    it('answers 400 INVALID_ARGUMENT for a password over 72 bytes, and for a field it does not know', async () => {
      const long = await hint({ password: STRONG_PASSPHRASE.repeat(3) });
      expect(long.status).to.equal(400);
      expect(long.body).to.include({ reason: 'INVALID_ARGUMENT', field: 'password' });
      expect(JSON.stringify(long.body)).to.not.include(STRONG_PASSPHRASE);
      const unknown = await hint({ password: WEAK, phone_number: '1' });
      expect(unknown.status).to.equal(400);
    });

    it('is loaded by /sign-up, /password-reset and /account/password, the last with the account’s words', async () => {
      const regionOf = (html: string, field: string) => html.match(new RegExp(`<p[^>]*data-strength-for="${field}"[^>]*>`))?.[0] ?? '';
      const signUp = await fetchPage(`${stack.bridge.url}/sign-up`);
      expect(signUp.text).to.match(/<script src="\/assets\/password-strength\.[\w-]+\.js" defer/);
      expect(regionOf(signUp.text, 'password')).to.include('aria-live="polite"');
      const reset = await fetchPage(`${stack.bridge.url}/password-reset?token=${'A'.repeat(43)}`);
      expect(regionOf(reset.text, 'new_password')).to.include('aria-live="polite"');
      const { email } = await registerPerson(stack.server, 'Grace', 'Hopper');
      const signedIn = await fetchPage(`${stack.bridge.url}/sign-in`, { form: { email, password: PASSWORD } });
      const page = await fetchPage(`${stack.bridge.url}/account/password`, { headers: { Cookie: accessCookieOf(signedIn) } });
      expect(page.status).to.equal(200);
      expect(page.text).to.match(/<script src="\/assets\/password-strength\.[\w-]+\.js" defer/);
      const region = regionOf(page.text, 'new_password');
      expect(region).to.include('aria-live="polite"').and.include(`data-email="${email}"`).and.include('data-last-name="Hopper"');
    });

    it('refuses a request from another site with 403 CROSS_SITE_REQUEST', async () => {
      const answer = await browser.post(
        '/password-strength',
        { password: WEAK },
        { headers: { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' } },
      );
      expect(answer.status).to.equal(403);
      expect(answer.body).to.include({ reason: 'CROSS_SITE_REQUEST' });
    });
  });
