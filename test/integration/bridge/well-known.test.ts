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
});
