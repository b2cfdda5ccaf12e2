import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { ConfigError, loadConfig } from '../../../src/config/index.js';
import { SUITE_AS_PROXY, startTestServer, type TestServer, testEnv } from '../../support/server.js';
import { requireServices } from '../../support/services.js';
import { CookieClient, type SetCookie, startBridgeFor, type TestBridge, WIRINGS } from './bridge-fixture.js';

const PASSWORD = 'correct horse battery';
const ACCESS_MINUTES = 7;
const REFRESH_DAYS = 2;

for (const wiring of WIRINGS)
  describe(`The session cookies the bridge sets (${wiring} wiring)`, function () {
    this.timeout(20000);
    let server: TestServer;
    const bridges: TestBridge[] = [];
    let counter = 0;

    before(async function () {
      const services = requireServices(this);
      server = await startTestServer(
        testEnv(services, 'bridge_cookies', { JWT_TOKEN_EXP_MIN: String(ACCESS_MINUTES), REFRESH_TOKEN_EXP_DAYS: String(REFRESH_DAYS) }),
      );
    });
    after(async () => {
      for (const bridge of bridges) await bridge.close();
      await server?.close();
    });

    async function bridgeWith(env: Record<string, string> = {}): Promise<TestBridge> {
      const bridge = await startBridgeFor(server, wiring, env);
      bridges.push(bridge);
      return bridge;
    }

    /** Registers a user through `bridge` and logs in; returns the browser and the login's Set-Cookie headers. */
    async function login(bridge: TestBridge, headers: Record<string, string> = {}): Promise<{ client: CookieClient; cookies: SetCookie[] }> {
      const client = new CookieClient(bridge.url);
      const email = `cookie${++counter}.${Date.now()}@example.com`;
      expect((await client.post('/register', { email, password: PASSWORD })).status).to.equal(201);
      const response = await client.post('/login', { email, password: PASSWORD }, { headers });
      expect(response.status).to.equal(200);
      return { client, cookies: response.cookies };
    }

    const named = (cookies: SetCookie[], name: string) => {
      const cookie = cookies.find((candidate) => candidate.name === name);
      expect(cookie, `a Set-Cookie for ${name}`).to.not.equal(undefined);
      return cookie!;
    };

    it('puts the access token in an HttpOnly, SameSite=Lax cookie "token" on Path=/ whose Max-Age is the token lifetime in seconds', async () => {
      const bridge = await bridgeWith();
      const { cookies } = await login(bridge);
      const access = named(cookies, 'token');
      expect(access.attributes).to.include({ httponly: true, samesite: 'Lax', path: '/' });
      expect(access.attributes).not.to.have.any.keys('secure', 'domain', 'expires');
      const maxAge = Number(access.attributes['max-age']);
      expect(maxAge).to.be.within(ACCESS_MINUTES * 60 - 1, ACCESS_MINUTES * 60);
      const claims = jwt.decode(access.value) as { exp: number };
      expect(Math.abs(claims.exp - Math.floor(Date.now() / 1000) - maxAge)).to.be.at.most(2);
    });

    it('puts the refresh token in its own HttpOnly cookie scoped to /refresh, with Max-Age its lifetime', async () => {
      const bridge = await bridgeWith();
      const { cookies } = await login(bridge);
      const refresh = named(cookies, 'refresh_token');
      expect(refresh.attributes).to.include({ httponly: true, samesite: 'Lax', path: '/refresh' });
      expect(Number(refresh.attributes['max-age'])).to.be.within(REFRESH_DAYS * 86400 - 1, REFRESH_DAYS * 86400);
      expect(refresh.value).to.not.equal(named(cookies, 'token').value);
    });

    it("sends the same refresh cookie to the original service's /refresh-user-token and to the pages that keep a session (/account, /sign-out), and to no other path", async () => {
      const bridge = await bridgeWith();
      const { cookies } = await login(bridge);
      const refreshCookies = cookies.filter((cookie) => cookie.name === 'refresh_token');
      expect(refreshCookies.map((cookie) => cookie.attributes['path'])).to.deep.equal(['/refresh', '/refresh-user-token', '/account', '/admin', '/sign-out']);
      expect(new Set(refreshCookies.map((cookie) => cookie.value)).size).to.equal(1);
      for (const cookie of refreshCookies) expect(cookie.attributes).to.include({ httponly: true, samesite: 'Lax' });
    });

    it('keeps the refresh cookie off the pages paths when the pages are off (UI_ENABLED=false)', async () => {
      const bridge = await bridgeWith({ UI_ENABLED: 'false' });
      const { cookies } = await login(bridge);
      const paths = cookies.filter((cookie) => cookie.name === 'refresh_token').map((cookie) => cookie.attributes['path']);
      expect(paths).to.deep.equal(['/refresh', '/refresh-user-token']);
    });

    it('marks both cookies Secure, on login and on logout, when COOKIE_SECURE is set', async () => {
      const bridge = await bridgeWith({ COOKIE_SECURE: 'true' });
      const { client, cookies } = await login(bridge);
      const logout = await client.post('/logout', undefined, { headers: { Cookie: `token=${named(cookies, 'token').value}` } });
      for (const cookie of [...cookies, ...logout.cookies]) expect(cookie.attributes['secure'], cookie.name).to.equal(true);
      expect(logout.cookies.map((cookie) => cookie.name)).to.deep.equal(['token', ...Array(5).fill('refresh_token')]);
    });

    it('marks the cookies Secure behind a TLS-terminating proxy only when BRIDGE_TRUST_PROXY says to believe it, and TRUSTED_PROXY_CIDRS lists it', async () => {
      const trusting = await bridgeWith({ BRIDGE_TRUST_PROXY: 'true', ...SUITE_AS_PROXY });
      const behindTls = await login(trusting, { 'X-Forwarded-Proto': 'https' });
      expect(named(behindTls.cookies, 'token').attributes['secure']).to.equal(true);

      for (const untrusting of [await bridgeWith(), await bridgeWith({ BRIDGE_TRUST_PROXY: 'true', TRUSTED_PROXY_CIDRS: '192.0.2.0/24' })]) {
        const spoofed = await login(untrusting, { 'X-Forwarded-Proto': 'https' });
        expect(named(spoofed.cookies, 'token').attributes).not.to.have.property('secure');
      }
    });

    it('uses __Host-token and __Secure-refresh_token with COOKIE_HOST_PREFIX, and reads only the prefixed cookie back', async () => {
      const bridge = await bridgeWith({ COOKIE_SECURE: 'true', COOKIE_HOST_PREFIX: 'true' });
      const { cookies } = await login(bridge);
      const access = named(cookies, '__Host-token');
      expect(access.attributes).to.include({ secure: true, path: '/' });
      expect(access.attributes).not.to.have.property('domain');
      expect(named(cookies, '__Secure-refresh_token').attributes).to.include({ secure: true, path: '/refresh' });

      const me = new CookieClient(bridge.url);
      expect((await me.get('/me', { headers: { Cookie: `__Host-token=${access.value}` } })).status).to.equal(200);
      const unprefixed = await me.get('/me', { headers: { Cookie: `token=${access.value}` } });
      expect(unprefixed.status).to.equal(401);
      expect(unprefixed.body.reason).to.equal('TOKEN_MISSING');
    });

    it('uses the access cookie name ACCESS_COOKIE_NAME gives', async () => {
      const bridge = await bridgeWith({ ACCESS_COOKIE_NAME: 'session' });
      const { client, cookies } = await login(bridge);
      expect(cookies.map((cookie) => cookie.name)).to.deep.equal(['session', ...Array(5).fill('refresh_token')]);
      expect((await client.get('/me')).status).to.equal(200);
    });

    it('refuses to start with COOKIE_HOST_PREFIX but without COOKIE_SECURE, or with a cookie name that is not a token', () => {
      expect(() => loadConfig({ COOKIE_HOST_PREFIX: 'true' })).to.throw(ConfigError, /COOKIE_HOST_PREFIX.*COOKIE_SECURE/);
      expect(() => loadConfig({ ACCESS_COOKIE_NAME: 'to ken;' })).to.throw(ConfigError, /ACCESS_COOKIE_NAME/);
      expect(() => loadConfig({ REFRESH_COOKIE_NAME: '__Host-refresh' })).to.throw(ConfigError, /REFRESH_COOKIE_NAME/);
    });
  });
