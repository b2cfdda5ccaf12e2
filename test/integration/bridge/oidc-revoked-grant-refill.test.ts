/**
 * A grant revoked at the OpenID Provider, by the provider itself (a refresh token used twice)
 * or by our logout, stays revoked when the revocation list's shared copy is lost: the stores
 * keep it until its last access token has expired, and the list's refill puts it back. On
 * the embedded set-up the list is SQLite's own and survives a restart.
 */
import { expect } from 'chai';
import * as client from 'openid-client';
import { DEFAULT_KEYS } from '../../../src/adapters/redis/revocation-list.js';
import { eventually } from '../../support/eventually.js';
import { PASSWORD } from '../../support/factor-fixture.js';
import { type OidcStack, oauthErrorOf, signedInToApp, startOidcStack } from '../../support/oidc-fixture.js';
import { dataDirOf, failure, type TestServer } from '../../support/server.js';

/** What ValidateToken answers for `token`: OK, the reason it refuses it, or UNAVAILABLE while it fails closed. */
async function validation(target: { server: TestServer }, token: string): Promise<string> {
  return target.server.api.validateToken({ token }).then(
    () => 'OK',
    async (error: { code?: number }) => (error.code === 14 ? 'UNAVAILABLE' : (await failure(Promise.reject(error))).reason),
  );
}

/** What GET /auth answers for `token`: its status and reason. */
async function gateway(stack: OidcStack, token: string): Promise<{ status: number; reason: string | undefined }> {
  const answer = await fetch(`${stack.bridge.url}/auth`, { headers: { Authorization: `Bearer ${token}` } });
  const body = answer.status === 200 ? {} : ((await answer.json()) as { reason?: string });
  return { status: answer.status, reason: body.reason };
}

/** A person's access token whose grant the provider revoked: its refresh token was used twice. */
async function grantRevokedByReuse(stack: OidcStack): Promise<string> {
  const { configuration, tokens } = await signedInToApp(stack);
  const rotated = await client.refreshTokenGrant(configuration, tokens.refresh_token!);
  expect(await oauthErrorOf(client.refreshTokenGrant(configuration, tokens.refresh_token!))).to.equal('invalid_grant');
  await eventually(async () => (await validation(stack, rotated.access_token)) === 'SESSION_REVOKED', { what: 'the reused grant revoked' });
  return rotated.access_token;
}

/** A person's access token from the provider, whose grant our logout of that person ended. */
async function grantEndedByLogout(stack: OidcStack): Promise<string> {
  const { person, tokens } = await signedInToApp(stack);
  const session = await stack.server.api.login({ email: person.email, password: PASSWORD });
  await stack.server.api.logout({}, { token: session.accessToken });
  await eventually(async () => (await validation(stack, tokens.access_token)) === 'SESSION_REVOKED', { what: 'the grant ended by the logout' });
  return tokens.access_token;
}

describe('Revoked OpenID Provider grants after Redis lost the revocation list (MongoDB + Redis)', function () {
  this.timeout(90000);
  let stack: OidcStack;
  before(async function () {
    stack = await startOidcStack('shared', this, 'oidc_grant_refill');
  });
  after(async () => stack?.close());

  /** Empties Redis and waits until the list has been refilled from the stores and trusts Redis again. */
  async function afterRedisLost(unrelated: string): Promise<void> {
    await stack.server.redis.flushall();
    // The list notices the loss, fails closed, and trusts Redis again once it has refilled it.
    await eventually(async () => (await stack.server.redis.get(DEFAULT_KEYS.markerKey)) !== null && (await validation(stack, unrelated)) === 'OK', {
      timeoutMs: 20000,
      what: 'the revocation list to be refilled',
    });
  }

  for (const [title, revokedToken] of [
    ['a grant the provider revoked for a reused refresh token', grantRevokedByReuse],
    ['a grant our logout of the person ended', grantEndedByLogout],
  ] as const)
    it(`keeps refusing the access token of ${title} at ValidateToken and GET /auth; another person's token passes`, async () => {
      const revoked = await revokedToken(stack);
      const unrelated = (await signedInToApp(stack)).tokens.access_token;

      await afterRedisLost(unrelated);

      expect(await validation(stack, revoked)).to.equal('SESSION_REVOKED');
      expect(await gateway(stack, revoked)).to.deep.equal({ status: 401, reason: 'SESSION_REVOKED' });
      expect(await gateway(stack, unrelated)).to.deep.equal({ status: 200, reason: undefined });
      // The shared copy holds it again, for every other instance and gateway.
      expect(await stack.server.redis.zcount(DEFAULT_KEYS.indexKey, Date.now(), '+inf')).to.be.above(0);
    });
});

describe('Revoked OpenID Provider grants across a restart (embedded SQLite)', function () {
  this.timeout(90000);
  let stack: OidcStack;
  after(async () => stack?.close());

  it("keeps refusing the access tokens of a reused grant and of one our logout ended after the server restarts; another person's token passes", async function () {
    stack = await startOidcStack('embedded', this, 'oidc_grant_restart');
    const reused = await grantRevokedByReuse(stack);
    const loggedOut = await grantEndedByLogout(stack);
    const unrelated = (await signedInToApp(stack)).tokens.access_token;
    const dataDir = dataDirOf(stack.server.config);
    await stack.close();
    stack = await startOidcStack('embedded', this, 'oidc_grant_restart', { DATA_DIR: dataDir });

    for (const token of [reused, loggedOut]) {
      expect(await validation(stack, token)).to.equal('SESSION_REVOKED');
      expect(await gateway(stack, token)).to.deep.equal({ status: 401, reason: 'SESSION_REVOKED' });
    }
    expect(await validation(stack, unrelated)).to.equal('OK');
    expect(await gateway(stack, unrelated)).to.deep.equal({ status: 200, reason: undefined });
  });
});
