/**
 * An access token revoked at the OpenID Provider (RFC 7009) stays refused when the
 * revocation list's shared copy is lost or missed the revocation: the stores keep it, and
 * the list's refill and replay put it back. On the embedded set-up the list is SQLite's own
 * and survives a restart.
 */
import { expect } from 'chai';
import * as client from 'openid-client';
import { DEFAULT_KEYS } from '../../../src/adapters/redis/revocation-list.js';
import { eventually } from '../../support/eventually.js';
import { type OidcStack, registerServiceClient, startOidcStack } from '../../support/oidc-fixture.js';
import { gateway, otherInstance, validation } from '../../support/oidc-revocation-answers.js';
import { dataDirOf, type TestServer } from '../../support/server.js';

/** A service client's two client-credentials tokens, the first revoked by the client (RFC 7009). */
async function revokedAndKept(stack: OidcStack): Promise<{ revoked: string; kept: string }> {
  const service = await registerServiceClient(stack);
  const configuration = await stack.discover(service.id, service.secret, client.ClientSecretBasic(service.secret));
  const revoked = (await client.clientCredentialsGrant(configuration)).access_token;
  const kept = (await client.clientCredentialsGrant(configuration)).access_token;
  await client.tokenRevocation(configuration, revoked);
  return { revoked, kept };
}

describe('A revoked OpenID Provider access token after Redis lost the revocation list (MongoDB + Redis)', function () {
  this.timeout(60000);
  let stack: OidcStack;
  before(async function () {
    stack = await startOidcStack('shared', this, 'oidc_revoked_refill');
  });
  after(async () => stack?.close());

  it('is refused with TOKEN_REVOKED at ValidateToken and GET /auth once the list is refilled from the stores; the kept token passes', async () => {
    const { revoked, kept } = await revokedAndKept(stack);
    expect(await validation(stack, revoked)).to.equal('TOKEN_REVOKED');

    await stack.server.redis.flushall();
    // The list notices the loss, fails closed, and trusts Redis again once it has refilled it.
    await eventually(async () => (await stack.server.redis.get(DEFAULT_KEYS.markerKey)) !== null && (await validation(stack, kept)) === 'OK', {
      timeoutMs: 20000,
      what: 'the revocation list to be refilled',
    });

    expect(await validation(stack, revoked)).to.equal('TOKEN_REVOKED');
    expect(await gateway(stack, revoked)).to.deep.equal({ status: 401, reason: 'TOKEN_REVOKED' });
    expect(await gateway(stack, kept)).to.deep.equal({ status: 200, reason: undefined });
    // The shared copy holds it again, for every other instance and gateway.
    expect(await stack.server.redis.zcount(DEFAULT_KEYS.indexKey, Date.now(), '+inf')).to.be.above(0);
  });
});

describe('A revoked OpenID Provider access token whose write to Redis failed (MongoDB + Redis)', function () {
  this.timeout(60000);
  let stack: OidcStack;
  let other: TestServer;
  before(async function () {
    stack = await startOidcStack('shared', this, 'oidc_revoked_replay');
    other = await otherInstance(this, stack);
  });
  after(async () => {
    await stack?.server.redis.config('SET', 'min-replicas-to-write', '0');
    await other?.close();
    await stack?.close();
  });

  it('is replayed into Redis from the stores once Redis takes writes again, and the other instance refuses it', async () => {
    const service = await registerServiceClient(stack);
    const configuration = await stack.discover(service.id, service.secret, client.ClientSecretBasic(service.secret));
    const revoked = (await client.clientCredentialsGrant(configuration)).access_token;
    const kept = (await client.clientCredentialsGrant(configuration)).access_token;
    expect(await validation({ server: other }, revoked)).to.equal('OK');

    // Redis refuses every write (NOREPLICAS: the replica it must reach is gone), so the
    // list's write fails after the store has kept the revocation; the client is told to retry.
    await stack.server.redis.config('SET', 'min-replicas-to-write', '1');
    const answer = await stack.fetch(`${stack.bridge.url}/oidc/revoke`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: basic(service.id, service.secret) },
      body: new URLSearchParams({ token: revoked }).toString(),
    });
    expect(answer.status).to.equal(503);
    await stack.server.redis.config('SET', 'min-replicas-to-write', '0');

    await eventually(async () => (await validation({ server: other }, revoked)) === 'TOKEN_REVOKED', {
      timeoutMs: 20000,
      what: 'the other instance to refuse the revoked token',
    });
    await eventually(async () => (await validation(stack, kept)) === 'OK', { timeoutMs: 20000, what: 'this instance to trust Redis again' });
    expect(await validation(stack, revoked)).to.equal('TOKEN_REVOKED');
    expect(await validation({ server: other }, kept)).to.equal('OK');
  });
});

describe('A revoked OpenID Provider access token across a restart (embedded SQLite)', function () {
  this.timeout(60000);
  let stack: OidcStack;
  after(async () => stack?.close());

  it('is still refused with TOKEN_REVOKED after the server restarts on the same data; the kept token passes', async function () {
    stack = await startOidcStack('embedded', this, 'oidc_revoked_restart');
    const { revoked, kept } = await revokedAndKept(stack);
    const dataDir = dataDirOf(stack.server.config);
    await stack.close();
    stack = await startOidcStack('embedded', this, 'oidc_revoked_restart', { DATA_DIR: dataDir });

    expect(await validation(stack, revoked)).to.equal('TOKEN_REVOKED');
    expect(await gateway(stack, revoked)).to.deep.equal({ status: 401, reason: 'TOKEN_REVOKED' });
    expect(await validation(stack, kept)).to.equal('OK');
    expect(await gateway(stack, kept)).to.deep.equal({ status: 200, reason: undefined });
  });
});

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}
