/**
 * A grant of the OpenID Provider that has ended stays ended when the revocation list's shared
 * copy is lost: one the provider revoked itself (a refresh token or a code used twice), and
 * one our logout, demotion, suspension (even once lifted) or deletion ended. The stores keep
 * each until its last access token has expired, and the list's refill puts it back. On the
 * embedded set-up the list is SQLite's own and survives a restart.
 */
import { expect } from 'chai';
import * as client from 'openid-client';
import { DEFAULT_KEYS } from '../../../src/adapters/redis/revocation-list.js';
import { eventually } from '../../support/eventually.js';
import { PASSWORD, registerUser } from '../../support/factor-fixture.js';
import { authorization, OidcBrowser, type OidcStack, oauthErrorOf, registerApp, signedInToApp, signIn, startOidcStack } from '../../support/oidc-fixture.js';
import { gateway, otherInstance, validation } from '../../support/oidc-revocation-answers.js';
import { dataDirOf, type TestServer } from '../../support/server.js';

/** A person's access token whose grant the provider revoked: its refresh token was used twice. */
async function grantRevokedByReuse(stack: OidcStack): Promise<string> {
  const { configuration, tokens } = await signedInToApp(stack);
  const rotated = await client.refreshTokenGrant(configuration, tokens.refresh_token!);
  expect(await oauthErrorOf(client.refreshTokenGrant(configuration, tokens.refresh_token!))).to.equal('invalid_grant');
  await eventually(async () => (await validation(stack, rotated.access_token)) === 'SESSION_REVOKED', { what: 'the reused grant revoked' });
  return rotated.access_token;
}

/** A person's access token whose grant the provider revoked: the code it came from was used a second time. */
async function grantRevokedByCodeReuse(stack: OidcStack): Promise<string> {
  const app = await registerApp(stack);
  const person = await registerUser(stack.server, 'oidc-code-reuse');
  const configuration = await stack.discover(app.id, app.secret, client.ClientSecretBasic(app.secret));
  const { url, checks } = await authorization(configuration, app.redirectUri);
  const browser = new OidcBrowser(stack);
  const callback = new URL((await signIn(browser, await browser.walk(url), person.email)).location!);
  const tokens = await client.authorizationCodeGrant(configuration, callback, checks);
  expect(await oauthErrorOf(client.authorizationCodeGrant(configuration, callback, checks))).to.equal('invalid_grant');
  await eventually(async () => (await validation(stack, tokens.access_token)) === 'SESSION_REVOKED', { what: 'the grant of the reused code revoked' });
  return tokens.access_token;
}

/** A person's access token from the provider, after `change` to that person ended its grant (refused with `reason` meanwhile). */
async function grantEndedBy(stack: OidcStack, change: (person: { id: string; email: string }, adminToken: string) => Promise<unknown>, reason: string) {
  const { person, tokens } = await signedInToApp(stack);
  await change(person, await stack.adminToken());
  await eventually(async () => (await validation(stack, tokens.access_token)) === reason, { what: 'the grant ended' });
  return tokens.access_token;
}

/** The ways a grant ends, each with the access token it leaves and the reason that token is refused with. */
const ENDED_GRANTS: ReadonlyArray<readonly [string, (stack: OidcStack) => Promise<string>, string]> = [
  ['a grant the provider revoked for a reused refresh token', grantRevokedByReuse, 'SESSION_REVOKED'],
  ['a grant the provider revoked for a code used twice', grantRevokedByCodeReuse, 'SESSION_REVOKED'],
  [
    'a grant our logout of the person ended',
    (stack) =>
      grantEndedBy(
        stack,
        async (person) => {
          const session = await stack.server.api.login({ email: person.email, password: PASSWORD });
          await stack.server.api.logout({}, { token: session.accessToken });
        },
        'SESSION_REVOKED',
      ),
    'SESSION_REVOKED',
  ],
  [
    'a grant the demotion of the person ended',
    (stack) =>
      grantEndedBy(
        stack,
        async (person, token) => {
          await stack.server.api.setClientGroups({ clientId: person.id, groups: ['billing'] }, { token });
          await stack.server.api.setClientGroups({ clientId: person.id, groups: [] }, { token });
        },
        'SESSION_REVOKED',
      ),
    'SESSION_REVOKED',
  ],
  [
    'a grant the suspension of the person ended, the suspension since lifted',
    (stack) =>
      grantEndedBy(
        stack,
        async (person, token) => {
          await stack.server.api.suspendClient({ clientId: person.id, reason: 'abuse' }, { token });
          await stack.server.api.reinstateClient({ clientId: person.id }, { token });
        },
        'SESSION_REVOKED',
      ),
    'SESSION_REVOKED',
  ],
  // A deleted person is listed as deleted from the outbox's deletion entries, grants or not.
  [
    'a grant the deletion of the person ended',
    (stack) => grantEndedBy(stack, (person, token) => stack.server.api.deleteClient({ clientId: person.id }, { token }), 'CLIENT_DELETED'),
    'CLIENT_DELETED',
  ],
];

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

  for (const [title, endedGrant, reason] of ENDED_GRANTS)
    it(`keeps refusing the access token of ${title} at ValidateToken and GET /auth (${reason}); another person's token passes`, async () => {
      const revoked = await endedGrant(stack);
      const unrelated = (await signedInToApp(stack)).tokens.access_token;

      await afterRedisLost(unrelated);

      expect(await validation(stack, revoked)).to.equal(reason);
      expect(await gateway(stack, revoked)).to.deep.equal({ status: 401, reason });
      expect(await gateway(stack, unrelated)).to.deep.equal({ status: 200, reason: undefined });
      // The shared copy holds it again, for every other instance and gateway.
      expect(await stack.server.redis.zcount(DEFAULT_KEYS.indexKey, Date.now(), '+inf')).to.be.above(0);
    });
});

