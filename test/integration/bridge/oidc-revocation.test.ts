import { expect } from 'chai';
import * as client from 'openid-client';
import { eventually } from '../../support/eventually.js';
import { PASSWORD } from '../../support/factor-fixture.js';
import { ISSUER, type OidcStack, oauthErrorOf, signedInToApp, startOidcStack } from '../../support/oidc-fixture.js';
import { failure, SETUP_TITLES, SETUPS } from '../../support/server.js';
import { linkIn, type SmtpMailbox, startSmtpMailbox, tokenOf } from '../../support/smtp-mailbox.js';

for (const setup of SETUPS)
  describe(`Our logout, suspension, demotion and deletion end a person's grants at the OpenID Provider (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let stack: OidcStack;
    let mailbox: SmtpMailbox;
    before(async function () {
      mailbox = await startSmtpMailbox();
      stack = await startOidcStack(setup, this, 'oidc_revocation', { SMTP_URL: mailbox.url, SMTP_FROM: 'Auth <auth@example.org>', PUBLIC_URL: ISSUER });
    });
    after(async () => {
      await stack?.close();
      await mailbox?.close();
    });

    /** Signs a person in to an app, applies `change`, and expects the app's refresh token and access token refused right after. */
    async function refusedAfter(change: (person: { id: string; email: string }, adminToken: string) => Promise<unknown>, reasons: string[]) {
      const { person, configuration, tokens } = await signedInToApp(stack);
      expect((await stack.server.api.validateToken({ token: tokens.access_token })).clientId).to.equal(person.id);
      await change(person, await stack.adminToken());
      const refused = await eventually(
        async () => (await failure(stack.server.api.validateToken({ token: tokens.access_token })).catch(() => null))?.reason ?? null,
        {
          what: "the provider's access token refused",
        },
      );
      expect(reasons).to.include(refused);
      expect(await oauthErrorOf(client.refreshTokenGrant(configuration, tokens.refresh_token!))).to.equal('invalid_grant');
    }

    it('refuses them after the person signs out of client-auth', async () => {
      await refusedAfter(
        async (person) => {
          const session = await stack.server.api.login({ email: person.email, password: PASSWORD });
          await stack.server.api.logout({}, { token: session.accessToken });
        },
        ['SESSION_REVOKED'],
      );
    });

    it('refuses them after the person changes the password, also from the one session that signed in to the app', async () => {
      const { configuration, tokens, browser } = await signedInToApp(stack);
      const session = browser.cookie('token')!;
      await stack.server.api.changePassword({ currentPassword: PASSWORD, newPassword: 'a brand new passphrase' }, { token: session });
      expect(await oauthErrorOf(client.refreshTokenGrant(configuration, tokens.refresh_token!))).to.equal('invalid_grant');
      const refused = await eventually(
        async () => (await failure(stack.server.api.validateToken({ token: tokens.access_token })).catch(() => null))?.reason ?? null,
        { what: "the provider's access token refused" },
      );
      expect(refused).to.equal('SESSION_REVOKED');
      // The session that changed the password goes on, as ChangePassword promises.
      expect((await stack.server.api.getMe({}, { token: session })).client!.email).to.be.a('string');
    });

    it('refuses them after a password reset, also when no session of the person is live any more', async () => {
      const { person, configuration, tokens } = await signedInToApp(stack);
      // The session that signed in to the app ended on its own (as an expired one does): no revocation of it is announced.
      await stack.server.app.adapters.sessions.revokeAllOfClient(person.id, new Date());
      await stack.server.api.requestPasswordReset({ email: person.email });
      const mail = await mailbox.waitFor(person.email, /Reset your/);
      const token = tokenOf(linkIn(mail, `${ISSUER}/password-reset?token=`));
      await stack.server.api.resetPassword({ token, newPassword: 'a brand new passphrase' });
      expect(await oauthErrorOf(client.refreshTokenGrant(configuration, tokens.refresh_token!))).to.equal('invalid_grant');
      const refused = await eventually(
        async () => (await failure(stack.server.api.validateToken({ token: tokens.access_token })).catch(() => null))?.reason ?? null,
        { what: "the provider's access token refused" },
      );
      expect(refused).to.equal('SESSION_REVOKED');
    });

    it('refuses them after the person is suspended', async () => {
      await refusedAfter(
        (person, token) => stack.server.api.suspendClient({ clientId: person.id, reason: 'abuse' }, { token }),
        ['CLIENT_SUSPENDED', 'SESSION_REVOKED'],
      );
    });

    it('refuses them after the person loses a group', async () => {
      const admin = await stack.adminToken();
      await refusedAfter(
        async (person) => {
          await stack.server.api.setClientGroups({ clientId: person.id, groups: ['billing'] }, { token: admin });
          await stack.server.api.setClientGroups({ clientId: person.id, groups: [] }, { token: admin });
        },
        ['SESSION_REVOKED'],
      );
    });

    it('refuses them after the person is deleted', async () => {
      await refusedAfter((person, token) => stack.server.api.deleteClient({ clientId: person.id }, { token }), ['CLIENT_DELETED', 'SESSION_REVOKED']);
    });

    it('refuses the access token when the app revokes its refresh token (RFC 7009), and after a refresh token is used twice', async () => {
      const first = await signedInToApp(stack);
      await client.tokenRevocation(first.configuration, first.tokens.refresh_token!);
      expect(await oauthErrorOf(client.refreshTokenGrant(first.configuration, first.tokens.refresh_token!))).to.equal('invalid_grant');
      await eventually(
        async () =>
          (await failure(stack.server.api.validateToken({ token: first.tokens.access_token })).catch(() => null))?.reason === 'SESSION_REVOKED' || null,
        {
          what: 'the access token of a revoked grant refused',
        },
      );

      const second = await signedInToApp(stack);
      const rotated = await client.refreshTokenGrant(second.configuration, second.tokens.refresh_token!);
      expect(await oauthErrorOf(client.refreshTokenGrant(second.configuration, second.tokens.refresh_token!))).to.equal('invalid_grant');
      await eventually(
        async () => (await failure(stack.server.api.validateToken({ token: rotated.access_token })).catch(() => null))?.reason === 'SESSION_REVOKED' || null,
        {
          what: 'the access token of a grant whose refresh token was reused refused',
        },
      );
    });
  });
