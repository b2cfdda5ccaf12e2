import { expect } from 'chai';
import { skipOrFailInCI } from '../../support/skip-or-fail.js';
import { CookieClient } from '../bridge/bridge-fixture.js';
import { ADMIN, type GatewayService, startGatewayService, suspend } from './gateway-fixture.js';
import { type EchoUpstream, type GatewayName, gatewayBinary, type RunningGateway, startEchoUpstream, startGateway } from './real-gateways.js';

const SPOOFED = { 'X-Client-Id': 'someone-else', 'X-Client-Groups': 'admin', 'X-Client-Kind': 'service', 'X-Session-Id': 'forged' };

for (const name of ['nginx', 'caddy'] as const satisfies readonly GatewayName[]) {
  describe(`${name === 'nginx' ? 'NGINX (auth_request)' : 'Caddy (forward_auth)'} with the shipped deploy/gateways config, in front of an application`, function () {
    this.timeout(60000);
    let service: GatewayService;
    let upstream: EchoUpstream;
    let gateway: RunningGateway;

    before(async function () {
      const bin = gatewayBinary(name);
      if (bin === null) skipOrFailInCI(this, `${name} is not installed (apt-get install ${name}; .ci/run does it)`);
      service = await startGatewayService(this, 'embedded', 'in-process', `gateway-${name}`);
      upstream = await startEchoUpstream();
      gateway = await startGateway(name, bin!, `127.0.0.1:${service.bridge.port}`, upstream.address);
    });
    after(async () => {
      await gateway?.stop();
      await upstream?.close();
      await service?.close();
    });

    /** A browser that registers and logs in through the gateway, and keeps its cookies. */
    const loggedInBrowser = async () => {
      const browser = new CookieClient(gateway.url);
      const email = `${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.com`;
      const password = 'a gateway password';
      expect((await browser.post('/register', { email, password, first_name: 'A', last_name: 'B' })).status).to.equal(201);
      const login = await browser.post('/login', { email, password });
      expect(login.status, gateway.log()).to.equal(200);
      return { browser, id: login.body.client.id as string };
    };
    /** A plain request with the browser's access cookie: NGINX's error pages are HTML, not JSON. */
    const withCookie = (browser: CookieClient, path: string) => fetch(gateway.url + path, { headers: { Cookie: `token=${browser.cookie('token')}` } });
    const reachedUpstream = async (send: () => Promise<{ status: number }>) => {
      const before = upstream.requests.length;
      const response = await send();
      return { status: response.status, reached: upstream.requests.length > before };
    };

    it('passes a logged-in browser with its cookie: the application sees its client id, kind, groups and session', async () => {
      const { browser, id } = await loggedInBrowser();
      const page = await browser.get('/app/page');
      expect(page.status, gateway.log()).to.equal(200);
      expect(page.body.path).to.equal('/app/page');
      expect(page.body.headers).to.include({ 'x-client-id': id, 'x-client-kind': 'user', 'x-client-groups': 'user' });
      expect(page.body.headers['x-session-id']).to.match(/^[0-9a-f-]{36}$/);
    });

    it('never lets a spoofed X-Client-* or X-Session-Id reach the application', async () => {
      const { browser, id } = await loggedInBrowser();
      const page = await browser.get('/app/page', { headers: SPOOFED });
      expect(page.status).to.equal(200);
      expect(page.body.headers).to.include({ 'x-client-id': id, 'x-client-kind': 'user', 'x-client-groups': 'user' });
      expect(page.body.headers['x-session-id']).to.not.equal('forged');
      const anonymous = await reachedUpstream(() => fetch(`${gateway.url}/app/page`, { headers: SPOOFED }));
      expect(anonymous).to.deep.equal({ status: 401, reached: false });
    });

    if (name === 'caddy') {
      it('deletes every other X-Client-* header the client sent', async () => {
        const { browser } = await loggedInBrowser();
        const page = await browser.get('/app/page', { headers: { 'X-Client-Role': 'root', 'X-Client-Tenant': 'other' } });
        expect(page.body.headers).to.not.have.any.keys('x-client-role', 'x-client-tenant');
      });
    }

    it('answers 401 without a cookie, and the request never reaches the application', async () => {
      let answer: Response | undefined;
      expect(await reachedUpstream(async () => (answer = await fetch(`${gateway.url}/app/page`)))).to.deep.equal({ status: 401, reached: false });
      if (name === 'caddy') {
        // Caddy hands client-auth's answer over as it is; NGINX answers with its own error page.
        expect(answer!.headers.get('www-authenticate')).to.equal('Bearer error="invalid_token"');
        expect(await answer!.json()).to.deep.equal({ message: 'a token is required', reason: 'TOKEN_MISSING' });
      }
    });

    it('guards the ?group=admin location: 403 for a user, 200 for an admin', async () => {
      const { browser } = await loggedInBrowser();
      expect(await reachedUpstream(() => withCookie(browser, '/admin/panel'))).to.deep.equal({ status: 403, reached: false });
      const admin = await fetch(`${gateway.url}/admin/panel`, { headers: { Authorization: `Bearer ${service.adminToken}` } });
      expect(admin.status).to.equal(200);
      expect(((await admin.json()) as { headers: Record<string, string> }).headers['x-client-groups']!.split(',')).to.include('admin');
    });

    it("never turns the request's own query string into a requirement: the application's ?group=, ?kind=, ?Group= pass to it as they were", async () => {
      const { browser } = await loggedInBrowser();
      for (const query of ['?group=admin', '?kind=service', '?second_factor=true', '?Group=admin&page=2', '?group=']) {
        const answer = await reachedUpstream(() => withCookie(browser, `/app/page${query}`));
        expect(answer, `${query}: ${gateway.log()}`).to.deep.equal({ status: 200, reached: true });
      }
    });

    it('refuses a suspended client with 401 on its next request', async () => {
      const { browser, id } = await loggedInBrowser();
      expect((await browser.get('/app/page')).status).to.equal(200);
      await suspend(service, id);
      expect(await reachedUpstream(() => withCookie(browser, '/app/page'))).to.deep.equal({ status: 401, reached: false });
    });

    it('refuses a logged-out session with 401, even with the old cookie replayed', async () => {
      const { browser } = await loggedInBrowser();
      const token = browser.cookie('token')!;
      expect((await browser.post('/logout')).status).to.equal(204);
      const replay = () => fetch(`${gateway.url}/app/page`, { headers: { Cookie: `token=${token}` } });
      expect(await reachedUpstream(replay)).to.deep.equal({ status: 401, reached: false });
    });

    it('keeps the admin able to log in through it', async () => {
      expect((await new CookieClient(gateway.url).post('/login', ADMIN)).status).to.equal(200);
    });
  });
}
