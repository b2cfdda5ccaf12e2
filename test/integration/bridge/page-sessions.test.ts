/**
 * A page session outlives its access token, on both set-ups: when the access cookie has
 * gone (the browser drops it at its Max-Age) or holds an expired token, /account rotates
 * the refresh token as POST /refresh does, sets the new cookies and shows the account; a
 * refresh token that was revoked or is not ours leads to /sign-in. An expired access token
 * is the one the sign-in set, signed again with the service's key and an expiry in the past,
 * so no test waits out a token's lifetime.
 */
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { fetchPage, PASSWORD, type PageAnswer, type PageStack, registerPerson, startPageStack } from '../../support/page-fixture.js';
import { failure, SETUP_TITLES, SETUPS, TEST_SECRET } from '../../support/server.js';

/** A cookie's name=value as a Set-Cookie line set it for `path`, or undefined. */
function cookieSet(answer: PageAnswer, name: string, path = '/'): string | undefined {
  const line = answer.setCookies.find((candidate) => candidate.startsWith(`${name}=`) && candidate.includes(`Path=${path};`));
  return line?.split(';')[0];
}
const cookieValue = (pair: string | undefined) => pair?.slice(pair.indexOf('=') + 1);

for (const setup of SETUPS)
  describe(`Page sessions that outlive the access token, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(30000);
    let stack: PageStack;
    let url: string;

    before(async function () {
      stack = await startPageStack(setup, this, 'page_sessions');
      url = stack.bridge.url;
    });
    after(() => stack?.close());

    /** Signs in through the form; returns the email and the cookies as the browser keeps them for /account. */
    const signedIn = async () => {
      const { email } = await registerPerson(stack.server, 'Grace', 'Hopper');
      const answer = await fetchPage(`${url}/sign-in`, { form: { email, password: PASSWORD } });
      expect(answer.status).to.equal(303);
      const access = cookieSet(answer, 'token');
      const refresh = cookieSet(answer, 'refresh_token', '/account');
      expect(refresh, `a refresh cookie for /account in ${JSON.stringify(answer.setCookies)}`).to.not.equal(undefined);
      return { email, access: access!, refresh: refresh! };
    };
    const account = (cookies: (string | undefined)[]) =>
      fetchPage(`${url}/account`, { headers: { Cookie: cookies.filter((cookie) => cookie !== undefined).join('; ') } });
    /** The refresh token works with POST /refresh (which rotates it once more). */
    const refreshes = async (refreshPair: string) =>
      (await fetch(`${url}/refresh`, { method: 'POST', headers: { Cookie: refreshPair, 'Sec-Fetch-Site': 'same-origin' } })).status;

    it('shows /account when the access cookie has gone, rotating the refresh token and setting both cookies again', async () => {
      const { email, refresh } = await signedIn();
      const shown = await account([refresh]);
      expect(shown.status).to.equal(200);
      expect(shown.text).to.contain('Grace Hopper').and.contain(email);
      const newAccess = cookieSet(shown, 'token');
      const newRefresh = cookieSet(shown, 'refresh_token', '/account');
      expect(newAccess).to.not.equal(undefined);
      expect(cookieValue(newRefresh)).to.be.a('string').and.not.equal(cookieValue(refresh));
      expect(cookieSet(shown, 'refresh_token', '/refresh')).to.equal(newRefresh);
      expect((await stack.server.api.validateToken({ token: cookieValue(newAccess)! })).clientId)
        .to.be.a('string')
        .and.not.equal('');
      expect(await refreshes(newRefresh!)).to.equal(200);
    });

    it('shows /account when the access token sent has expired, and after signing out goes to /sign-in', async () => {
      const { email, access: fresh, refresh } = await signedIn();
      // The same token as it is once its minute has passed: its claims, signed with the
      // service's key (TEST_SECRET), issued two minutes ago and expired one minute ago.
      const claims = jwt.decode(cookieValue(fresh)!, { json: true })!;
      const now = Math.floor(Date.now() / 1000);
      const expiredToken = jwt.sign({ ...claims, iat: now - 120, exp: now - 60 }, TEST_SECRET, {
        algorithm: 'HS256',
        header: jwt.decode(cookieValue(fresh)!, { complete: true })!.header,
      });
      expect((await failure(stack.server.api.validateToken({ token: expiredToken }))).reason).to.equal('TOKEN_EXPIRED');
      const access = `token=${expiredToken}`;
      const shown = await account([access, refresh]);
      expect(shown.status).to.equal(200);
      expect(shown.text).to.contain(email);
      const newAccess = cookieSet(shown, 'token')!;
      const newRefresh = cookieSet(shown, 'refresh_token', '/account')!;
      expect(cookieValue(newRefresh)).to.not.equal(cookieValue(refresh));

      const signedOut = await fetchPage(`${url}/sign-out`, { form: {}, headers: { Cookie: `${newAccess}; ${newRefresh}` } });
      expect([signedOut.status, signedOut.location]).to.deep.equal([303, '/sign-in?notice=signed-out']);
      const after = await account([newRefresh]);
      expect([after.status, after.location]).to.deep.equal([303, '/sign-in?return_to=%2Faccount']);
      expect(cookieSet(after, 'refresh_token', '/account')).to.equal('refresh_token=');
    });

    it('ends the session at sign-out when only the refresh cookie is left: it refreshes no more', async () => {
      const { refresh } = await signedIn();
      const signedOut = await fetchPage(`${url}/sign-out`, { form: {}, headers: { Cookie: refresh } });
      expect([signedOut.status, signedOut.location]).to.deep.equal([303, '/sign-in?notice=signed-out']);
      expect(await refreshes(refresh)).to.equal(401);
      const after = await account([refresh]);
      expect([after.status, after.location]).to.deep.equal([303, '/sign-in?return_to=%2Faccount']);
    });

    it('sends a refresh cookie that is not ours to /sign-in and clears it', async () => {
      for (const cookie of ['refresh_token=u1.s1.not-a-token', 'refresh_token=<script>']) {
        const answer = await account([cookie]);
        expect([answer.status, answer.location], cookie).to.deep.equal([303, '/sign-in?return_to=%2Faccount']);
        expect(cookieSet(answer, 'refresh_token', '/account'), cookie).to.equal('refresh_token=');
      }
    });
  });
