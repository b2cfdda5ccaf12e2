/**
 * /account/two-factor over HTTP, as a browser without script uses it: turning the
 * authenticator app on from the page (the key read from the page, the code computed here),
 * the recovery codes shown once, new codes, turning it off; wrong codes worded beside their
 * field; other sites refused; no code in the bridge's logs. Chromium walks it in
 * test/browser/factor-pages.test.ts.
 */
import { expect } from 'chai';
import { totpCode } from '../../support/factor-fixture.js';
import { accessCookieOf, expectPageHeaders, fetchPage, PASSWORD, type PageStack, registerPerson, startPageStack } from '../../support/page-fixture.js';
import { failure, SETUP_TITLES, SETUPS } from '../../support/server.js';

const PATH = '/account/two-factor';
const EVIL = { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' };

/** The key the enrolment page shows for typing into an app. */
const secretOf = (html: string) => /<code class="secret" id="totp-secret">([A-Z2-7]+)<\/code>/.exec(html)?.[1];
/** The recovery codes a page lists. */
const codesOf = (html: string) => [...html.matchAll(/<li><code>([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})<\/code><\/li>/g)].map((match) => match[1]!);

for (const setup of SETUPS)
  describe(`The two-step sign-in page over HTTP, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(30000);
    let stack: PageStack;
    let url: string;

    before(async function () {
      stack = await startPageStack(setup, this, 'two_factor_pages');
      url = stack.bridge.url;
    });
    after(() => stack?.close());

    const signedIn = async () => {
      const { email } = await registerPerson(stack.server);
      const cookie = accessCookieOf(await fetchPage(`${url}/sign-in`, { form: { email, password: PASSWORD } }));
      const token = cookie.slice('token='.length);
      const post = (path: string, form: Record<string, string> = {}, headers: Record<string, string> = {}) =>
        fetchPage(`${url}${path}`, { form, headers: { Cookie: cookie, ...headers } });
      const get = (path = PATH, headers: Record<string, string> = {}) => fetchPage(`${url}${path}`, { headers: { Cookie: cookie, ...headers } });
      const totpOn = async () => (await stack.server.api.getMySecondFactors({}, { token })).totpEnabled;
      return { email, token, post, get, totpOn };
    };
    /** Signed in with TOTP turned on from the page; returns the key and the codes the page showed. */
    const enrolled = async () => {
      const user = await signedIn();
      const secret = secretOf((await user.post(`${PATH}/enrol`)).text)!;
      const shown = await user.post(`${PATH}/confirm`, { code: totpCode(secret) });
      return { ...user, secret, recoveryCodes: codesOf(shown.text), shown };
    };

    it('sends a browser without a session to sign in, and back to the page afterwards', async () => {
      const answer = await fetchPage(`${url}${PATH}`);
      expect([answer.status, answer.location]).to.deep.equal([303, '/sign-in?return_to=%2Faccount%2Ftwo-factor']);
      const posted = await fetchPage(`${url}${PATH}/enrol`, { form: {} });
      expect([posted.status, posted.location]).to.deep.equal([303, '/sign-in']);
    });

    it('shows TOTP off, then the QR code as inline SVG and the key, and stays off until a code confirms it', async () => {
      const user = await signedIn();
      const page = await user.get();
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('Two-step sign-in is off.').and.contain('Set up an authenticator app');
      expectPageHeaders(page.headers, `GET ${PATH}`);

      const begun = await user.post(`${PATH}/enrol`);
      expect(begun.status).to.equal(200);
      expectPageHeaders(begun.headers, `POST ${PATH}/enrol`);
      expect(begun.text).to.match(/<svg class="qr-code" xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 \d+ \d+" role="img" aria-label="[^"]+"/);
      expect(begun.text).to.not.contain('<img').and.not.contain('otpauth://');
      expect(secretOf(begun.text)).to.match(/^[A-Z2-7]{32}$/);
      expect(await user.totpOn()).to.equal(false);
    });

    it('words a wrong or missing code beside the field, keeps TOTP off, and turns it on with the right one', async () => {
      const user = await signedIn();
      const secret = secretOf((await user.post(`${PATH}/enrol`)).text)!;
      const missing = await user.post(`${PATH}/confirm`, { code: ' ' });
      expect(missing.status).to.equal(400);
      expect(missing.text).to.contain('<a href="#code">Enter the code from your authenticator app</a>');
      const wrongCode = totpCode(secret) === '000000' ? '111111' : '000000';
      const wrong = await user.post(`${PATH}/confirm`, { code: wrongCode });
      expect(wrong.status).to.equal(400);
      expect(wrong.text).to.contain('<a href="#code">That code is not right, or it was used already.');
      expect(wrong.text).to.contain('<title>Error: Two-step sign-in');
      expect(await user.totpOn()).to.equal(false);

      const shown = await user.post(`${PATH}/confirm`, { code: totpCode(secret) });
      expect(shown.status).to.equal(200);
      expectPageHeaders(shown.headers, `POST ${PATH}/confirm`);
      expect(shown.text).to.contain('Two-step sign-in is on.').and.contain('These codes are shown only this once.');
      expect(await user.totpOn()).to.equal(true);
      expect((await user.get()).text).to.contain('Two-step sign-in is on:');
    });

    it('shows ten recovery codes once, with a download link holding them, and writes none to the logs', async () => {
      const { shown, recoveryCodes, secret } = await enrolled();
      expect(recoveryCodes).to.have.length(10);
      const download = /<a class="button" href="data:text\/plain;charset=utf-8,([^"]+)" download="recovery-codes.txt">/.exec(shown.text);
      expect(download, 'a download link').to.not.equal(null);
      const file = decodeURIComponent(download![1]!);
      for (const code of recoveryCodes) expect(file).to.contain(code);
      const logged = stack.bridge.logs.join('\n') + stack.server.logs.join('\n');
      for (const code of [secret, ...recoveryCodes]) expect(logged).to.not.contain(code);
    });

    it('replaces the recovery codes for a current code: the old ones no longer sign in, the new ones do', async () => {
      const user = await enrolled();
      const wrong = await user.post(`${PATH}/recovery-codes`, { regenerate_code: '12345' });
      expect(wrong.status).to.equal(400);
      expect(wrong.text).to.contain('<a href="#regenerate_code">That code is not right');
      const missing = await user.post(`${PATH}/recovery-codes`, { regenerate_code: '' });
      expect(missing.status).to.equal(400);
      expect(missing.text).to.contain('<a href="#regenerate_code">Enter the code from your authenticator app</a>');

      const replaced = await user.post(`${PATH}/recovery-codes`, { regenerate_code: totpCode(user.secret, 1) });
      expect(replaced.status).to.equal(200);
      expect(replaced.text).to.contain('You have new recovery codes. Your old ones no longer work.');
      const fresh = codesOf(replaced.text);
      expect(fresh).to.have.length(10);
      const completeWith = async (recoveryCode: string) => {
        const { secondFactorChallenge } = await stack.server.api.login({ email: user.email, password: PASSWORD });
        return stack.server.api.completeLogin({ challengeToken: secondFactorChallenge!.challengeToken, totpCode: '', recoveryCode, passkey: undefined });
      };
      expect(await failure(completeWith(user.recoveryCodes[0]!))).to.include({ reason: 'SECOND_FACTOR_INVALID' });
      expect((await completeWith(fresh[0]!)).accessToken).to.not.equal('');
    });

    it('turns TOTP off with a recovery code, answering 303 and a notice; a wrong one leaves it on', async () => {
      const user = await enrolled();
      const wrong = await user.post(`${PATH}/disable`, { disable_code: 'aaaa-bbbb-cccc-dddd' });
      expect(wrong.status).to.equal(400);
      expect(wrong.text).to.contain('<a href="#disable_code">That code is not right');
      expect(await user.totpOn()).to.equal(true);
      const off = await user.post(`${PATH}/disable`, { disable_code: user.recoveryCodes[3]! });
      expect([off.status, off.location]).to.deep.equal([303, `${PATH}?notice=off`]);
      expect(await user.totpOn()).to.equal(false);
      const page = await user.get(`${PATH}?notice=off`);
      expect(page.text).to.contain('role="status"').and.contain('Two-step sign-in is off.');
    });

    it('speaks German to a German browser', async () => {
      const user = await signedIn();
      const page = await user.get(PATH, { 'Accept-Language': 'de-DE,de;q=0.9' });
      expect(page.text).to.contain('<html lang="de">').and.contain('Die Anmeldung in zwei Schritten ist aus.');
    });

    it('refuses every form of the page posted from another site, and changes nothing', async () => {
      const user = await enrolled();
      for (const step of ['enrol', 'confirm', 'recovery-codes', 'disable']) {
        const refused = await user.post(`${PATH}/${step}`, { code: totpCode(user.secret), disable_code: user.recoveryCodes[0]!, regenerate_code: '1' }, EVIL);
        expect(refused.status, step).to.equal(403);
        expect(refused.text, step).to.contain('This form was sent from another site, so it was refused.');
      }
      expect(await user.totpOn()).to.equal(true);
    });
  });
