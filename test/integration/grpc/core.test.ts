import { createHash } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import bcrypt from 'bcrypt';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { ClientKind } from '../../../gen/clientauth/v1/client.js';
import type { LoginResponse } from '../../../gen/clientauth/v1/client_auth.js';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, TEST_SECRET, type TestServer } from '../../support/server.js';

const PASSWORD = 'correct horse battery';

for (const setup of SETUPS)
  describe(`ClientAuth over gRPC on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(30000);
    let server: TestServer;
    let counter = 0;
    const email = () => `user${++counter}.${Date.now()}@example.com`;

    before(async function () {
      // No reuse interval: these tests show reuse detection itself (test/integration/grpc/refresh-reuse.test.ts shows the interval).
      server = await startTestServer(setupEnv(setup, this, 'core', { BCRYPT_COST: '5', REFRESH_REUSE_INTERVAL_SEC: '0' }));
    });
    after(async () => server?.close());

    const register = (address = email(), password = PASSWORD) =>
      server.api.registerUser({
        email: address,
        password,
        firstName: 'Ada',
        lastName: 'Lovelace',
        phoneNumber: '+44 20 0000',
        attributes: { team: 'engines' },
      });
    const login = (address: string, password = PASSWORD) => server.api.login({ email: address, password });
    const validate = (token: string) => server.api.validateToken({ token });
    const refresh = (refreshToken: string) => server.api.refreshToken({ refreshToken });
    const stored = (id: string) => server.store.client(id);

    describe('RegisterUser', () => {
      it('registers a user with a normalised email in the "user" group only, and returns no hash', async () => {
        const address = email();
        const { client } = await register(`  ${address.toUpperCase()} `);
        expect(client!.email).to.equal(address);
        expect(client!.groups).to.deep.equal(['user']);
        expect(client!.kind).to.equal(ClientKind.CLIENT_KIND_USER);
        expect(client!.attributes).to.deep.equal({ team: 'engines' });
        expect(JSON.stringify(client)).not.to.match(/\$2[aby]\$/);
        const record = await stored(client!.id);
        expect(record!['passwordHash']).to.match(/^\$2b\$05\$/);
      });

      it('refuses a second registration of an email with ALREADY_EXISTS / EMAIL_TAKEN', async () => {
        const address = email();
        await register(address);
        const failed = await failure(register(address.toUpperCase()));
        expect(failed).to.include({ code: status.ALREADY_EXISTS, reason: 'EMAIL_TAKEN' });
      });

      it('gives exactly one success among 50 concurrent registrations of one email', async () => {
        const address = email();
        const results = await Promise.allSettled(Array.from({ length: 50 }, () => register(address)));
        const ok = results.filter((r) => r.status === 'fulfilled');
        const reasons = await Promise.all(
          results.filter((r) => r.status === 'rejected').map((r) => failure(Promise.reject((r as PromiseRejectedResult).reason))),
        );
        expect(ok).to.have.length(1);
        expect(reasons).to.have.length(49);
        expect(reasons.every((r) => r.reason === 'EMAIL_TAKEN')).to.equal(true);
        expect(await server.store.countClients({ email: address })).to.equal(1);
      });

      const badInputs: Array<[string, string, string, string]> = [
        ['an invalid email', 'not-an-email', PASSWORD, 'email'],
        ['an empty email', '', PASSWORD, 'email'],
        ['a password under 8 characters', 'x', 'short1!', 'password'],
        ['a password under 8 characters, though of more than 8 bytes', 'x', '🙂🎉🚀🌍🐱', 'password'],
        ['a password over 72 bytes of UTF-8', 'x', 'é'.repeat(37), 'password'],
        ['a password with a NUL', 'x', 'abcdefgh\u0000ij', 'password'],
      ];
      for (const [what, address, password, field] of badInputs) {
        it(`refuses ${what} with INVALID_ARGUMENT naming ${field}, and stores nothing`, async () => {
          const used = address === 'x' ? email() : address;
          const before = await server.store.countClients();
          const failed = await failure(register(used, password));
          expect(failed).to.include({ code: status.INVALID_ARGUMENT, reason: 'INVALID_ARGUMENT', field });
          expect(failed.message).to.be.a('string').and.not.equal('');
          expect(await server.store.countClients()).to.equal(before);
        });
      }

      it('accepts a 72-byte password and refuses 73 bytes', async () => {
        // 72 bytes of a passphrase the strength estimator accepts (a repeated pattern it would not).
        const longest = 'velvet tractor umbrella harbour quietly folding paper lanterns at dusk 4';
        expect(Buffer.byteLength(longest)).to.equal(72);
        await register(email(), longest);
        const failed = await failure(register(email(), `${longest}b`));
        expect(failed).to.include({ field: 'password', reason: 'INVALID_ARGUMENT' });
      });

      it('accepts a password of any composition: lower-case words alone, digits alone, any script with symbols and emoji', async () => {
        // No composition rule (NIST SP 800-63B): none of these has an upper-case letter; two have no symbol, one no letter.
        for (const password of ['plum violin orbit seldom', '4921 7730 5518 2046', 'żółw ωμέγα 雪山 ☃ 🙂 kayak']) {
          const address = email();
          await register(address, password);
          expect((await login(address, password)).accessToken, password)
            .to.be.a('string')
            .and.not.equal('');
        }
      });

      it('refuses a message over 64 KiB with RESOURCE_EXHAUSTED', async () => {
        const failed = await failure(
          server.api.registerUser({
            email: email(),
            password: PASSWORD,
            firstName: 'x'.repeat(70 * 1024),
            lastName: '',
            phoneNumber: '',
            attributes: {},
          }),
        );
        expect(failed.code).to.equal(status.RESOURCE_EXHAUSTED);
      });
    });

    describe('Login and the access token', () => {
      it('returns an HS256 JWT with the gateway claims, a refresh token and the client', async () => {
        const address = email();
        const { client } = await register(address);
        const response = await login(address);
        const decoded = jwt.decode(response.accessToken, { complete: true })!;
        expect(decoded.header.alg).to.equal('HS256');
        const claims = jwt.verify(response.accessToken, TEST_SECRET, { algorithms: ['HS256'] }) as jwt.JwtPayload;
        expect(claims['id']).to.equal(client!.id);
        expect(claims.sub).to.equal(client!.id);
        expect(claims['groups']).to.deep.equal(['user']);
        expect(claims['kind']).to.equal('user');
        expect(claims['sid']).to.be.a('string').with.length(36);
        expect(claims.jti).to.be.a('string');
        expect(claims.iss).to.equal('client-auth');
        expect(claims.aud).to.equal('client-auth');
        expect(claims.exp! - claims.iat!).to.equal(15 * 60);
        expect(response.accessTokenExpireTime!.getTime()).to.equal(claims.exp! * 1000);
        // The client and the session, then the 256-bit secret.
        expect(response.refreshToken.split('.')).to.have.length(3);
        expect(response.refreshToken).to.satisfy((token: string) => token.startsWith(`${client!.id}.${claims['sid']}.`));
        expect(response.refreshToken.split('.')[2]).to.match(/^[A-Za-z0-9_-]{43}$/);
        expect(response.client!.id).to.equal(client!.id);
      });

      it('answers an unknown email and a wrong password with the same INVALID_CREDENTIALS', async () => {
        const address = email();
        await register(address);
        const wrongPassword = await failure(login(address, 'wrong password'));
        const unknownEmail = await failure(login(email(), 'wrong password'));
        expect(wrongPassword).to.deep.equal(unknownEmail);
        expect(wrongPassword).to.include({ code: status.UNAUTHENTICATED, reason: 'INVALID_CREDENTIALS' });
      });

      it('verifies the password exactly as given: another case, spacing, width or length is INVALID_CREDENTIALS, and past 72 bytes it is refused, never cut', async () => {
        const password = 'Velvet Tractor Umbrella Harbour';
        const address = email();
        await register(address, password);
        const variants = [
          'velvet tractor umbrella harbour',
          'VELVET TRACTOR UMBRELLA HARBOUR',
          ' Velvet Tractor Umbrella Harbour',
          'Velvet Tractor Umbrella Harbour ',
          'VelvetTractor Umbrella Harbour',
          'Ｖelvet Tractor Umbrella Harbour',
          'Velvet Tractor Umbrella Harbou',
          'Velvet Tractor Umbrella Harbours',
        ];
        for (const variant of variants) {
          expect(await failure(login(address, variant)), JSON.stringify(variant)).to.include({ code: status.UNAUTHENTICATED, reason: 'INVALID_CREDENTIALS' });
        }
        // bcrypt reads no further than 72 bytes: a longer password must not log in as its first 72.
        const longest = 'velvet tractor umbrella harbour quietly folding paper lanterns at dusk 4';
        const other = email();
        await register(other, longest);
        expect(await failure(login(other, `${longest}b`))).to.include({ code: status.INVALID_ARGUMENT, field: 'password' });
        expect((await login(address, password)).accessToken).to.not.equal('');
        expect((await login(other, longest)).accessToken).to.not.equal('');
      });

      it('takes only an access token as one: a refresh token is TOKEN_INVALID to ValidateToken and GetMe, and an access token is no refresh token', async () => {
        const address = email();
        await register(address);
        const session = await login(address);
        expect(await failure(validate(session.refreshToken))).to.include({ code: status.UNAUTHENTICATED, reason: 'TOKEN_INVALID' });
        expect(await failure(server.api.getMe({}, { token: session.refreshToken }))).to.include({ code: status.UNAUTHENTICATED, reason: 'TOKEN_INVALID' });
        expect(await failure(refresh(session.accessToken))).to.include({ code: status.UNAUTHENTICATED, reason: 'TOKEN_INVALID' });
        // Neither mistake cost the session anything.
        expect((await refresh(session.refreshToken)).accessToken).to.not.equal('');
      });

      it('re-hashes a password stored with a lower cost at the next successful login', async () => {
        const address = email();
        const { client } = await register(address);
        await server.store.updateClient(client!.id, { passwordHash: await bcrypt.hash(PASSWORD, 4) });
        await login(address);
        const record = await stored(client!.id);
        expect(bcrypt.getRounds(record!['passwordHash'] as string)).to.equal(5);
        expect(await bcrypt.compare(PASSWORD, record!['passwordHash'] as string)).to.equal(true);
      });

      it('refuses tokens that are forged, tampered, expired, unsigned or malformed', async () => {
        const address = email();
        await register(address);
        const { accessToken } = await login(address);
        const claims = jwt.decode(accessToken) as jwt.JwtPayload;
        const [header, payload, signature] = accessToken.split('.');
        const tamperedPayload = Buffer.from(JSON.stringify({ ...claims, groups: ['user', 'admin'] })).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        const base = { id: claims.sub, sub: claims.sub, groups: ['user'], kind: 'user', sid: claims['sid'] };
        const options = { algorithm: 'HS256' as const, issuer: 'client-auth', audience: 'client-auth' };
        const cases: Array<[string, string, string]> = [
          ['tampered payload', `${header}.${tamperedPayload}.${signature}`, 'TOKEN_INVALID'],
          ['another key', jwt.sign({ ...base, exp: now + 60 }, 'another-secret-of-sufficient-length!!', options), 'TOKEN_INVALID'],
          ['alg none', `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`, 'TOKEN_INVALID'],
          ['malformed', 'not.a.jwt', 'TOKEN_INVALID'],
          ['garbage', '%%%', 'TOKEN_INVALID'],
          ['no exp', jwt.sign(base, TEST_SECRET, options), 'TOKEN_INVALID'],
          ['wrong issuer', jwt.sign({ ...base, exp: now + 60 }, TEST_SECRET, { ...options, issuer: 'elsewhere' }), 'TOKEN_INVALID'],
          ['wrong audience', jwt.sign({ ...base, exp: now + 60 }, TEST_SECRET, { ...options, audience: 'elsewhere' }), 'TOKEN_INVALID'],
          ['HS512', jwt.sign({ ...base, exp: now + 60 }, TEST_SECRET, { ...options, algorithm: 'HS512' }), 'TOKEN_INVALID'],
          ['expired', jwt.sign({ ...base, iat: now - 120, exp: now - 60 }, TEST_SECRET, options), 'TOKEN_EXPIRED'],
        ];
        for (const [what, token, reason] of cases) {
          const failed = await failure(validate(token));
          expect(failed, what).to.include({ code: status.UNAUTHENTICATED, reason });
        }
        const valid = await validate(accessToken);
        expect(valid.clientId).to.equal(claims.sub);
      });

      it('returns who the token speaks for from ValidateToken', async () => {
        const address = email();
        const { client } = await register(address);
        const { accessToken, accessTokenExpireTime } = await login(address);
        const validated = await validate(accessToken);
        expect(validated).to.deep.include({
          clientId: client!.id,
          kind: ClientKind.CLIENT_KIND_USER,
          groups: ['user'],
          expireTime: accessTokenExpireTime,
        });
        expect(validated.sessionId).to.equal((jwt.decode(accessToken) as jwt.JwtPayload)['sid']);
      });
    });

    describe('RefreshToken', () => {
      let session: LoginResponse;
      beforeEach(async () => {
        const address = email();
        await register(address);
        session = await login(address);
      });

      it('rotates: returns a new pair in the same session and retires the old refresh token', async () => {
        const rotated = await refresh(session.refreshToken);
        expect(rotated.refreshToken).not.to.equal(session.refreshToken);
        expect(rotated.accessToken).not.to.equal(session.accessToken);
        expect((await validate(rotated.accessToken)).sessionId).to.equal((await validate(session.accessToken)).sessionId);
        const again = await refresh(rotated.refreshToken);
        expect(again.refreshToken).to.be.a('string');
      });

      it('revokes the whole family when a retired refresh token comes back', async () => {
        const rotated = await refresh(session.refreshToken);
        const reused = await failure(refresh(session.refreshToken));
        expect(reused).to.include({ code: status.UNAUTHENTICATED, reason: 'REFRESH_TOKEN_REUSED' });
        expect((await failure(refresh(rotated.refreshToken))).code).to.equal(status.UNAUTHENTICATED);
        expect(await failure(validate(rotated.accessToken))).to.include({ reason: 'SESSION_REVOKED' });
        expect(await failure(validate(session.accessToken))).to.include({ reason: 'SESSION_REVOKED' });
      });

      it('lets exactly one of 10 concurrent rotations of one token win', async () => {
        const results = await Promise.allSettled(Array.from({ length: 10 }, () => refresh(session.refreshToken)));
        expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
        expect(await server.store.countRefreshTokens({ parent: createHash('sha256').update(session.refreshToken).digest('hex') })).to.equal(1);
      });

      it('refuses an unknown or empty refresh token with a clear reason', async () => {
        expect(await failure(refresh('x'.repeat(43)))).to.include({ code: status.UNAUTHENTICATED, reason: 'TOKEN_INVALID' });
        expect(await failure(refresh(''))).to.include({ code: status.INVALID_ARGUMENT, field: 'refresh_token' });
      });

      it('stores refresh tokens only as SHA-256 hashes', async () => {
        const digest = createHash('sha256').update(session.refreshToken).digest('hex');
        expect(await server.store.countRefreshTokens({ hash: digest })).to.equal(1);
        const everything = await server.store.dumpRefreshTokens();
        expect(everything).not.to.contain(session.refreshToken);
      });
    });

    describe('Logout', () => {
      it('accepts an expired access token, so a returning browser can still end its session', async () => {
        const address = email();
        await register(address);
        const session = await login(address);
        const claims = jwt.decode(session.accessToken) as jwt.JwtPayload;
        const now = Math.floor(Date.now() / 1000);
        const expired = jwt.sign({ ...claims, iat: now - 1000, exp: now - 100 }, TEST_SECRET, { algorithm: 'HS256' });
        expect(await failure(validate(expired))).to.include({ reason: 'TOKEN_EXPIRED' });
        await server.api.logout({}, { token: expired });
        expect(await failure(refresh(session.refreshToken))).to.include({ code: status.UNAUTHENTICATED, reason: 'SESSION_REVOKED' });
        const forged = jwt.sign({ ...claims, iat: now - 1000, exp: now - 100 }, 'another-secret-of-sufficient-length!!', { algorithm: 'HS256' });
        expect(await failure(server.api.logout({}, { token: forged }))).to.include({ reason: 'TOKEN_INVALID' });
      });

      it('revokes the session: the refresh token stops working and the access token fails at once', async () => {
        const address = email();
        await register(address);
        const session = await login(address);
        await server.api.logout({}, { token: session.accessToken });
        expect(await failure(validate(session.accessToken))).to.include({ code: status.UNAUTHENTICATED, reason: 'SESSION_REVOKED' });
        expect(await failure(refresh(session.refreshToken))).to.include({ code: status.UNAUTHENTICATED, reason: 'SESSION_REVOKED' });
        expect(await failure(server.api.getMe({}, { token: session.accessToken }))).to.include({ reason: 'SESSION_REVOKED' });
        await server.api.logout({}, { token: session.accessToken });
      });

      it("leaves the client's other sessions alone", async () => {
        const address = email();
        await register(address);
        const first = await login(address);
        const second = await login(address);
        await server.api.logout({}, { token: first.accessToken });
        expect((await validate(second.accessToken)).clientId).to.be.a('string');
      });

      it('needs a bearer token', async () => {
        expect(await failure(server.api.logout({}))).to.include({ code: status.UNAUTHENTICATED, reason: 'TOKEN_MISSING' });
      });
    });

    describe('GetMe', () => {
      it("returns the caller's data and never a hash", async () => {
        const address = email();
        const { client } = await register(address);
        const { accessToken } = await login(address);
        const me = await server.api.getMe({}, { token: accessToken });
        expect(me.client).to.deep.equal(client);
        expect(Object.keys(me.client!)).not.to.include.members(['passwordHash', 'secretHash']);
      });

      it('refuses a missing or invalid bearer token', async () => {
        expect(await failure(server.api.getMe({}))).to.include({ code: status.UNAUTHENTICATED, reason: 'TOKEN_MISSING' });
        expect(await failure(server.api.getMe({}, { token: 'nope' }))).to.include({ code: status.UNAUTHENTICATED, reason: 'TOKEN_INVALID' });
      });
    });

    describe('ChangePassword', () => {
      it('changes the password and revokes every other session of the client', async () => {
        const address = email();
        await register(address);
        const mine = await login(address);
        const other = await login(address);
        await server.api.changePassword({ currentPassword: PASSWORD, newPassword: 'a brand new password' }, { token: mine.accessToken });
        expect(await failure(validate(other.accessToken))).to.include({ reason: 'SESSION_REVOKED' });
        expect(await failure(refresh(other.refreshToken))).to.include({ reason: 'SESSION_REVOKED' });
        expect((await validate(mine.accessToken)).clientId).to.be.a('string');
        expect(await failure(login(address))).to.include({ reason: 'INVALID_CREDENTIALS' });
        await login(address, 'a brand new password');
      });

      it('refuses a wrong current password and a too-short new one, changing nothing', async () => {
        const address = email();
        await register(address);
        const { accessToken } = await login(address);
        expect(
          await failure(server.api.changePassword({ currentPassword: 'wrong password', newPassword: 'another password' }, { token: accessToken })),
        ).to.include({ code: status.UNAUTHENTICATED, reason: 'INVALID_CREDENTIALS' });
        expect(await failure(server.api.changePassword({ currentPassword: PASSWORD, newPassword: 'short' }, { token: accessToken }))).to.include({
          code: status.INVALID_ARGUMENT,
          field: 'new_password',
        });
        await login(address);
      });
    });

    describe('RegisterService and IssueServiceToken', () => {
      let adminToken: string;
      before(async () => {
        const address = email();
        const { client } = await register(address);
        await server.store.updateClient(client!.id, { groups: ['user', 'admin'] });
        adminToken = (await login(address)).accessToken;
      });

      it('refuses a non-admin with PERMISSION_DENIED', async () => {
        const address = email();
        await register(address);
        const { accessToken } = await login(address);
        const failed = await failure(server.api.registerService({ email: email(), name: 'billing', groups: [] }, { token: accessToken }));
        expect(failed).to.include({ code: status.PERMISSION_DENIED, reason: 'PERMISSION_DENIED' });
      });

      it('registers a service whose secret is shown once and stored only as a hash', async () => {
        const registered = await server.api.registerService({ email: email(), name: 'billing', groups: ['billing'] }, { token: adminToken });
        expect(registered.client!.kind).to.equal(ClientKind.CLIENT_KIND_SERVICE);
        expect(registered.client!.groups).to.deep.equal(['service', 'billing']);
        expect(registered.clientSecret).to.match(/^[A-Za-z0-9_-]{43}$/);
        const record = await stored(registered.client!.id);
        expect(record!['secretHash']).to.equal(createHash('sha256').update(registered.clientSecret).digest('hex'));
        expect(JSON.stringify(record)).not.to.contain(registered.clientSecret);
        const fetched = await server.api.getClient({ clientId: registered.client!.id }, { token: adminToken });
        expect(JSON.stringify(fetched)).not.to.contain(registered.clientSecret);
      });

      it('exchanges the id and secret for a short-lived service token, and refuses a wrong secret', async () => {
        const { client, clientSecret } = await server.api.registerService({ email: email(), name: 'mailer', groups: [] }, { token: adminToken });
        const issued = await server.api.issueServiceToken({ clientId: client!.id, clientSecret });
        const claims = jwt.verify(issued.accessToken, TEST_SECRET, { algorithms: ['HS256'] }) as jwt.JwtPayload;
        expect(claims).to.include({ id: client!.id, sub: client!.id, kind: 'service' });
        expect(claims.exp! - claims.iat!).to.equal(15 * 60);
        const validated = await validate(issued.accessToken);
        expect(validated.kind).to.equal(ClientKind.CLIENT_KIND_SERVICE);

        const wrong = await failure(server.api.issueServiceToken({ clientId: client!.id, clientSecret: 'x'.repeat(43) }));
        const unknown = await failure(server.api.issueServiceToken({ clientId: '0190d6a8-0000-7000-8000-000000000000', clientSecret }));
        expect(wrong).to.include({ code: status.UNAUTHENTICATED, reason: 'INVALID_CREDENTIALS' });
        expect(unknown).to.deep.equal(wrong);
      });

      it('does not let a service log in with a password or a user take a service token', async () => {
        const { client } = await server.api.registerService({ email: email(), name: 'cron', groups: [] }, { token: adminToken });
        expect(await failure(login(client!.email, PASSWORD))).to.include({ reason: 'INVALID_CREDENTIALS' });
        const user = await register(email());
        expect(await failure(server.api.issueServiceToken({ clientId: user.client!.id, clientSecret: 'x'.repeat(43) }))).to.include({
          reason: 'INVALID_CREDENTIALS',
        });
      });
    });

    describe('what never leaves the service', () => {
      it('logs no password, refresh token or access token', async () => {
        const address = email();
        await register(address, 'a very secret password');
        const session = await login(address, 'a very secret password');
        await refresh(session.refreshToken);
        await failure(login(address, 'another secret guess'));
        const logs = server.logs.join('\n');
        for (const secret of ['a very secret password', 'another secret guess', session.refreshToken, session.accessToken]) {
          expect(logs).not.to.contain(secret);
        }
        expect(logs).to.contain('"method":"Login"');
      });
    });
  });
