/** The second-factor routes of the bridge over plain HTTP: the MFA_REQUIRED answer, bad input, the cross-site guard, and the admin reset. */
import { expect } from 'chai';
import { ADMIN, PASSWORD, storedFactors, totpCode } from '../../support/factor-fixture.js';
import { setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { CookieClient, startBridgeFor, type TestBridge, WIRINGS } from './bridge-fixture.js';

const EVIL = { Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' };

for (const wiring of WIRINGS)
  describe(`The bridge's second-factor routes (${wiring} wiring)`, function () {
    this.timeout(30000);
    let server: TestServer;
    let bridge: TestBridge;
    let counter = 0;

    before(async function () {
      server = await startTestServer(setupEnv('embedded', this, 'bridge_mfa', { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }));
      bridge = await startBridgeFor(server, wiring);
    });
    after(async () => {
      await bridge?.close();
      await server?.close();
    });

    /** A user logged in through the bridge, with TOTP turned on. */
    async function userWithTotp() {
      const client = new CookieClient(bridge.url);
      const email = `bridge-mfa${++counter}.${Date.now()}@example.com`;
      await client.post('/register', { email, password: PASSWORD });
      await client.post('/login', { email, password: PASSWORD });
      const begun = await client.post('/totp/begin');
      expect(begun.status).to.equal(200);
      expect(begun.body.otpauth_uri).to.match(/^otpauth:\/\/totp\//);
      const confirmed = await client.post('/totp/confirm', { code: totpCode(begun.body.secret) });
      expect(confirmed.status).to.equal(200);
      const id = (await client.get('/me')).body.client.id as string;
      return { client, email, id, secret: begun.body.secret as string, recoveryCodes: confirmed.body.recovery_codes as string[] };
    }

    it('answers a correct password of a user with a second factor 401 MFA_REQUIRED, with the challenge and no cookie', async () => {
      const { email, secret } = await userWithTotp();
      const fresh = new CookieClient(bridge.url);
      const login = await fresh.post('/login', { email, password: PASSWORD });
      expect(login.status).to.equal(401);
      expect(login.body).to.include({ reason: 'MFA_REQUIRED' });
      expect(login.body.factors).to.deep.equal(['totp', 'recovery_code']);
      expect(login.body.challenge_token).to.be.a('string').and.not.equal('');
      expect(Date.parse(login.body.challenge_expire_time)).to.be.greaterThan(Date.now());
      expect(login.cookies).to.deep.equal([]);

      const completed = await fresh.post('/login/complete', { challenge_token: login.body.challenge_token, totp_code: totpCode(secret, 1) });
      expect(completed.status).to.equal(200);
      expect(completed.body.client.email).to.equal(email);
      expect(fresh.cookie('token')).to.be.a('string');
      expect((await fresh.get('/me')).status).to.equal(200);
    });

    it('refuses input of the wrong type with 400 naming the field', async () => {
      const { client } = await userWithTotp();
      const badCode = await client.post('/totp/confirm', { code: 123456 });
      expect(badCode.status).to.equal(400);
      expect(badCode.body).to.include({ reason: 'INVALID_ARGUMENT', field: 'code' });
      const badPasskey = await client.post('/login/complete', { challenge_token: 'x', passkey: 'not an object' });
      expect(badPasskey.status).to.equal(400);
      expect(badPasskey.body).to.include({ field: 'passkey' });
      const badResponse = await client.post('/passkeys/login/finish', { ceremony_token: 'x', response: [1, 2] });
      expect(badResponse.status).to.equal(400);
      expect(badResponse.body).to.include({ field: 'response' });
    });

    it('refuses every second-factor ceremony from another site with 403 CROSS_SITE_REQUEST', async () => {
      const { client } = await userWithTotp();
      for (const path of [
        '/login/complete',
        '/totp/begin',
        '/totp/disable',
        '/me/recovery-codes',
        '/passkeys/register/begin',
        '/passkeys/login/begin',
        '/passkeys/login/finish',
      ]) {
        const refused = await client.post(path, {}, { headers: EVIL });
        expect(refused.status, path).to.equal(403);
        expect(refused.body.reason, path).to.equal('CROSS_SITE_REQUEST');
      }
      expect((await client.delete('/passkeys/anything', { headers: EVIL })).status).to.equal(403);
    });

    it('regenerates the recovery codes for a current code with POST /me/recovery-codes; the old ones stop completing a login', async () => {
      const { client, email, secret, recoveryCodes } = await userWithTotp();
      const wrong = await client.post('/me/recovery-codes', { code: totpCode(secret) });
      expect(wrong.status).to.equal(400);
      expect(wrong.body).to.include({ reason: 'CODE_INVALID', field: 'code' });
      const regenerated = await client.post('/me/recovery-codes', { code: totpCode(secret, 1) });
      expect(regenerated.status).to.equal(200);
      expect(regenerated.body.recovery_codes).to.have.length(10);

      const fresh = new CookieClient(bridge.url);
      const completeWith = async (recoveryCode: string) => {
        const login = await fresh.post('/login', { email, password: PASSWORD });
        return fresh.post('/login/complete', { challenge_token: login.body.challenge_token, recovery_code: recoveryCode });
      };
      expect((await completeWith(recoveryCodes[0]!)).body.reason).to.equal('SECOND_FACTOR_INVALID');
      expect((await completeWith(regenerated.body.recovery_codes[0])).status).to.equal(200);
      expect((await client.post('/me/recovery-codes', { code: 123456 })).body).to.include({ reason: 'INVALID_ARGUMENT', field: 'code' });
    });

    it("renames a passkey with PATCH /passkeys/:id, and refuses another user's, a bad name and another site", async () => {
      const { client, id } = await userWithTotp();
      const other = await userWithTotp();
      const stored = storedFactors(server);
      const passkey = (clientId: string, credential: string) => ({
        id: credential,
        clientId,
        publicKey: 'pQECAyYgASFYIA',
        counter: 0,
        transports: ['usb'],
        name: 'passkey',
        backedUp: false,
        createdAt: new Date(),
        lastUsedAt: null,
      });
      const mine = `cred-mine-${wiring}-${Date.now()}`;
      const theirs = `cred-theirs-${wiring}-${Date.now()}`;
      try {
        await stored.store.addPasskey(passkey(id, mine));
        await stored.store.addPasskey(passkey(other.id, theirs));
      } finally {
        stored.close();
      }
      const renamed = await client.patch(`/passkeys/${mine}`, { name: 'security key' });
      expect(renamed.status).to.equal(200);
      expect(renamed.body.passkey).to.include({ id: mine, name: 'security key', backed_up: false });
      expect((await client.get('/passkeys')).body.passkeys.map((p: { name: string }) => p.name)).to.deep.equal(['security key']);

      const notMine = await client.patch(`/passkeys/${theirs}`, { name: 'mine now' });
      expect(notMine.status).to.equal(404);
      expect(notMine.body.reason).to.equal('PASSKEY_NOT_FOUND');
      const tooLong = await client.patch(`/passkeys/${mine}`, { name: 'x'.repeat(65) });
      expect(tooLong.status).to.equal(400);
      expect(tooLong.body).to.include({ field: 'name' });
      expect((await client.patch(`/passkeys/${mine}`, { label: 'x' })).body).to.include({ field: 'label' });
      expect((await client.patch(`/passkeys/${mine}`, { name: 'evil' }, { headers: EVIL })).status).to.equal(403);
      expect((await other.client.get('/passkeys')).body.passkeys.map((p: { name: string }) => p.name)).to.deep.equal(['passkey']);
    });

    it('deletes a passkey with DELETE /passkeys/:id only for the current password', async () => {
      const { client, id } = await userWithTotp();
      const credential = `cred-delete-${wiring}-${Date.now()}`;
      const stored = storedFactors(server);
      try {
        await stored.store.addPasskey({
          id: credential,
          clientId: id,
          publicKey: 'pQECAyYgASFYIA',
          counter: 0,
          transports: ['usb'],
          name: 'passkey',
          backedUp: false,
          createdAt: new Date(),
          lastUsedAt: null,
        });
      } finally {
        stored.close();
      }
      const names = async () => (await client.get('/passkeys')).body.passkeys.map((p: { name: string }) => p.name);
      const alone = await client.delete(`/passkeys/${credential}`);
      expect(alone.status).to.equal(400);
      expect(alone.body).to.include({ reason: 'INVALID_ARGUMENT', field: 'current_password' });
      const wrong = await client.delete(`/passkeys/${credential}`, { body: { current_password: 'not the password' } });
      expect(wrong.status).to.equal(401);
      expect(wrong.body.reason).to.equal('INVALID_CREDENTIALS');
      expect(await names()).to.deep.equal(['passkey']);
      expect((await client.delete(`/passkeys/${credential}`, { body: { current_password: PASSWORD } })).status).to.equal(204);
      expect(await names()).to.deep.equal([]);
    });

    it('answers passkey routes 400 PASSKEYS_NOT_CONFIGURED when WEBAUTHN_ORIGINS is empty', async () => {
      const begun = await new CookieClient(bridge.url).post('/passkeys/login/begin');
      expect(begun.status).to.equal(400);
      expect(begun.body.reason).to.equal('PASSKEYS_NOT_CONFIGURED');
    });

    it("lets an admin reset a user's second factor, after which the password alone logs in", async () => {
      const user = await userWithTotp();
      const admin = new CookieClient(bridge.url);
      expect((await admin.post('/login', ADMIN)).status).to.equal(200);
      const denied = await user.client.post('/reset-second-factor', { id: user.id });
      expect(denied.status).to.equal(403);
      const reset = await admin.post('/reset-second-factor', { id: user.id });
      expect(reset.status).to.equal(200);
      expect(reset.body.client.id).to.equal(user.id);
      expect((await new CookieClient(bridge.url).post('/login', { email: user.email, password: PASSWORD })).status).to.equal(200);
    });

    it('turns TOTP off with a recovery code through /totp/disable', async () => {
      const user = await userWithTotp();
      expect((await user.client.post('/totp/disable', { recovery_code: user.recoveryCodes[1] })).status).to.equal(204);
      expect((await new CookieClient(bridge.url).post('/login', { email: user.email, password: PASSWORD })).status).to.equal(200);
    });
  });
