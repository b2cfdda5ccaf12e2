/**
 * Relying parties nobody on this project wrote, signing a person in through the OpenID
 * Provider in headless Chromium, on both set-ups:
 * - openid-client: discovery, code + PKCE through the hosted sign-in with a TOTP second
 *   factor, the ID token's acr/amr, userinfo, introspection, refresh, revocation and
 *   RP-initiated logout, which ends our own session too;
 * - go-oidc (test/interop/oidc-rp): verifies that ID token against our discovery and JWKS,
 *   and exchanges a code of its own;
 * - oauth2-proxy: protects an upstream of the test's; Chromium signs in through it and
 *   reaches the upstream; once the person is suspended, its next refresh refuses them.
 *
 * The issuer is the bridge's own loopback URL (PUBLIC_URL), so Chromium, the Go programs
 * and oauth2-proxy all reach it as they would a real deployment.
 */
import type { Server } from 'node:http';
import { expect } from 'chai';
import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, serveHtml } from '../support/chromium.js';
import { eventually } from '../support/eventually.js';
import { enrolTotp, PASSWORD, registerUser, totpCode } from '../support/factor-fixture.js';
import { runGoRp } from '../support/go-oidc-rp.js';
import { awaitTool, requireTool } from '../support/go-tools.js';
import { oauth2ProxyRedirectUri, type RunningOAuth2Proxy, startOAuth2Proxy, startUpstream, UPSTREAM_GREETING, type Upstream } from '../support/oauth2-proxy.js';
import { discoverAt, loopbackIssuer, type RegisteredRp, registerRp } from '../support/oidc-clients.js';
import { type OidcStack, oauthErrorOf, startOidcStack } from '../support/oidc-fixture.js';
import { mailedLink } from '../support/page-fixture.js';
import { freePort } from '../support/paths.js';
import { failure, freshDataDir, SETUP_TITLES, SETUPS } from '../support/server.js';

const SCOPE = 'openid email profile offline_access';

/** The relying party's own pages: where the provider sends the browser back. */
async function startRpPages(): Promise<{ url: string; server: Server }> {
  const { server, origin } = await serveHtml(
    () => '<!doctype html><html><head><title>relying party</title></head><body><h1>Back at the app</h1></body></html>',
  );
  return { url: origin, server };
}

/**
 * A person with their email verified (by the link mailed to the development mailbox) and
 * TOTP on: their email, id and authenticator secret. oauth2-proxy, like most apps, takes
 * only verified emails.
 */
async function personWithTotp(stack: OidcStack, prefix: string): Promise<{ id: string; email: string; secret: string }> {
  const person = await registerUser(stack.server, prefix);
  const { mail, publicUrl } = { mail: stack.server.config.mail, publicUrl: stack.server.config.bridge.publicUrl };
  if (mail.kind !== 'files') throw new Error('these tests read the development mailbox, which needs no SMTP_URL');
  const link = await mailedLink(mail.directory, person.email, publicUrl, '/verify-email');
  await stack.server.api.verifyEmail({ token: new URL(link).searchParams.get('token')! });
  const token = (await stack.server.api.login({ email: person.email, password: PASSWORD })).accessToken;
  const { secret } = await enrolTotp(stack.server, token);
  return { ...person, secret };
}

/** The hosted sign-in as a person does it: email and password, then the app's next code. */
async function signInOnPage(page: Page, email: string, secret: string): Promise<void> {
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  // The code enrolment took is spent: the next step's, as the person's app shows it a moment later.
  await page.getByLabel('Code from your authenticator app').fill(totpCode(secret, 1));
  await page.getByRole('button', { name: 'Continue' }).click();
}

