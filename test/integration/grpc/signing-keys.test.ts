import * as fs from 'node:fs';
import * as path from 'node:path';
import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { SigningKeySource, SigningKeyState } from '../../../gen/clientauth/v1/signing_keys.js';
import { generatePrivateKey } from '../../../src/adapters/crypto/jws.js';
import { KEY_ENCRYPTION_KEY_FILE_NAME } from '../../../src/adapters/embedded/development-secret.js';
import { buildApp } from '../../../src/bootstrap/composition.js';
import { loadConfig } from '../../../src/config/index.js';
import { claimsOf, hasHighS, headerOf, hmacToken, openStoredKey, signToken, verifiesWith, withSignatureHalf } from '../../support/jws.js';
import { failure, recordingLogger, SETUP_TITLES, SETUPS, setupEnv, startTestServer, TEST_SECRET, type TestServer } from '../../support/server.js';

const PASSWORD = 'correct horse battery';
const ADMIN = { email: 'keys-admin@example.com', password: 'admin password 1' };
const KEY_ENCRYPTION_KEY = 'a-key-encryption-key-of-at-least-32-bytes!';

for (const setup of SETUPS) {
  describe(`Signing keys on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(30000);
    let server: TestServer;
    let env: Record<string, string>;
    let counter = 0;

    before(async function () {
      env = setupEnv(setup, this, 'keys', {
        JWT_ALGORITHM: 'ES256',
        KEY_ENCRYPTION_KEY,
        SIGNING_KEY_PUBLISH_AHEAD: '2s',
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
      });
      server = await startTestServer(env);
    });
    after(async () => server?.close());

    const session = async () => {
      const email = `signer${++counter}@example.com`;
      await server.api.registerUser({ email, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
      return server.api.login({ email, password: PASSWORD });
    };
    const storedKeys = () => server.app.adapters.signingKeys.list();

    it('signs ES256 tokens that name their key, and GetJwks publishes that key, which verifies them', async () => {
      const { accessToken, client } = await session();
      const header = headerOf(accessToken);
      expect(header).to.include({ alg: 'ES256', typ: 'JWT' });
      const { keys, cacheMaxAgeSeconds } = await server.api.getJwks({});
      const key = keys.find((candidate) => candidate.kid === header['kid']);
      expect(key).to.include({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(verifiesWith(accessToken, key!)).to.equal(true);
      expect(cacheMaxAgeSeconds).to.be.at.least(1);
      // The original gateway's claims are all still there.
      expect(claimsOf(accessToken)).to.include({ id: client!.id, sub: client!.id, kind: 'user', iss: 'client-auth', aud: 'client-auth' });
      expect(claimsOf(accessToken)['groups']).to.deep.equal(['user']);
    });

    it('keeps the private keys sealed at rest: no private member, and the sealed value opens only with KEY_ENCRYPTION_KEY', async () => {
      const [record] = await storedKeys();
      expect(record!.publicKey).not.to.have.property('d');
      expect(record!.sealedPrivateKey).to.match(/^v1\./);
      expect(openStoredKey(record!, KEY_ENCRYPTION_KEY).asymmetricKeyType).to.equal('ec');
      expect(() => openStoredKey(record!, 'another-key-encryption-key-of-32-bytes!!')).to.throw(/does not open/);
    });

    it("refuses a token whose kid is unknown, or whose alg is not its key's (none, HS256 keyed with the public key), with TOKEN_INVALID", async () => {
      const { accessToken } = await session();
      const { kid } = headerOf(accessToken) as { kid: string };
      const claims = claimsOf(accessToken);
      const jwk = (await server.api.getJwks({})).keys.find((key) => key.kid === kid)!;
      const [, payload] = accessToken.split('.');
      const forged = [
        signToken({ alg: 'ES256', typ: 'JWT', kid: 'no-such-key' }, claims, generatePrivateKey('ES256')),
        signToken({ alg: 'ES256', typ: 'JWT' }, claims, generatePrivateKey('ES256')),
        hmacToken({ alg: 'HS256', typ: 'JWT', kid }, claims, JSON.stringify(jwk)),
        hmacToken({ alg: 'HS256', typ: 'JWT', kid }, claims, TEST_SECRET),
        `${Buffer.from(JSON.stringify({ alg: 'none', kid })).toString('base64url')}.${payload}.`,
      ];
      for (const token of forged) {
        expect(await failure(server.api.validateToken({ token }))).to.include({ code: status.UNAUTHENTICATED, reason: 'TOKEN_INVALID' });
      }
    });

    it('refuses a token signed with the signing key itself under a kid the key set does not hold, or under none, with TOKEN_INVALID', async () => {
      const { accessToken } = await session();
      const header = headerOf(accessToken);
      const claims = claimsOf(accessToken);
      const record = (await storedKeys()).find((key) => key.kid === header['kid'])!;
      const privateKey = openStoredKey(record, KEY_ENCRYPTION_KEY);
      // The key and the claims are good: under its own kid the same signing passes.
      expect((await server.api.validateToken({ token: signToken(header, claims, privateKey) })).clientId).to.equal(claims['sub']);

      const { kid: _kid, ...withoutKid } = header;
      for (const forgedHeader of [{ ...header, kid: 'no-such-key' }, { ...header, kid: '' }, withoutKid]) {
        const token = signToken(forgedHeader, claims, privateKey);
        expect(await failure(server.api.validateToken({ token }))).to.include({ code: status.UNAUTHENTICATED, reason: 'TOKEN_INVALID' });
      }
    });

    it('refuses another spelling of a valid token with TOKEN_INVALID: its ES256 signature in high-s form, or characters after it', async () => {
      const { accessToken } = await session();
      const [head, body, signature] = accessToken.split('.') as [string, string, string];
      // Every signature the service gives is in low-s form, so the high-s twin is never its own.
      expect(hasHighS(accessToken)).to.equal(false);
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      // 64 bytes take 86 characters: the last one carries 4 spare bits a lenient decoder ignores.
      const spareBits = alphabet[alphabet.indexOf(signature.at(-1)!) ^ 1]!;
      const spellings = [
        withSignatureHalf(accessToken, 'high'),
        `${accessToken}!!`,
        `${accessToken}==`,
        `${accessToken}.`,
        `${head}.${body}.${signature.slice(0, -1)}${spareBits}`,
        `${head}.${body}.${signature.slice(0, 43)}\n${signature.slice(43)}`,
      ];
      for (const token of spellings) {
        expect(await failure(server.api.validateToken({ token })), JSON.stringify(token.slice(-8))).to.include({
          code: status.UNAUTHENTICATED,
          reason: 'TOKEN_INVALID',
        });
      }
      expect((await server.api.validateToken({ token: accessToken })).clientId).to.equal(claimsOf(accessToken)['sub']);
    });

    it('refuses a token whose header was changed after signing, with TOKEN_INVALID', async () => {
      const { accessToken } = await session();
      const [, body, signature] = accessToken.split('.');
      const header = headerOf(accessToken);
      const headers = [
        { ...header, typ: 'at+jwt' },
        { ...header, jku: 'https://attacker.example/jwks.json' },
        { kid: header['kid'], typ: 'JWT', alg: 'ES256' },
      ];
      for (const changed of headers) {
        const token = `${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${body}.${signature}`;
        expect(await failure(server.api.validateToken({ token }))).to.include({ code: status.UNAUTHENTICATED, reason: 'TOKEN_INVALID' });
      }
    });

    it('refuses, as RFC 8725 advises, a crit header, an iat beyond the clock skew and a lifetime longer than configured', async () => {
      const { accessToken } = await session();
      const header = headerOf(accessToken);
      const claims = claimsOf(accessToken) as { iat: number; exp: number };
      const record = (await storedKeys()).find((key) => key.kid === header['kid'])!;
      const privateKey = openStoredKey(record, KEY_ENCRYPTION_KEY);
      const now = Math.floor(Date.now() / 1000);
      const withClaims = (changes: object, extraHeader: object = {}) => signToken({ ...header, ...extraHeader }, { ...claims, ...changes }, privateKey);

      expect((await server.api.validateToken({ token: withClaims({ iat: now + 20, exp: now + 600 }) })).clientId).to.equal(claimsOf(accessToken)['sub']);
      const refused = [
        withClaims({}, { crit: ['exp'] }),
        // The one extension jose itself understands; this issuer never sets it.
        withClaims({}, { crit: ['b64'], b64: true }),
        withClaims({ iat: now + 120, exp: now + 600 }),
        withClaims({ iat: now, exp: now + 15 * 60 + 1 }),
      ];
      for (const token of refused) {
        expect(await failure(server.api.validateToken({ token }))).to.include({ reason: 'TOKEN_INVALID' });
      }
    });

    it('lets only admins rotate; a new key is published at once, signs after the publish-ahead time, and no token is refused', async () => {
      const before = await session();
      const oldKid = headerOf(before.accessToken)['kid'];
      const user = await session();
      expect(await failure(server.api.rotateSigningKey({}, { token: user.accessToken }))).to.include({
        code: status.PERMISSION_DENIED,
        reason: 'PERMISSION_DENIED',
      });

      const adminToken = (await server.api.login(ADMIN)).accessToken;
      const rotated = await server.api.rotateSigningKey({}, { token: adminToken });
      expect(rotated.kid).to.not.equal(oldKid);
      expect(rotated.activateTime!.getTime() - rotated.publishTime!.getTime()).to.equal(2000);
      expect((await server.api.getJwks({})).keys.map((key) => key.kid)).to.include.members([oldKid, rotated.kid]);
      expect(headerOf((await session()).accessToken)['kid']).to.equal(oldKid);
      expect((await server.api.rotateSigningKey({}, { token: adminToken })).kid).to.equal(rotated.kid);

      await new Promise((resolve) => setTimeout(resolve, rotated.activateTime!.getTime() - Date.now() + 50));
      const after = await session();
      expect(headerOf(after.accessToken)['kid']).to.equal(rotated.kid);
      expect((await server.api.validateToken({ token: before.accessToken })).clientId).to.equal(claimsOf(before.accessToken)['sub']);
      expect((await server.api.getJwks({})).keys.map((key) => key.kid)).to.include.members([oldKid, rotated.kid]);
    });

    it('stops start-up on a wrong KEY_ENCRYPTION_KEY with a clear message, and generates no key over the stored ones', async () => {
      const stored = await storedKeys();
      const logs: string[] = [];
      const wrong = loadConfig({ ...env, KEY_ENCRYPTION_KEY: 'not-the-key-the-signing-keys-were-sealed-with' });
      const error = await buildApp(wrong, recordingLogger(logs)).then(
        () => null,
        (caught: Error) => caught,
      );
      expect(error?.message).to.contain('KEY_ENCRYPTION_KEY').and.contain('does not open the stored signing key').and.contain('No new key set is generated');
      expect((await storedKeys()).map((key) => key.kid)).to.deep.equal(stored.map((key) => key.kid));
    });
  });
}

describe('Signing keys of instances starting together on one empty store', function () {
  this.timeout(30000);
  it('agree on one key: both sign with it and the store holds it alone', async function () {
    const env = setupEnv('shared', this, 'keys_together', { JWT_ALGORITHM: 'ES256', KEY_ENCRYPTION_KEY });
    const servers = await Promise.all([startTestServer(env), startTestServer(env), startTestServer(env)]);
    try {
      const stored = await servers[0]!.app.adapters.signingKeys.list();
      expect(stored).to.have.length(1);
      for (const server of servers) {
        const { keys } = await server.api.getJwks({});
        expect(keys.map((key) => key.kid)).to.deep.equal([stored[0]!.kid]);
      }
    } finally {
      for (const server of servers) await server.close();
    }
  });
});

describe('Signing keys in other modes', function () {
  this.timeout(30000);
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });
  const start = async (env: Record<string, string>) => {
    const server = await startTestServer(env);
    servers.push(server);
    return server;
  };
  const login = async (server: TestServer) => {
    const email = `mode${Date.now()}@example.com`;
    await server.api.registerUser({ email, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
    return (await server.api.login({ email, password: PASSWORD })).accessToken;
  };

  it("stays on HS256 when only JWT_SECRET_KEY is set: kid in the header, the original gateway's check passes, the JWKS is empty, and it says asymmetric is recommended", async function () {
    const server = await start(setupEnv('embedded', this, 'hs256'));
    const token = await login(server);
    expect(headerOf(token)).to.include({ alg: 'HS256' }).and.to.have.property('kid');
    expect(() => jwt.verify(token, TEST_SECRET, { algorithms: ['HS256'] })).not.to.throw();
    expect((await server.api.getJwks({})).keys).to.deep.equal([]);
    const recommendations = server.logs.filter((line) => line.includes('Asymmetric signing is recommended'));
    expect(recommendations).to.have.length(1);
    expect(recommendations[0]).to.contain('"level":"warn"');
  });

  it('accepts HS256 tokens signed before kids existed, and refuses an HS256 token with another kid', async function () {
    const server = await start(setupEnv('embedded', this, 'hs256-legacy'));
    const claims = claimsOf(await login(server));
    const legacy = jwt.sign(claims, TEST_SECRET, { algorithm: 'HS256' });
    expect((await server.api.validateToken({ token: legacy })).clientId).to.equal(claims['sub']);
    expect(await failure(server.api.validateToken({ token: hmacToken({ alg: 'HS256', kid: 'elsewhere' }, claims, TEST_SECRET) }))).to.include({
      reason: 'TOKEN_INVALID',
    });
  });

  it('refuses RotateSigningKey with FAILED_PRECONDITION / SIGNING_KEY_NOT_ROTATABLE on HS256', async function () {
    const server = await start(setupEnv('embedded', this, 'hs256-rotate', { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }));
    const adminToken = (await server.api.login(ADMIN)).accessToken;
    expect(await failure(server.api.rotateSigningKey({}, { token: adminToken }))).to.include({
      code: status.FAILED_PRECONDITION,
      reason: 'SIGNING_KEY_NOT_ROTATABLE',
    });
  });

  it('signs EdDSA with the key of JWT_PRIVATE_KEY_FILE, publishes its public half only, and leaves its rotation to the operator', async function () {
    const env = setupEnv('embedded', this, 'pem', { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    const file = path.join(env['DATA_DIR']!, 'signing-key.pem');
    fs.writeFileSync(file, generatePrivateKey('EdDSA').export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    const { JWT_SECRET_KEY: _secret, ...withoutSecret } = env;
    const server = await start({ ...withoutSecret, JWT_PRIVATE_KEY_FILE: file });
    const token = await login(server);
    const { keys } = await server.api.getJwks({});
    expect(keys).to.have.length(1);
    expect(keys[0]).to.include({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', kid: headerOf(token)['kid'], y: '' });
    expect(verifiesWith(token, keys[0]!)).to.equal(true);
    const adminToken = (await server.api.login(ADMIN)).accessToken;
    expect(await failure(server.api.rotateSigningKey({}, { token: adminToken }))).to.include({ reason: 'SIGNING_KEY_NOT_ROTATABLE' });
    // ListSigningKeys: the operator's one key, signing, with no dates the service could know.
    expect(await server.api.listSigningKeys({}, { token: adminToken })).to.deep.equal({
      source: SigningKeySource.SIGNING_KEY_SOURCE_FILE,
      keys: [
        {
          kid: keys[0]!.kid,
          algorithm: 'EdDSA',
          state: SigningKeyState.SIGNING_KEY_STATE_ACTIVE,
          createTime: undefined,
          activateTime: undefined,
          retireTime: undefined,
          expireTime: undefined,
        },
      ],
    });
  });

  it('generates the key-encryption key into DATA_DIR when embedded, and refuses to start once that file is lost, naming it and writing no new one', async function () {
    const { JWT_SECRET_KEY: _secret, ...env } = setupEnv('embedded', this, 'kek');
    const server = await start(env);
    const token = await login(server);
    expect(headerOf(token)).to.include({ alg: 'ES256' });
    const file = path.join(env['DATA_DIR']!, KEY_ENCRYPTION_KEY_FILE_NAME);
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
    expect(server.logs.some((line) => line.includes('KEY_ENCRYPTION_KEY is not set') && line.includes('MUST set KEY_ENCRYPTION_KEY in production'))).to.equal(
      true,
    );
    const stored = await server.app.adapters.signingKeys.list();
    const kek = fs.readFileSync(file);
    await servers.pop()!.close();

    fs.rmSync(file);
    const error = await buildApp(loadConfig(env), recordingLogger([])).then(
      () => null,
      (caught: Error) => caught,
    );
    // No new key file over the stored keys: putting the old one back is all it takes.
    expect(fs.existsSync(file)).to.equal(false);
    expect(error?.message)
      .to.contain(`${file} generated in DATA_DIR is missing`)
      .and.contain('holds 1 signing key(s) sealed with it')
      .and.contain('put the file back')
      .and.contain('KEY_ENCRYPTION_KEY');

    fs.writeFileSync(file, kek, { mode: 0o600 });
    const restarted = await start(env);
    expect((await restarted.app.adapters.signingKeys.list()).map((key) => key.kid)).to.deep.equal(stored.map((key) => key.kid));
    expect((await restarted.api.validateToken({ token })).clientId).to.equal(claimsOf(token)['sub']);
  });
});
