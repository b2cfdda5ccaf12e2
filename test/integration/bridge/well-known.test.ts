import { request } from 'node:http';
import { expect } from 'chai';
import { headerOf, verifiesWith } from '../../support/jws.js';
import { setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { startTestBridge, type TestBridge } from './bridge-fixture.js';

const PASSWORD = 'correct horse battery';

describe("The bridge's discovery routes", function () {
  this.timeout(30000);
  const running: Array<{ server: TestServer; bridge: TestBridge }> = [];
  after(async () => {
    for (const { server, bridge } of running) {
      await bridge.close();
      await server.close();
    }
  });
  const start = async (ctx: Mocha.Context, env: Record<string, string>, bridgeEnv: Record<string, string> = {}) => {
    const server = await startTestServer(setupEnv('embedded', ctx, 'well_known', env));
    const bridge = await startTestBridge(server.address, bridgeEnv);
    running.push({ server, bridge });
    return { server, bridge };
  };

  it("serve GET /.well-known/jwks.json: the public keys only, cacheable for the set's max-age, with an ETag honoured by If-None-Match", async function () {
    const { server, bridge } = await start(this, { JWT_ALGORITHM: 'ES256', SIGNING_KEY_PUBLISH_AHEAD: '20m' });
    const response = await fetch(`${bridge.url}/.well-known/jwks.json`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^application\/json/);
    expect(response.headers.get('cache-control')).to.equal('public, max-age=300');
    const etag = response.headers.get('etag');
    expect(etag).to.match(/^"/);
    const jwks = (await response.json()) as { keys: Array<Record<string, string>> };
    expect(jwks.keys).to.have.length(1);
    expect(jwks.keys[0]).to.have.all.keys('kty', 'crv', 'x', 'y', 'kid', 'alg', 'use');

    await server.api.registerUser({ email: 'jwks@example.com', password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
    const { accessToken } = await server.api.login({ email: 'jwks@example.com', password: PASSWORD });
    expect(headerOf(accessToken)['kid']).to.equal(jwks.keys[0]!['kid']);
    expect(verifiesWith(accessToken, { ...jwks.keys[0]!, y: jwks.keys[0]!['y'] ?? '' } as never)).to.equal(true);

    // A revalidation as a cache makes it (fetch would otherwise add Cache-Control: no-cache, which forbids a 304).
    const again = await fetch(`${bridge.url}/.well-known/jwks.json`, { headers: { 'If-None-Match': etag!, 'Cache-Control': 'max-age=0' } });
    expect(again.status).to.equal(304);
    expect(await again.text()).to.equal('');
  });

  it('publish an EdDSA key without an empty y member, and an empty set with HS256', async function () {
    const eddsa = await start(this, { JWT_ALGORITHM: 'EdDSA' });
    const okp = (await (await fetch(`${eddsa.bridge.url}/.well-known/jwks.json`)).json()) as { keys: Array<Record<string, string>> };
    expect(okp.keys[0]).to.include({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' }).and.not.to.have.property('y');

    const hs256 = await start(this, {});
    expect(await (await fetch(`${hs256.bridge.url}/.well-known/jwks.json`)).json()).to.deep.equal({ keys: [] });
  });

  it('serve GET /.well-known/openid-configuration naming the issuer and the JWKS URL under PUBLIC_URL', async function () {
    const { bridge } = await start(this, { JWT_ALGORITHM: 'ES256' }, { JWT_ISSUER: 'https://auth.example.com', PUBLIC_URL: 'https://auth.example.com/' });
    const direct = await fetch(`${bridge.url}/.well-known/openid-configuration`);
    expect(direct.status).to.equal(200);
    expect(direct.headers.get('cache-control')).to.match(/^public, max-age=\d+$/);
    expect(await direct.json()).to.include({ issuer: 'https://auth.example.com', jwks_uri: 'https://auth.example.com/.well-known/jwks.json' });
  });

  it('take no URL from Host or X-Forwarded-*: a cached discovery document cannot point verifiers at another host', async function () {
    const publicUrl = 'https://auth.example.com';
    for (const bridgeEnv of [{}, { BRIDGE_TRUST_PROXY: 'true', TRUSTED_PROXY_CIDRS: '127.0.0.0/8,::1/128' }] as Record<string, string>[]) {
      const { bridge } = await start(this, { JWT_ALGORITHM: 'ES256' }, { PUBLIC_URL: publicUrl, ...bridgeEnv });
      for (const headers of [{ Host: 'evil.example' }, { 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'http' }] as Record<string, string>[]) {
        const answer = await rawGet(bridge.port, '/.well-known/openid-configuration', headers);
        expect(answer.status, JSON.stringify({ bridgeEnv, headers })).to.equal(200);
        expect(JSON.parse(answer.body), JSON.stringify({ bridgeEnv, headers })).to.include({ jwks_uri: `${publicUrl}/.well-known/jwks.json` });
        expect(answer.body).to.not.include('evil.example');
      }
    }
  });
});

/** A GET with the headers as given (fetch would not let a test set Host). */
function rawGet(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const call = request({ host: '127.0.0.1', port, path, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    call.once('error', reject);
    call.end();
  });
}
