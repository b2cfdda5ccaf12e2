/**
 * The passkey routes of the hosted sign-in over HTTP, on both set-ups: what a page answers
 * when the assertion its script posts is missing, unreadable, forged or from a ceremony
 * that is not the page's. Each is a page with words and the JSON routes' status, never a
 * 500, and sets no cookie. Chromium walks the working ceremonies in
 * test/browser/passkey-pages.test.ts.
 */
import { expect } from 'chai';
import { enrolTotp } from '../../support/factor-fixture.js';
import { fetchPage, PASSWORD, registerPerson } from '../../support/page-fixture.js';
import { type PasskeyPageStack, startPasskeyPageStack } from '../../support/passkey-fixture.js';
import { SETUP_TITLES, SETUPS } from '../../support/server.js';

/** An assertion as @simplewebauthn/browser shapes one, for a credential no one registered. */
const FORGED_RESPONSE = JSON.stringify({
  id: 'bm90LWEtcGFzc2tleQ',
  rawId: 'bm90LWEtcGFzc2tleQ',
  type: 'public-key',
  response: { clientDataJSON: 'e30', authenticatorData: 'AAAA', signature: 'AAAA' },
  clientExtensionResults: {},
});

for (const setup of SETUPS)
  describe(`The passkey routes of the sign-in pages over HTTP, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(30000);
    let stack: PasskeyPageStack;
    let url: string;

    before(async function () {
      stack = await startPasskeyPageStack(setup, this, 'passkey_page_routes');
      url = stack.bridge.url;
    });
    after(() => stack?.close());

    /** A ceremony begun as the page's script begins one: the JSON route, with the login challenge on the second step. */
    const beginCeremony = async (challengeToken = ''): Promise<string> => {
      const answer = await fetch(`${url}/passkeys/login/begin`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'same-origin' },
        body: JSON.stringify(challengeToken ? { challenge_token: challengeToken } : {}),
      });
      expect(answer.status).to.equal(200);
      return ((await answer.json()) as { ceremony_token: string }).ceremony_token;
    };
    const expectNoSession = (setCookies: string[]) => expect(setCookies).to.deep.equal([]);

    describe('POST /sign-in/passkey, a passkey without a password', () => {
      const post = (form: Record<string, string>) => fetchPage(`${url}/sign-in/passkey`, { form });

      it('answers a post without an assertion, or with one that is not JSON, with 400 and the sign-in page asking for the passkey', async () => {
        const forms: Record<string, string>[] = [
          {},
          { ceremony_token: 'x', passkey_response: '' },
          { ceremony_token: 'x', passkey_response: 'not json' },
          { ceremony_token: 'x', passkey_response: '[]' },
        ];
        for (const form of forms) {
          const answer = await post(form);
          expect(answer.status, JSON.stringify(form)).to.equal(400);
          expect(answer.text).to.contain('Use your passkey to sign in, or sign in with your email address and password.');
          expect(answer.text).to.contain('Sign in with a passkey');
          expectNoSession(answer.setCookies);
        }
      });

      it('answers a forged ceremony token with 401 and "sign in again"', async () => {
        const answer = await post({ ceremony_token: 'not a ceremony', passkey_response: FORGED_RESPONSE });
        expect(answer.status).to.equal(401);
        expect(answer.text).to.contain('Signing in took too long, or the page was used already. Sign in again.');
        expectNoSession(answer.setCookies);
      });

      it('answers an assertion of a passkey no one registered with 401 and "not accepted", in German too', async () => {
        const answer = await post({ ceremony_token: await beginCeremony(), passkey_response: FORGED_RESPONSE });
        expect(answer.status).to.equal(401);
        expect(answer.text).to.contain('That passkey was not accepted.');
        expectNoSession(answer.setCookies);
        const german = await fetchPage(`${url}/sign-in/passkey`, {
          form: { ceremony_token: await beginCeremony(), passkey_response: FORGED_RESPONSE },
          headers: { 'Accept-Language': 'de' },
        });
        expect(german.status).to.equal(401);
        expect(german.text).to.contain('Dieser Passkey wurde nicht angenommen.');
      });

      it('refuses the ceremony of a second step as a passkey without a password', async () => {
        const { email } = await registerPerson(stack.server);
        await enrolTotp(stack.server, (await stack.server.api.login({ email, password: PASSWORD })).accessToken);
        const login = await stack.server.api.login({ email, password: PASSWORD });
        const answer = await post({ ceremony_token: await beginCeremony(login.secondFactorChallenge!.challengeToken), passkey_response: FORGED_RESPONSE });
        expect(answer.status).to.equal(401);
        expect(answer.text).to.contain('Signing in took too long, or the page was used already. Sign in again.');
        expectNoSession(answer.setCookies);
      });

      it('is refused from another site before the assertion is read', async () => {
        const answer = await fetchPage(`${url}/sign-in/passkey`, {
          form: { ceremony_token: 'x', passkey_response: FORGED_RESPONSE },
          headers: { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' },
        });
        expect(answer.status).to.equal(403);
        expect(answer.text).to.contain('This form was sent from another site');
        expectNoSession(answer.setCookies);
      });
    });

    describe('POST /sign-in/second-step with a passkey', () => {
      /** A password that was right, and what the second step's form carries for a passkey. */
      const challenged = async () => {
        const { email } = await registerPerson(stack.server);
        await enrolTotp(stack.server, (await stack.server.api.login({ email, password: PASSWORD })).accessToken);
        const login = await stack.server.api.login({ email, password: PASSWORD });
        const challengeToken = login.secondFactorChallenge!.challengeToken;
        return { email, challengeToken, carried: { challenge_token: challengeToken, factors: 'passkey', email, method: 'passkey' } };
      };
      const post = (form: Record<string, string>) => fetchPage(`${url}/sign-in/second-step`, { form });

      it('sends a post without an assertion back to the passkey with 400', async () => {
        const { carried } = await challenged();
        const answer = await post(carried);
        expect(answer.status).to.equal(400);
        expect(answer.text).to.contain('Use your passkey to continue.').and.contain('Use your passkey');
        expectNoSession(answer.setCookies);
      });

      it('sends a forged ceremony back to the password with 401, the email kept', async () => {
        const { email, carried } = await challenged();
        const answer = await post({ ...carried, ceremony_token: 'not a ceremony', passkey_response: FORGED_RESPONSE });
        expect(answer.status).to.equal(401);
        expect(answer.text).to.contain('Signing in took too long, or the page was used already. Sign in again.');
        expect(answer.text).to.contain(`value="${email}"`);
        expectNoSession(answer.setCookies);
      });

      it('sends an assertion of a passkey that is not the account\'s back to the password with 401 and "not accepted"', async () => {
        const { challengeToken, carried } = await challenged();
        const answer = await post({ ...carried, ceremony_token: await beginCeremony(challengeToken), passkey_response: FORGED_RESPONSE });
        expect(answer.status).to.equal(401);
        expect(answer.text).to.contain('That passkey was not accepted. Sign in again and use a passkey you added to this account.');
        expectNoSession(answer.setCookies);
      });

      it('refuses a passwordless ceremony as the second step', async () => {
        const { carried } = await challenged();
        const answer = await post({ ...carried, ceremony_token: await beginCeremony(), passkey_response: FORGED_RESPONSE });
        expect(answer.status).to.equal(401);
        expect(answer.text).to.not.contain('Something went wrong');
        expectNoSession(answer.setCookies);
      });
    });
  });
