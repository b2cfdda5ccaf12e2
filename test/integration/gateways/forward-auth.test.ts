import { request } from 'node:http';
import { expect } from 'chai';
import { REASONS } from '../../../src/domain/kernel/errors.js';
import { CookieClient } from '../bridge/bridge-fixture.js';
import { ADMIN, BRIDGE_MODES, browserLogin, type GatewayService, type LoggedIn, logout, startGatewayService, suspend } from './gateway-fixture.js';

/** Asks /auth as a gateway does: server to server, with the headers of the request it guards. */
async function ask(service: GatewayService, path: string, headers: Record<string, string> = {}, method = 'GET') {
  const response = await fetch(service.bridge.url + path, { method, headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

/** Asks /auth with header lines exactly as given: repeated names stay repeated, which fetch would join. */
function askRaw(service: GatewayService, path: string, headers: Record<string, string | string[]>): Promise<{ status: number; reason: string | undefined }> {
  return new Promise((resolve, reject) => {
    const call = request(service.bridge.url + path, { headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, reason: text === '' ? undefined : (JSON.parse(text) as { reason: string }).reason }),
      );
    });
    call.on('error', reject);
    call.end();
  });
}

for (const mode of BRIDGE_MODES) {
  describe(`Forward auth, GET /auth (token check ${mode === 'grpc' ? 'over gRPC' : 'in process'})`, function () {
    this.timeout(30000);
    let service: GatewayService;
    let user: LoggedIn;

    before(async function () {
      service = await startGatewayService(this, 'embedded', mode, 'forward-auth');
      user = await browserLogin(service);
    });
    after(async () => service?.close());

    it('answers 200 with the identity headers for the token cookie, with no body, no cookie and no caching', async () => {
      const answer = await ask(service, '/auth', { Cookie: `token=${user.token}` });
      expect(answer.status).to.equal(200);
      expect(answer.headers.get('x-client-id')).to.equal(user.id);
      expect(answer.headers.get('x-client-kind')).to.equal('user');
      expect(answer.headers.get('x-client-groups')).to.equal('user');
      expect(answer.headers.get('x-session-id')).to.match(/^[0-9a-f-]{36}$/);
      expect(answer.headers.get('cache-control')).to.equal('no-store');
      expect(answer.headers.getSetCookie()).to.deep.equal([]);
      expect(answer.body).to.equal(undefined);
    });

    it('reads Authorization: Bearer too, and answers whatever method the gateway forwards', async () => {
      for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH']) {
        const answer = await ask(service, '/auth', { Authorization: `Bearer ${user.token}` }, method);
        expect(answer.status, method).to.equal(200);
        expect(answer.headers.get('x-client-id'), method).to.equal(user.id);
      }
    });

    it('answers 401 TOKEN_MISSING with WWW-Authenticate and the JSON error body when there is no token', async () => {
      const answer = await ask(service, '/auth');
      expect(answer.status).to.equal(401);
      expect(answer.headers.get('www-authenticate')).to.equal('Bearer error="invalid_token"');
      expect(answer.body).to.deep.equal({ message: 'a token is required', reason: 'TOKEN_MISSING' });
      expect(answer.headers.get('x-client-id')).to.equal(null);
    });

    it('answers 401 TOKEN_INVALID for a forged token and for an Authorization header that is not Bearer', async () => {
      const forged = `${user.token.slice(0, -4)}AAAA`;
      expect((await ask(service, '/auth', { Cookie: `token=${forged}` })).body.reason).to.equal('TOKEN_INVALID');
      expect((await ask(service, '/auth', { Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` })).body.reason).to.equal('TOKEN_INVALID');
    });

    it('answers 401 TOKEN_INVALID to two Authorization headers, either one valid, as ext_authz does', async () => {
      const other = `${user.token.slice(0, -4)}AAAA`;
      for (const pair of [
        [`Bearer ${user.token}`, `Bearer ${other}`],
        [`Bearer ${other}`, `Bearer ${user.token}`],
        [`Bearer ${user.token}`, `Bearer ${user.token}`],
      ]) {
        expect(await askRaw(service, '/auth', { Authorization: pair })).to.deep.equal({ status: 401, reason: 'TOKEN_INVALID' });
      }
      expect((await askRaw(service, '/auth', { Authorization: `Bearer ${user.token}` })).status).to.equal(200);
    });

    it('is not refused by the cross-site guard: gateways call it server to server, whatever the Origin', async () => {
      const answer = await ask(
        service,
        '/auth',
        { Cookie: `token=${user.token}`, Origin: 'https://elsewhere.example', 'Sec-Fetch-Site': 'cross-site' },
        'POST',
      );
      expect(answer.status).to.equal(200);
    });

    it('applies ?group=: 403 PERMISSION_DENIED for a user, 200 for an admin', async () => {
      const denied = await ask(service, '/auth?group=admin', { Cookie: `token=${user.token}` });
      expect(denied.status).to.equal(403);
      expect(denied.body).to.deep.equal({ message: 'this location needs the group admin', reason: 'PERMISSION_DENIED' });
      const admin = await ask(service, '/auth?group=admin', { Authorization: `Bearer ${service.adminToken}` });
      expect(admin.status).to.equal(200);
      expect(admin.headers.get('x-client-groups')!.split(',')).to.have.members(['user', 'admin']);
    });

    it('applies ?kind=: a user is refused where only services may pass', async () => {
      expect((await ask(service, '/auth?kind=service', { Cookie: `token=${user.token}` })).status).to.equal(403);
      expect((await ask(service, '/auth?kind=user', { Cookie: `token=${user.token}` })).status).to.equal(200);
    });

    it('enforces every ?group= it is given: a user is refused where both user and admin are asked for', async () => {
      const both = '/auth?group=user&group=admin';
      const denied = await ask(service, both, { Cookie: `token=${user.token}` });
      expect(denied.status).to.equal(403);
      expect(denied.body).to.deep.equal({ message: 'this location needs the group admin', reason: 'PERMISSION_DENIED' });
      expect((await ask(service, both, { Authorization: `Bearer ${service.adminToken}` })).status).to.equal(200);
    });

    it('answers 500 GATEWAY_MISCONFIGURED, with an error line naming the mistake, for a requirement it does not understand: never 200', async () => {
      const mistakes = ['?Group=admin', '?group[]=admin', '?groups=admin', '?group=', '?group', '?second_factor=', '?kind=', '?=admin'];
      const invalid = ['?kind=robot', '?second_factor=yes', '?group=Admin!', '?kind=user&kind=service', '?second_factor=true&second_factor=true'];
      for (const query of [...mistakes, ...invalid]) {
        const logged = service.bridge.logs.length;
        const answer = await ask(service, `/auth${query}`, { Cookie: `token=${user.token}` });
        expect(answer.status, query).to.equal(500);
        expect(answer.body, query).to.deep.equal({ message: REASONS.GATEWAY_MISCONFIGURED.message, reason: 'GATEWAY_MISCONFIGURED' });
        expect(answer.headers.get('x-client-id'), query).to.equal(null);
        const lines = service.bridge.logs.slice(logged).map((line) => JSON.parse(line) as Record<string, string>);
        const line = lines.find((entry) => entry['reason'] === 'GATEWAY_MISCONFIGURED');
        expect(line, `${query}: ${JSON.stringify(lines)}`).to.include({ level: 'error', method: 'ForwardAuth' });
        expect(line!['problem'], query).to.be.a('string').and.not.equal('');
        const key = /^\?([^=&]*)/.exec(query)![1]!;
        if (mistakes.includes(query) && key !== '') expect(line!['problem'], query).to.include(`"${key}"`);
      }
    });

    it('answers 401 SESSION_REVOKED once the user logged out, at once', async () => {
      const other = await browserLogin(service);
      await logout(other);
      const answer = await ask(service, '/auth', { Cookie: `token=${other.token}` });
      expect(answer.status).to.equal(401);
      expect(answer.body.reason).to.equal('SESSION_REVOKED');
    });

    it('answers 401 once the client is suspended, at once', async () => {
      const other = await browserLogin(service);
      expect((await ask(service, '/auth', { Cookie: `token=${other.token}` })).status).to.equal(200);
      await suspend(service, other.id);
      const answer = await ask(service, '/auth', { Cookie: `token=${other.token}` });
      expect(answer.status).to.equal(401);
      expect(answer.body.reason).to.equal('CLIENT_SUSPENDED');
    });

    it('leaves the other routes guarded: a login from another site is still refused', async () => {
      const browser = new CookieClient(service.bridge.url);
      expect((await browser.post('/login', ADMIN, { headers: { Origin: 'https://elsewhere.example' } })).status).to.equal(403);
    });
  });
}
