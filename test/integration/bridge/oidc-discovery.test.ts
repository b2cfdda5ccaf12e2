import { request } from 'node:http';
import { expect } from 'chai';
import { ISSUER, KEY_ENCRYPTION_KEY, type OidcStack, startOidcStack } from '../../support/oidc-fixture.js';
import { embeddedEnv, SETUP_TITLES, SETUPS, startTestServer } from '../../support/server.js';
import { startBridgeFor, startTestBridge } from './bridge-fixture.js';

/** What OpenID Connect Discovery 1.0 section 3 requires of every provider's metadata. */
const REQUIRED = [
  'issuer',
  'authorization_endpoint',
  'token_endpoint',
  'jwks_uri',
  'response_types_supported',
  'subject_types_supported',
  'id_token_signing_alg_values_supported',
] as const;

for (const setup of SETUPS)
  describe(`The OpenID Provider's discovery document (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let stack: OidcStack;
    before(async function () {
      stack = await startOidcStack(setup, this, 'oidc_discovery');
    });
    after(async () => stack?.close());

    it('is accepted by openid-client, names PUBLIC_URL as issuer and has every field Discovery 1.0 requires', async () => {
      const configuration = await stack.discover('any-client');
      const metadata = configuration.serverMetadata();
      expect(metadata.issuer).to.equal(ISSUER);
      for (const field of REQUIRED) expect(metadata, field).to.have.property(field).that.is.not.empty;
      expect(metadata.response_types_supported).to.deep.equal(['code']);
      expect(metadata.subject_types_supported).to.deep.equal(['public']);
      expect(metadata.userinfo_endpoint).to.equal(`${ISSUER}/oidc/userinfo`);
      expect(metadata.token_endpoint).to.equal(`${ISSUER}/oidc/token`);
      expect(metadata.jwks_uri).to.equal(`${ISSUER}/.well-known/jwks.json`);
      expect(metadata.grant_types_supported).to.include('client_credentials');
      expect(metadata.code_challenge_methods_supported).to.deep.equal(['S256']);
      expect(metadata.token_endpoint_auth_methods_supported).to.have.members(['client_secret_basic', 'client_secret_post', 'none']);
    });

    it('advertises only the algorithm of the active key set, and the JWKS it names holds a key of it', async () => {
      const metadata = (await stack.discover('any-client')).serverMetadata();
      expect(metadata.id_token_signing_alg_values_supported).to.deep.equal(['ES256']);
      const jwks = (await (await stack.fetch(metadata.jwks_uri!)).json()) as { keys: Array<{ alg: string }> };
      expect(jwks.keys.map((key) => key.alg)).to.include('ES256');
      for (const [field, value] of Object.entries(metadata)) {
        if (typeof value === 'string' && /^https?:/.test(value)) expect(value, field).to.satisfy((url: string) => url.startsWith(ISSUER));
      }
    });

    it('takes no URL from Host or X-Forwarded-*: every URL it names starts with PUBLIC_URL', async () => {
      for (const headers of [{ Host: 'evil.example' }, { 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'http' }] as Record<string, string>[]) {
        const answer = await rawGet(stack.bridge.port, '/.well-known/openid-configuration', headers);
        expect(answer.status).to.equal(200);
        const text = answer.body;
        expect(text).to.not.include('evil.example');
        expect(JSON.parse(text)).to.include({ issuer: ISSUER, jwks_uri: `${ISSUER}/.well-known/jwks.json` });
      }
    });
  });

describe('The OpenID discovery document on the other key sets and roles', function () {
  this.timeout(60000);

  it('advertises EdDSA alone when the key set signs EdDSA', async function () {
    const stack = await startOidcStack('embedded', this, 'oidc_eddsa', { JWT_ALGORITHM: 'EdDSA' });
    try {
      const metadata = (await stack.discover('any-client')).serverMetadata();
      expect(metadata.id_token_signing_alg_values_supported).to.deep.equal(['EdDSA']);
    } finally {
      await stack.close();
    }
  });

  it('answers 404 OIDC_UNAVAILABLE naming JWT_ALGORITHM in HS256 mode, beside an empty JWKS, rather than advertising what it cannot verify', async () => {
    const server = await startTestServer(embeddedEnv());
    const bridge = await startBridgeFor(server, 'in-process', { PUBLIC_URL: ISSUER });
    try {
      const answer = await fetch(`${bridge.url}/.well-known/openid-configuration`);
      expect(answer.status).to.equal(404);
      const body = (await answer.json()) as { reason: string; message: string };
      expect(body.reason).to.equal('OIDC_UNAVAILABLE');
      expect(body.message).to.include('JWT_ALGORITHM=ES256');
      expect(await (await fetch(`${bridge.url}/.well-known/jwks.json`)).json()).to.deep.equal({ keys: [] });
      expect((await fetch(`${bridge.url}/oidc/token`, { method: 'POST' })).status).to.equal(404);
    } finally {
      await bridge.close();
      await server.close();
    }
  });

  it('names every URL under the path of a PUBLIC_URL that has one (a proxy serving the bridge under a prefix)', async function () {
    const stack = await startOidcStack('embedded', this, 'oidc_prefix', {}, { PUBLIC_URL: `${ISSUER}/auth` });
    try {
      const metadata = (await (await fetch(`${stack.bridge.url}/.well-known/openid-configuration`)).json()) as Record<string, string>;
      expect(metadata).to.include({ issuer: `${ISSUER}/auth`, token_endpoint: `${ISSUER}/auth/oidc/token`, jwks_uri: `${ISSUER}/auth/.well-known/jwks.json` });
    } finally {
      await stack.close();
    }
  });

  it('answers 404 OIDC_NOT_SERVED from a bridge started alone, which has no stores', async () => {
    const server = await startTestServer(embeddedEnv({ JWT_ALGORITHM: 'ES256', KEY_ENCRYPTION_KEY }));
    const bridge = await startTestBridge(server.address, { PUBLIC_URL: ISSUER });
    try {
      const answer = await fetch(`${bridge.url}/.well-known/openid-configuration`);
      expect(answer.status).to.equal(404);
      expect(((await answer.json()) as { reason: string }).reason).to.equal('OIDC_NOT_SERVED');
    } finally {
      await bridge.close();
      await server.close();
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
