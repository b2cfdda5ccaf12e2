import { expect } from 'chai';
import { startTestServer, type TestServer, testEnv } from '../../support/server.js';
import { requireServices } from '../../support/services.js';
import { CookieClient, startBridgeFor, type TestBridge, WIRINGS } from './bridge-fixture.js';

const PASSWORD = 'correct horse battery';
const APP_ORIGIN = 'http://app.example.test';
const EVIL_ORIGIN = 'http://evil.example';

for (const wiring of WIRINGS)
  describe(`The bridge against cross-site requests (CSRF) and with CORS (${wiring} wiring)`, function () {
    this.timeout(20000);
    let server: TestServer;
    let bridge: TestBridge;
    let counter = 0;
    const email = () => `csrf${++counter}.${Date.now()}@example.com`;

    before(async function () {
      const services = requireServices(this);
      server = await startTestServer(testEnv(services, 'bridge_csrf'));
      bridge = await startBridgeFor(server, wiring, { CORS_ORIGINS: APP_ORIGIN });
    });
    after(async () => {
      await bridge?.close();
      await server?.close();
    });

    const evil = { Origin: EVIL_ORIGIN, 'Sec-Fetch-Site': 'cross-site' };

    async function loggedIn(): Promise<{ client: CookieClient; email: string }> {
      const client = new CookieClient(bridge.url);
      const address = email();
      await client.post('/register', { email: address, password: PASSWORD });
      expect((await client.post('/login', { email: address, password: PASSWORD })).status).to.equal(200);
      return { client, email: address };
    }

    describe('state-changing requests from another site', () => {
      it('refuses a login from a foreign origin with 403 CROSS_SITE_REQUEST and sets no cookie (login CSRF)', async () => {
        const { email: address } = await loggedIn();
        const response = await new CookieClient(bridge.url).post('/login', { email: address, password: PASSWORD }, { headers: evil });
        expect(response.status).to.equal(403);
        expect(response.body.reason).to.equal('CROSS_SITE_REQUEST');
        expect(response.cookies).to.deep.equal([]);
      });

      it('refuses a logout from a foreign origin, leaving the cookies and the session alone', async () => {
        const { client } = await loggedIn();
        const response = await client.post('/logout', undefined, { headers: evil });
        expect(response.status).to.equal(403);
        expect(response.body.reason).to.equal('CROSS_SITE_REQUEST');
        expect(response.cookies).to.deep.equal([]);
        expect((await client.get('/me')).status).to.equal(200);
      });

      it('refuses a registration from a foreign origin and stores nothing', async () => {
        const address = email();
        const response = await new CookieClient(bridge.url).post('/register', { email: address, password: PASSWORD }, { headers: { Origin: EVIL_ORIGIN } });
        expect(response.status).to.equal(403);
        expect(await server.db.collection('clients').countDocuments({ email: address })).to.equal(0);
      });

      it('refuses GET /refresh reached by a cross-site navigation (no Origin), keeping the refresh token valid', async () => {
        const { client } = await loggedIn();
        const before = client.cookie('refresh_token');
        const response = await client.get('/refresh', { headers: { 'Sec-Fetch-Site': 'cross-site' } });
        expect(response.status).to.equal(403);
        expect(client.cookie('refresh_token')).to.equal(before);
        expect((await client.post('/refresh')).status).to.equal(200);
      });

      it('refuses the same navigation to a variant spelling of /refresh', async () => {
        const { client } = await loggedIn();
        for (const path of ['/refresh/', '/Refresh']) {
          const response = await client.get(path, { headers: { Cookie: `refresh_token=${client.cookie('refresh_token')}`, 'Sec-Fetch-Site': 'cross-site' } });
          expect(response.status, path).to.equal(403);
        }
        expect((await client.post('/refresh')).status).to.equal(200);
      });

      it('refuses a same-site sibling whose origin is not allowed, and the opaque origin "null"', async () => {
        const { client } = await loggedIn();
        const sibling = await client.post('/delete', undefined, { headers: { Origin: 'http://other.example.test', 'Sec-Fetch-Site': 'same-site' } });
        const opaque = await client.post('/logout', undefined, { headers: { Origin: 'null' } });
        for (const response of [sibling, opaque]) {
          expect(response.status).to.equal(403);
          expect(response.body.reason).to.equal('CROSS_SITE_REQUEST');
        }
        expect((await client.get('/me')).status).to.equal(200);
      });
    });

    describe('requests the bridge accepts', () => {
      it('accepts a login from a configured origin and answers with credentialed CORS headers', async () => {
        const { email: address } = await loggedIn();
        const response = await new CookieClient(bridge.url).post(
          '/login',
          { email: address, password: PASSWORD },
          { headers: { Origin: APP_ORIGIN, 'Sec-Fetch-Site': 'same-site' } },
        );
        expect(response.status).to.equal(200);
        expect(response.headers.get('access-control-allow-origin')).to.equal(APP_ORIGIN);
        expect(response.headers.get('access-control-allow-credentials')).to.equal('true');
        expect(response.headers.get('vary')).to.match(/\bOrigin\b/);
        expect(response.cookies.map((cookie) => cookie.name)).to.deep.equal(['token', ...Array(5).fill('refresh_token')]);
      });

      it("accepts a request from the bridge's own origin, by Origin or by Sec-Fetch-Site: same-origin", async () => {
        const { client } = await loggedIn();
        expect((await client.post('/refresh', undefined, { headers: { Origin: bridge.url } })).status).to.equal(200);
        expect((await client.post('/refresh', undefined, { headers: { Origin: bridge.url, 'Sec-Fetch-Site': 'same-origin' } })).status).to.equal(200);
      });

      it('accepts a request with neither Origin nor Sec-Fetch-Site, as curl sends', async () => {
        const { client } = await loggedIn();
        expect((await client.post('/logout')).status).to.equal(204);
      });

      it('lets a foreign origin make a safe GET, but gives it no CORS header, so its page cannot read the answer', async () => {
        const { client } = await loggedIn();
        const response = await client.get('/me', { headers: { Origin: EVIL_ORIGIN } });
        expect(response.status).to.equal(200);
        expect(response.headers.get('access-control-allow-origin')).to.equal(null);
      });
    });

    describe('CORS preflight', () => {
      it('answers a preflight from a configured origin with 204 and the allowed methods and headers', async () => {
        const response = await new CookieClient(bridge.url).send('OPTIONS', '/login', {
          headers: { Origin: APP_ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
        });
        expect(response.status).to.equal(204);
        expect(response.headers.get('access-control-allow-origin')).to.equal(APP_ORIGIN);
        expect(response.headers.get('access-control-allow-credentials')).to.equal('true');
        expect(response.headers.get('access-control-allow-methods')).to.contain('POST');
        expect(response.headers.get('access-control-allow-headers')).to.match(/content-type/i);
      });

      it('refuses a preflight from any other origin, without CORS headers', async () => {
        const response = await new CookieClient(bridge.url).send('OPTIONS', '/login', {
          headers: { Origin: EVIL_ORIGIN, 'Access-Control-Request-Method': 'POST' },
        });
        expect(response.status).to.equal(403);
        expect(response.headers.get('access-control-allow-origin')).to.equal(null);
      });

      it('allows no origin at all when CORS_ORIGINS is not set', async () => {
        const closed = await startBridgeFor(server, wiring);
        try {
          const response = await new CookieClient(closed.url).post('/login', { email: email(), password: PASSWORD }, { headers: { Origin: APP_ORIGIN } });
          expect(response.status).to.equal(403);
          expect(response.headers.get('access-control-allow-origin')).to.equal(null);
        } finally {
          await closed.close();
        }
      });
    });
  });
