/** The bridge's routes of a signed-in user's own account, over plain HTTP with cookies, as an account page calls them. */
import { expect } from 'chai';
import { ADMIN, PASSWORD } from '../../support/factor-fixture.js';
import { setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { CookieClient, startBridgeFor, type TestBridge, WIRINGS } from './bridge-fixture.js';

const EVIL = { Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' };
const LAPTOP = { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0' };
const PHONE = { 'User-Agent': 'Mozilla/5.0 (iPhone) Safari/605.1.15' };

for (const wiring of WIRINGS)
  describe(`The bridge's account routes (${wiring} wiring)`, function () {
    this.timeout(30000);
    let server: TestServer;
    let bridge: TestBridge;
    let counter = 0;

    before(async function () {
      server = await startTestServer(setupEnv('embedded', this, 'bridge_account', { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }));
      bridge = await startBridgeFor(server, wiring, { CORS_ORIGINS: 'http://app.example' });
    });
    after(async () => {
      await bridge?.close();
      await server?.close();
    });

    /** A user signed in through the bridge in two browsers: the laptop's and the phone's. */
    async function userInTwoBrowsers() {
      const email = `bridge-account${++counter}.${Date.now()}@example.com`;
      const laptop = new CookieClient(bridge.url);
      expect((await laptop.post('/register', { email, password: PASSWORD, first_name: 'Ada' })).status).to.equal(201);
      expect((await laptop.post('/login', { email, password: PASSWORD }, { headers: LAPTOP })).status).to.equal(200);
      const phone = new CookieClient(bridge.url);
      expect((await phone.post('/login', { email, password: PASSWORD }, { headers: PHONE })).status).to.equal(200);
      const id = (await laptop.get('/me')).body.client.id as string;
      return { email, id, laptop, phone };
    }

    describe('profile', () => {
      it('changes the names a PATCH /me gives, in either spelling, and keeps the others', async () => {
        const { laptop } = await userInTwoBrowsers();
        const changed = await laptop.patch('/me', { first_name: 'Grace', lastName: 'Hopper' });
        expect(changed.status).to.equal(200);
        expect(changed.body.client).to.include({ first_name: 'Grace', last_name: 'Hopper' });
        const onlyLast = await laptop.patch('/me', { last_name: 'Murray Hopper', first_name: null });
        expect(onlyLast.body.client).to.include({ first_name: 'Grace', last_name: 'Murray Hopper' });
        expect((await laptop.get('/me')).body.client).to.include({ first_name: 'Grace', last_name: 'Murray Hopper' });
      });

      it('refuses a bad name, an unknown field and a field of the wrong type with 400 naming it, and another site with 403', async () => {
        const { laptop } = await userInTwoBrowsers();
        const tooLong = await laptop.patch('/me', { first_name: 'x'.repeat(101) });
        expect(tooLong.status).to.equal(400);
        expect(tooLong.body).to.include({ reason: 'INVALID_ARGUMENT', field: 'first_name' });
        const camel = await laptop.patch('/me', { firstName: 'x'.repeat(101) });
        expect(camel.body).to.include({ field: 'firstName' });
        const unknown = await laptop.patch('/me', { email: 'new@example.com' });
        expect(unknown.status).to.equal(400);
        expect(unknown.body).to.include({ field: 'email' });
        const wrongType = await laptop.patch('/me', { last_name: 7 });
        expect(wrongType.body).to.include({ field: 'last_name' });
        const crossSite = await laptop.patch('/me', { first_name: 'Mallory' }, { headers: EVIL });
        expect(crossSite.status).to.equal(403);
        expect(crossSite.body.reason).to.equal('CROSS_SITE_REQUEST');
        expect((await laptop.get('/me')).body.client).to.include({ first_name: 'Ada' });
      });

      it('lets a configured origin send PATCH after a CORS preflight', async () => {
        const preflight = await fetch(`${bridge.url}/me`, {
          method: 'OPTIONS',
          headers: { Origin: 'http://app.example', 'Access-Control-Request-Method': 'PATCH' },
        });
        expect(preflight.status).to.equal(204);
        expect(preflight.headers.get('access-control-allow-methods')).to.contain('PATCH');
      });
    });

    describe('sessions', () => {
      it("lists the signed-in user's sessions with the browser and address of their last use, and marks the one asking", async () => {
        const { laptop } = await userInTwoBrowsers();
        const listed = await laptop.get('/me/sessions');
        expect(listed.status).to.equal(200);
        expect(listed.headers.get('cache-control')).to.equal('no-store');
        expect(listed.body.sessions.map((session: { user_agent: string; current: boolean }) => [session.user_agent, session.current])).to.deep.equal([
          [PHONE['User-Agent'], false],
          [LAPTOP['User-Agent'], true],
        ]);
        expect(listed.body.sessions[0])
          .to.include({ client_ip: '127.0.0.1' })
          .and.have.all.keys('id', 'create_time', 'last_use_time', 'expire_time', 'user_agent', 'client_ip', 'amr', 'current');
        expect((await new CookieClient(bridge.url).get('/me/sessions')).status).to.equal(401);
      });

      it("signs another browser out: its next request is refused and its refresh cookie no longer works; the user's own session stays", async () => {
        const { laptop, phone } = await userInTwoBrowsers();
        const phoneSession = (await laptop.get('/me/sessions')).body.sessions.find((session: { current: boolean }) => !session.current).id as string;
        const ended = await laptop.delete(`/me/sessions/${phoneSession}`);
        expect(ended.status).to.equal(204);
        expect(ended.cookies).to.deep.equal([]);
        const refused = await phone.get('/me');
        expect(refused.status).to.equal(401);
        expect(refused.body.reason).to.equal('SESSION_REVOKED');
        expect((await phone.post('/refresh')).status).to.equal(401);
        expect((await laptop.get('/me')).status).to.equal(200);
      });

      it('signs the browser asking out when it ends its own session, and clears its cookies', async () => {
        const { laptop, phone } = await userInTwoBrowsers();
        const own = (await laptop.get('/me/sessions')).body.sessions.find((session: { current: boolean }) => session.current).id as string;
        const ended = await laptop.delete(`/me/sessions/${own}`);
        expect(ended.status).to.equal(204);
        expect(ended.cookies.map((cookie) => [cookie.name, cookie.attributes['max-age']])).to.deep.include(['token', '0']);
        expect(laptop.cookie('token')).to.equal(undefined);
        expect((await phone.get('/me')).status).to.equal(200);
      });

      it("answers another user's session 404 SESSION_NOT_FOUND and a malformed id 400 naming it", async () => {
        const { laptop } = await userInTwoBrowsers();
        const stranger = await userInTwoBrowsers();
        const theirs = (await stranger.laptop.get('/me/sessions')).body.sessions[0].id as string;
        const refused = await laptop.delete(`/me/sessions/${theirs}`);
        expect(refused.status).to.equal(404);
        expect(refused.body.reason).to.equal('SESSION_NOT_FOUND');
        expect((await stranger.laptop.get('/me')).status).to.equal(200);
        const malformed = await laptop.delete('/me/sessions/not-a-session');
        expect(malformed.status).to.equal(400);
        expect(malformed.body).to.include({ reason: 'INVALID_ARGUMENT', field: 'id' });
      });

      it('signs every other browser out and says how many', async () => {
        const { email, laptop, phone } = await userInTwoBrowsers();
        const tablet = new CookieClient(bridge.url);
        await tablet.post('/login', { email, password: PASSWORD });
        const ended = await laptop.post('/me/sessions/end-others');
        expect(ended.status).to.equal(200);
        expect(ended.body).to.deep.equal({ ended_session_count: 2 });
        expect((await phone.get('/me')).status).to.equal(401);
        expect((await tablet.get('/me')).status).to.equal(401);
        expect((await laptop.get('/me')).status).to.equal(200);
        const withBody = await laptop.post('/me/sessions/end-others', { id: 'x' });
        expect(withBody.status).to.equal(400);
        expect(withBody.body.field).to.equal('id');
      });

      it('refuses to end sessions for a request from another site, with 403 CROSS_SITE_REQUEST', async () => {
        const { laptop, phone } = await userInTwoBrowsers();
        const phoneSession = (await phone.get('/me/sessions')).body.sessions.find((session: { current: boolean }) => session.current).id as string;
        for (const refused of [
          await laptop.delete(`/me/sessions/${phoneSession}`, { headers: EVIL }),
          await laptop.post('/me/sessions/end-others', {}, { headers: EVIL }),
        ]) {
          expect(refused.status).to.equal(403);
          expect(refused.body.reason).to.equal('CROSS_SITE_REQUEST');
        }
        expect((await phone.get('/me')).status).to.equal(200);
      });
    });

    describe('deleting the account', () => {
      it('deletes the signed-in user once its password is re-entered with POST /me/delete, and signs every browser out', async () => {
        const { email, id, laptop, phone } = await userInTwoBrowsers();
        const deleted = await laptop.post('/me/delete', { password: PASSWORD });
        expect(deleted.status).to.equal(200);
        expect(deleted.body.deletion_request).to.include({ client_id: id, requested_by: id });
        expect(deleted.cookies.map((cookie) => [cookie.name, cookie.attributes['max-age']])).to.deep.include(['token', '0']);
        expect((await phone.get('/me')).body.reason).to.equal('CLIENT_DELETED');
        expect((await new CookieClient(bridge.url).post('/login', { email, password: PASSWORD })).status).to.equal(401);
      });

      it('refuses a wrong password with 401 and keeps the user signed in; a missing one, another field and another site too', async () => {
        const { laptop } = await userInTwoBrowsers();
        const wrong = await laptop.post('/me/delete', { password: 'not the password' });
        expect(wrong.status).to.equal(401);
        expect(wrong.body.reason).to.equal('INVALID_CREDENTIALS');
        expect(wrong.cookies).to.deep.equal([]);
        expect((await laptop.get('/me')).status).to.equal(200);
        const missing = await laptop.post('/me/delete', {});
        expect(missing.status).to.equal(400);
        expect(missing.body).to.include({ reason: 'INVALID_ARGUMENT', field: 'password' });
        expect((await laptop.post('/me/delete', { password: PASSWORD, id: 'someone-else' })).body).to.include({ field: 'id' });
        const crossSite = await laptop.post('/me/delete', { password: PASSWORD }, { headers: EVIL });
        expect(crossSite.status).to.equal(403);
        expect((await laptop.get('/me')).status).to.equal(200);
      });
    });
  });