for (const setup of SETUPS)
  describe(`OpenID Connect relying parties in Chromium: openid-client, go-oidc, oauth2-proxy (${SETUP_TITLES[setup]})`, function () {
    this.timeout(90000);
    let stack: OidcStack;
    let issuer: string;
    let rpPages: { url: string; server: Server };
    let browser: Browser;
    let goRp: string;
    let oauth2ProxyBinary: string;
    /** Where oauth2-proxy will listen, known before the bridge starts (its origin is a return origin). */
    let proxyPort: number;

    before(async function () {
      browser = await launchChromium(this);
      goRp = requireTool(this, 'oidc-rp');
      oauth2ProxyBinary = await awaitTool(this, 'oauth2-proxy');
      const loopback = await loopbackIssuer();
      issuer = loopback.issuer;
      rpPages = await startRpPages();
      proxyPort = await freePort();
      // The apps' origins are return origins of the pages: a sign-in posts a form, and Chromium
      // holds the redirects after it, back to the app at the end, to the page's form-action.
      const returnOrigins = { UI_RETURN_TO_ORIGINS: [rpPages.url, `http://127.0.0.1:${proxyPort}`].join(',') };
      stack = await startOidcStack(setup, this, 'oidc_interop', { DATA_DIR: freshDataDir(), PUBLIC_URL: issuer }, { ...loopback.bridgeEnv, ...returnOrigins });
    });
    after(async () => {
      await browser?.close();
      rpPages?.server.close();
      await stack?.close();
    });

    describe('openid-client, with go-oidc checking what it was given', () => {
      let rp: RegisteredRp;
      let configuration: client.Configuration;
      let person: { id: string; email: string; secret: string };
      let context: BrowserContext;
      let page: Page;
      let tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
      let nonce: string;
      /** The tokens of a sign-in after the first grant was revoked. */
      let fresh: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
      /** The ID token of the sign-in, the hint at logout. */
      let idToken: string;

      before(async () => {
        rp = await registerRp(stack, { redirectUri: `${rpPages.url}/callback`, postLogoutRedirectUri: `${rpPages.url}/signed-out` });
        person = await personWithTotp(stack, 'oidc-rp');
        context = await browser.newContext();
        page = await context.newPage();
      });
      after(async () => context?.close());

      /** Code + PKCE again in the same browser: the provider session signs the person in without a form. */
      const signInAgainSilently = async () => {
        const verifier = client.randomPKCECodeVerifier();
        const state = client.randomState();
        const url = client.buildAuthorizationUrl(configuration, {
          redirect_uri: rp.redirectUri,
          scope: SCOPE,
          code_challenge: await client.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
        });
        await page.goto(url.href);
        await page.waitForURL(`${rp.redirectUri}?**`);
        return client.authorizationCodeGrant(configuration, new URL(page.url()), { pkceCodeVerifier: verifier, expectedState: state });
      };

      it('finds the provider by discovery at the issuer, every endpoint under it', async () => {
        configuration = await discoverAt(issuer, rp);
        const metadata = configuration.serverMetadata();
        expect(metadata.issuer).to.equal(issuer);
        for (const endpoint of [
          'authorization_endpoint',
          'token_endpoint',
          'userinfo_endpoint',
          'jwks_uri',
          'introspection_endpoint',
          'revocation_endpoint',
          'end_session_endpoint',
        ] as const)
          expect(metadata[endpoint], endpoint).to.match(new RegExp(`^${issuer}/`));
        expect(metadata.code_challenge_methods_supported).to.deep.equal(['S256']);
      });

      it('signs the person in with code + PKCE through the hosted sign-in and their authenticator app; the ID token says so in acr and amr', async () => {
        const verifier = client.randomPKCECodeVerifier();
        const state = client.randomState();
        nonce = client.randomNonce();
        const url = client.buildAuthorizationUrl(configuration, {
          redirect_uri: rp.redirectUri,
          scope: SCOPE,
          code_challenge: await client.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
          nonce,
        });
        await page.goto(url.href);
        expect(new URL(page.url()).origin, 'the hosted sign-in').to.equal(issuer);
        await signInOnPage(page, person.email, person.secret);
        await page.waitForURL(`${rp.redirectUri}?**`);
        tokens = await client.authorizationCodeGrant(configuration, new URL(page.url()), {
          pkceCodeVerifier: verifier,
          expectedState: state,
          expectedNonce: nonce,
          idTokenExpected: true,
        });
        idToken = tokens.id_token!;
        const claims = tokens.claims()!;
        expect(claims.sub).to.equal(person.id);
        expect(claims.iss).to.equal(issuer);
        expect(claims.aud).to.equal(rp.id);
        expect(claims['amr']).to.include.members(['pwd', 'otp']);
        expect(claims['acr']).to.be.a('string').and.not.equal('');
        expect(tokens.refresh_token, 'a refresh token for offline_access').to.be.a('string');
      });

      it('hands go-oidc an ID token it verifies by discovery and our JWKS: signature, issuer, audience, expiry and nonce', async () => {
        const verdict = await runGoRp(goRp, { issuer, clientId: rp.id, nonce, idToken });
        expect(verdict, JSON.stringify(verdict)).to.include({ ok: true, issuer, subject: person.id });
        expect(verdict.audience).to.deep.equal([rp.id]);
        expect(verdict.amr).to.include.members(['pwd', 'otp']);
        // And refuses what is not for it, or not as sent.
        expect(await runGoRp(goRp, { issuer, clientId: 'another-client', idToken })).to.include({ ok: false, stage: 'verify' });
        expect(await runGoRp(goRp, { issuer, clientId: rp.id, nonce: 'another-nonce', idToken })).to.include({ ok: false, stage: 'nonce' });
        const [header, payload, signature] = idToken.split('.');
        const altered = Buffer.from(JSON.stringify({ ...decodeJwt(idToken), sub: 'someone-else' })).toString('base64url');
        expect(await runGoRp(goRp, { issuer, clientId: rp.id, idToken: `${header}.${altered}.${signature}` })).to.include({ ok: false, stage: 'verify' });
        expect(payload).to.be.a('string');
      });

      it('gives go-oidc a code of its own, at once from the provider session, which it exchanges with its PKCE verifier', async () => {
        const verifier = client.randomPKCECodeVerifier();
        const state = client.randomState();
        const url = client.buildAuthorizationUrl(configuration, {
          redirect_uri: rp.redirectUri,
          scope: 'openid email',
          code_challenge: await client.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
          nonce: 'go-oidc-nonce',
        });
        await page.goto(url.href);
        await page.waitForURL(`${rp.redirectUri}?**`);
        const code = new URL(page.url()).searchParams.get('code')!;
        expect(code, page.url()).to.be.a('string');
        const verdict = await runGoRp(goRp, {
          issuer,
          clientId: rp.id,
          clientSecret: rp.secret,
          nonce: 'go-oidc-nonce',
          code: { code, verifier, redirectUri: rp.redirectUri },
        });
        expect(verdict, JSON.stringify(verdict)).to.include({
          ok: true,
          exchanged: true,
          subject: person.id,
          userinfo_subject: person.id,
          userinfo_email: person.email,
        });
      });

      it('answers userinfo, and introspects the access token as active; ValidateToken takes it as the person', async () => {
        const info = await client.fetchUserInfo(configuration, tokens.access_token, person.id);
        expect(info).to.include({ sub: person.id, email: person.email, email_verified: true });
        expect(await client.tokenIntrospection(configuration, tokens.access_token)).to.include({ active: true, sub: person.id, client_id: rp.id });
        expect((await stack.server.api.validateToken({ token: tokens.access_token })).clientId).to.equal(person.id);
      });

      it('rotates the refresh token: the new one works; the old one, used again, is refused and revokes the grant', async () => {
        const first = tokens.refresh_token!;
        const refreshed = await client.refreshTokenGrant(configuration, first);
        expect(refreshed.access_token).to.not.equal(tokens.access_token);
        expect(refreshed.refresh_token).to.be.a('string').and.not.equal(first);
        expect((await stack.server.api.validateToken({ token: refreshed.access_token })).clientId).to.equal(person.id);
        expect(await oauthErrorOf(client.refreshTokenGrant(configuration, first))).to.equal('invalid_grant');
        expect(await oauthErrorOf(client.refreshTokenGrant(configuration, refreshed.refresh_token!))).to.equal('invalid_grant');
      });

      it('signs the same browser in again once its grant is revoked, from the provider session, with no consent page to ask', async () => {
        fresh = await signInAgainSilently();
        expect(fresh.claims()?.sub).to.equal(person.id);
        expect(fresh.refresh_token).to.be.a('string');
      });

      it('revokes a refresh token: introspection says inactive, and it refreshes nothing', async () => {
        expect((await client.tokenIntrospection(configuration, fresh.refresh_token!)).active).to.equal(true);
        await client.tokenRevocation(configuration, fresh.refresh_token!);
        expect((await client.tokenIntrospection(configuration, fresh.refresh_token!)).active).to.equal(false);
        expect(await oauthErrorOf(client.refreshTokenGrant(configuration, fresh.refresh_token!))).to.equal('invalid_grant');
      });

      it('signs out at the RP-initiated logout, back to the registered page, and our own session ends too', async () => {
        // Signed in at the hosted pages until now.
        await page.goto(`${issuer}/account`);
        expect(new URL(page.url()).pathname).to.equal('/account');
        const url = client.buildEndSessionUrl(configuration, { id_token_hint: idToken, post_logout_redirect_uri: rp.postLogoutRedirectUri, state: 'bye' });
        await page.goto(url.href);
        const confirm = page.getByRole('button', { name: /sign out|yes/i });
        if (!page.url().startsWith(rp.postLogoutRedirectUri) && (await confirm.count()) > 0) await confirm.first().click();
        await page.waitForURL(`${rp.postLogoutRedirectUri}?**`);
        expect(new URL(page.url()).searchParams.get('state')).to.equal('bye');
        await page.goto(`${issuer}/account`);
        expect(new URL(page.url()).pathname).to.equal('/sign-in');
      });
    });

    describe('oauth2-proxy in front of an upstream', () => {
      let upstream: Upstream;
      let proxy: RunningOAuth2Proxy;
      let person: { id: string; email: string; secret: string };
      let context: BrowserContext;
      let page: Page;

      before(async () => {
        upstream = await startUpstream();
        const port = proxyPort;
        const rp = await registerRp(stack, { redirectUri: oauth2ProxyRedirectUri(port), postLogoutRedirectUri: `http://127.0.0.1:${port}/` });
        proxy = await startOAuth2Proxy({
          binary: oauth2ProxyBinary,
          issuer,
          clientId: rp.id,
          clientSecret: rp.secret,
          upstream: upstream.url,
          port,
          cookieRefresh: '1s',
          scope: SCOPE,
        });
        person = await personWithTotp(stack, 'oidc-proxy');
        context = await browser.newContext();
        page = await context.newPage();
      });
      after(async () => {
        await context?.close();
        await proxy?.stop();
        await upstream?.close();
      });

      it('sends Chromium to our sign-in, and after it to the upstream, as the person', async () => {
        await page.goto(`${proxy.url}/dashboard`);
        expect(new URL(page.url()).origin, 'the hosted sign-in').to.equal(issuer);
        await signInOnPage(page, person.email, person.secret);
        await page.waitForURL(`${proxy.url}/dashboard`);
        expect(await page.locator('h1').textContent()).to.equal(UPSTREAM_GREETING);
        expect(upstream.requests.find((request) => request.path === '/dashboard')).to.include({ email: person.email, user: person.id });
      });

      it('refuses the person at its next refresh once they are suspended, and from then on the upstream is not reached', async () => {
        // Refreshed while active: the session survives oauth2-proxy's refresh.
        await eventually(
          async () => {
            await page.reload();
            return proxy.output().includes('Refreshing session');
          },
          {
            what: 'a refresh by oauth2-proxy',
            timeoutMs: 15000,
            intervalMs: 300,
          },
        );
        expect(await page.locator('h1').textContent()).to.equal(UPSTREAM_GREETING);
        await stack.server.api.suspendClient({ clientId: person.id, reason: 'left the company' }, { token: await stack.adminToken() });
        // Until its session is older than --cookie-refresh oauth2-proxy asks nobody; then it refreshes, and is refused.
        await eventually(
          async () => {
            await page.goto(`${proxy.url}/dashboard`);
            return new URL(page.url()).origin === issuer;
          },
          {
            what: () => `oauth2-proxy to send the suspended person to sign in again; it logged:\n${proxy.output()}`,
            timeoutMs: 15000,
            intervalMs: 300,
          },
        );
        expect(proxy.output()).to.match(/invalid_grant/);
        const reached = upstream.requests.length;
        await page.goto(`${proxy.url}/dashboard`);
        expect(new URL(page.url()).origin).to.equal(issuer);
        expect(upstream.requests.length, 'requests the upstream saw once refused').to.equal(reached);
        expect((await failure(stack.server.api.login({ email: person.email, password: PASSWORD }))).reason).to.equal('CLIENT_SUSPENDED');
      });
    });
  });