describe('A grant the OpenID Provider revoked while Redis refused writes (MongoDB + Redis)', function () {
  this.timeout(90000);
  let stack: OidcStack;
  let other: TestServer;
  before(async function () {
    stack = await startOidcStack('shared', this, 'oidc_grant_replay');
    other = await otherInstance(this, stack);
  });
  after(async () => {
    await stack?.server.redis.config('SET', 'min-replicas-to-write', '0');
    await other?.close();
    await stack?.close();
  });

  it('is replayed into Redis from the stores once Redis takes writes again, and the other instance refuses its access token', async () => {
    const { configuration, tokens } = await signedInToApp(stack);
    const rotated = await client.refreshTokenGrant(configuration, tokens.refresh_token!);
    const unrelated = (await signedInToApp(stack)).tokens.access_token;
    expect(await validation({ server: other }, rotated.access_token)).to.equal('OK');

    // Redis refuses every write (NOREPLICAS), so the list's write of the revoked grant fails
    // after the store has kept it; the reuse is refused all the same.
    await stack.server.redis.config('SET', 'min-replicas-to-write', '1');
    expect(await oauthErrorOf(client.refreshTokenGrant(configuration, tokens.refresh_token!))).to.equal('invalid_grant');
    // Once it tried the write, this instance refuses the token (from memory) or fails closed (it doubts Redis).
    await eventually(async () => (await validation(stack, rotated.access_token)) !== 'OK', { what: 'the write of the revoked grant tried' });
    await stack.server.redis.config('SET', 'min-replicas-to-write', '0');

    await eventually(async () => (await validation({ server: other }, rotated.access_token)) === 'SESSION_REVOKED', {
      timeoutMs: 20000,
      what: 'the other instance to refuse the revoked grant',
    });
    await eventually(async () => (await validation(stack, unrelated)) === 'OK', { timeoutMs: 20000, what: 'this instance to trust Redis again' });
    expect(await validation(stack, rotated.access_token)).to.equal('SESSION_REVOKED');
    expect(await validation({ server: other }, unrelated)).to.equal('OK');
  });
});

describe('Revoked OpenID Provider grants across a restart (embedded SQLite)', function () {
  this.timeout(90000);
  let stack: OidcStack;
  after(async () => stack?.close());

  it("keeps refusing the access tokens of every kind of ended grant after the server restarts; another person's token passes", async function () {
    stack = await startOidcStack('embedded', this, 'oidc_grant_restart');
    const revoked: Array<{ token: string; reason: string }> = [];
    for (const [, endedGrant, reason] of ENDED_GRANTS) revoked.push({ token: await endedGrant(stack), reason });
    const unrelated = (await signedInToApp(stack)).tokens.access_token;
    const dataDir = dataDirOf(stack.server.config);
    await stack.close();
    stack = await startOidcStack('embedded', this, 'oidc_grant_restart', { DATA_DIR: dataDir });

    for (const { token, reason } of revoked) {
      expect(await validation(stack, token)).to.equal(reason);
      expect(await gateway(stack, token)).to.deep.equal({ status: 401, reason });
    }
    expect(await validation(stack, unrelated)).to.equal('OK');
    expect(await gateway(stack, unrelated)).to.deep.equal({ status: 200, reason: undefined });
  });
});
