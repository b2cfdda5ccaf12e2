/**
 * Tokens of the original service (LEGACY_TOKENS_UNTIL) end when their person's password is
 * changed or reset, as the person's sessions do: a stolen copy must not outlive the change.
 * Checked where gateways ask (ValidateToken, the bridge's /auth) and on the API itself.
 */
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { ObjectId } from 'mongodb';
import { newClientRecord } from '../../../src/domain/clients/records.js';
import { RevocationWatcher } from '../../../src/sdk/revocation-watcher.js';
import { eventually } from '../../support/eventually.js';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, TEST_SECRET, type TestServer } from '../../support/server.js';
import { linkIn, type SmtpMailbox, startSmtpMailbox, tokenOf } from '../../support/smtp-mailbox.js';
import { startBridgeFor, type TestBridge } from '../bridge/bridge-fixture.js';

const DAY_MS = 24 * 3600 * 1000;
const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new passphrase';
const PUBLIC_URL = 'https://auth.example.test';
const ADMIN = { email: 'legacy-pw-admin@example.com', password: 'admin password 1' };

/** A user token exactly as the original service signed it: HS256, claims id, groups and exp; no iss, aud, sid. */
const originalToken = (id: string) =>
  jwt.sign({ id, groups: ['user'], exp: Math.floor(Date.now() / 1000) + 3600 }, TEST_SECRET, { algorithm: 'HS256', noTimestamp: true });

for (const setup of SETUPS) {
  describe(`Tokens of the original service after a password change on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(30000);
    let server: TestServer;
    let mailbox: SmtpMailbox;
    let bridge: TestBridge;
    let counter = 0;

    before(async function () {
      mailbox = await startSmtpMailbox();
      server = await startTestServer(
        setupEnv(setup, this, 'legacy-pw', {
          LEGACY_TOKENS_UNTIL: new Date(Date.now() + 7 * DAY_MS).toISOString(),
          SMTP_URL: mailbox.url,
          SMTP_FROM: 'Example Auth <auth@example.org>',
          PUBLIC_URL,
          RECOVERY_IP_REQUESTS_MAX: '100000',
          ADMIN_EMAIL: ADMIN.email,
          ADMIN_PASSWORD: ADMIN.password,
        }),
      );
      bridge = await startBridgeFor(server, 'in-process');
    });
    after(async () => {
      await bridge?.close();
      await server?.close();
      await mailbox?.close();
    });

    /**
     * A person imported from the original service (an ObjectId), with PASSWORD, and a token
     * the original issued to it in someone else's hands. The hash is that of a person
     * registered here, as the import carries the original's hashes.
     */
    const person = async () => {
      const name = `legacy${++counter}.${setup}.${Date.now()}`;
      const { client } = await server.api.registerUser({
        email: `${name}.here@example.org`,
        password: PASSWORD,
        firstName: 'Ada',
        lastName: '',
        phoneNumber: '',
        attributes: {},
      });
      const { passwordHash } = (await server.app.adapters.clients.findById(client!.id))!;
      const email = `${name}@example.org`;
      const imported = newClientRecord('user', email, { id: new ObjectId().toHexString(), passwordHash }, Date.now());
      await server.app.adapters.clients.insert(imported);
      return { id: imported.id, email, token: originalToken(imported.id) };
    };
    const auth = (token: string) => fetch(`${bridge.url}/auth`, { headers: { Cookie: `token=${token}` } });

    const expectAccepted = async (who: { id: string; token: string }) => {
      expect((await server.api.validateToken({ token: who.token })).clientId).to.equal(who.id);
      expect((await auth(who.token)).status).to.equal(200);
    };
    const expectRefused = async (who: { token: string }) => {
      expect(await failure(server.api.validateToken({ token: who.token }))).to.include({ reason: 'SESSION_REVOKED' });
      const answer = await auth(who.token);
      expect(answer.status).to.equal(401);
      expect(((await answer.json()) as { reason: string }).reason).to.equal('SESSION_REVOKED');
      expect(await failure(server.api.getMe({}, { token: who.token }))).to.include({ reason: 'SESSION_REVOKED' });
    };

    it('refuses them after ChangePassword, while another person’s stay good', async () => {
      const victim = await person();
      const other = await person();
      await expectAccepted(victim);
      await expectAccepted(other);

      const { accessToken } = await server.api.login({ email: victim.email, password: PASSWORD });
      await server.api.changePassword({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD }, { token: accessToken });

      await expectRefused(victim);
      await expectAccepted(other);
    });

    it('refuses them after ResetPassword, while another person’s stay good', async () => {
      const victim = await person();
      const other = await person();
      await expectAccepted(victim);
      await expectAccepted(other);

      await server.api.requestPasswordReset({ email: victim.email });
      await mailbox.waitFor(victim.email, /Reset your/);
      const mail = mailbox.to(victim.email).find((received) => /Reset your/.test(received.subject))!;
      await server.api.resetPassword({ token: tokenOf(linkIn(mail, `${PUBLIC_URL}/password-reset?token=`)), newPassword: NEW_PASSWORD });

      await expectRefused(victim);
      await expectAccepted(other);
    });

    it("shows the SDK's RevocationWatcher the end, by the original's claim `id`", async () => {
      const victim = await person();
      const other = await person();
      const claimsOf = (token: string) => jwt.decode(token) as { id: string; exp: number };
      const watcher = new RevocationWatcher(server.api, { token: (await server.api.login(ADMIN)).accessToken });
      try {
        await watcher.start();
        expect(watcher.revoked(claimsOf(victim.token))).to.equal(false);
        const { accessToken } = await server.api.login({ email: victim.email, password: PASSWORD });
        await server.api.changePassword({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD }, { token: accessToken });
        await eventually(() => watcher.revoked(claimsOf(victim.token)));
        expect(watcher.revoked(claimsOf(other.token))).to.equal(false);
        // This service's own tokens name their client as `sub` and their session as `sid`: the legacy end is not theirs.
        const own = claimsOf((await server.api.login({ email: victim.email, password: NEW_PASSWORD })).accessToken);
        expect(watcher.revoked(own)).to.equal(false);
      } finally {
        watcher.stop();
      }
    });
  });
}

describe('Tokens of the original service after a password change, across instances sharing FerretDB and Redis', function () {
  this.timeout(30000);
  let first: TestServer;
  let second: TestServer;

  before(async function () {
    const env = setupEnv('shared', this, 'legacy_pw_multi', { LEGACY_TOKENS_UNTIL: new Date(Date.now() + 7 * DAY_MS).toISOString() });
    first = await startTestServer(env);
    second = await startTestServer(env);
  });
  after(async () => {
    await second?.close();
    await first?.close();
  });

  it('are refused by the other instance at its next request', async () => {
    const { client } = await first.api.registerUser({
      email: `multi.${Date.now()}.here@example.org`,
      password: PASSWORD,
      firstName: '',
      lastName: '',
      phoneNumber: '',
      attributes: {},
    });
    const { passwordHash } = (await first.app.adapters.clients.findById(client!.id))!;
    const email = `multi.${Date.now()}@example.org`;
    const imported = newClientRecord('user', email, { id: new ObjectId().toHexString(), passwordHash }, Date.now());
    await first.app.adapters.clients.insert(imported);
    const token = originalToken(imported.id);
    expect((await second.api.validateToken({ token })).clientId).to.equal(imported.id);

    const { accessToken } = await first.api.login({ email, password: PASSWORD });
    await first.api.changePassword({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD }, { token: accessToken });
    expect(await failure(second.api.validateToken({ token }))).to.include({ reason: 'SESSION_REVOKED' });
  });
});
