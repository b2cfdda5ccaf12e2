import { createHash, randomBytes } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { claimsOf } from '../../support/jws.js';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';

const PASSWORD = 'correct horse battery';

for (const setup of SETUPS) {
  describe(`Refreshing one token from several tabs at once on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(30000);
    let server: TestServer;
    let counter = 0;

    before(async function () {
      server = await startTestServer(setupEnv(setup, this, 'reuse', { REFRESH_REUSE_INTERVAL_SEC: '1' }));
    });
    after(async () => server?.close());

    const login = async () => {
      const email = `tabs${++counter}@example.com`;
      await server.api.registerUser({ email, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
      return server.api.login({ email, password: PASSWORD });
    };
    const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

    it('answers 20 concurrent refreshes with one token with one and the same pair, and the session stays alive', async () => {
      const session = await login();
      const answers = await Promise.all(Array.from({ length: 20 }, () => server.api.refreshToken({ refreshToken: session.refreshToken })));
      expect(new Set(answers.map((answer) => answer.refreshToken)).size).to.equal(1);
      expect(new Set(answers.map((answer) => answer.accessToken)).size).to.equal(1);
      expect(answers[0]!.client!.email).to.equal(session.client!.email);
      expect(await server.store.countRefreshTokens({ parent: sha256(session.refreshToken) })).to.equal(1);

      expect((await server.api.validateToken({ token: answers[0]!.accessToken })).sessionId).to.be.a('string');
      const next = await server.api.refreshToken({ refreshToken: answers[0]!.refreshToken });
      expect((await server.api.validateToken({ token: next.accessToken })).clientId).to.equal(session.client!.id);
    });

    it('keeps the answer sealed in the store: neither new token is readable there', async () => {
      const session = await login();
      const answer = await server.api.refreshToken({ refreshToken: session.refreshToken });
      const stored = await server.store.dumpRefreshTokens();
      expect(stored).not.to.contain(answer.refreshToken);
      expect(stored).not.to.contain(answer.accessToken.split('.')[1]);
    });

    it('still revokes the whole family when a retired token comes back after the interval', async () => {
      const session = await login();
      const rotated = await server.api.refreshToken({ refreshToken: session.refreshToken });
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(await failure(server.api.refreshToken({ refreshToken: session.refreshToken }))).to.include({
        code: status.UNAUTHENTICATED,
        reason: 'REFRESH_TOKEN_REUSED',
      });
      expect(await failure(server.api.validateToken({ token: rotated.accessToken }))).to.include({ reason: 'SESSION_REVOKED' });
    });

    it('refuses a refresh token whose named client or session was changed, and still rotates one issued before tokens named them', async () => {
      const session = await login();
      const other = await login();
      const [clientId, , secret] = session.refreshToken.split('.');
      const [, otherSessionId] = other.refreshToken.split('.');
      expect(await failure(server.api.refreshToken({ refreshToken: `${clientId}.${otherSessionId}.${secret}` }))).to.include({ reason: 'TOKEN_INVALID' });

      const legacy = randomBytes(32).toString('base64url');
      const sessionId = claimsOf(session.accessToken)['sid'] as string;
      const now = new Date();
      await server.app.adapters.sessions.create(
        { id: `${sessionId.slice(0, -4)}beef`, clientId: clientId!, createdAt: now, expiresAt: new Date(now.getTime() + 3600_000), revokedAt: null },
        {
          hash: sha256(legacy),
          sessionId: `${sessionId.slice(0, -4)}beef`,
          clientId: clientId!,
          parent: `root:legacy-${legacy}`,
          createdAt: now,
          expiresAt: new Date(now.getTime() + 3600_000),
        },
      );
      const rotated = await server.api.refreshToken({ refreshToken: legacy });
      expect(rotated.refreshToken.startsWith(`${clientId}.${sessionId.slice(0, -4)}beef.`)).to.equal(true);
    });

    it('gives no pair within the interval once the session has ended', async () => {
      const session = await login();
      const rotated = await server.api.refreshToken({ refreshToken: session.refreshToken });
      await server.api.logout({}, { token: rotated.accessToken });
      expect(await failure(server.api.refreshToken({ refreshToken: session.refreshToken }))).to.include({ reason: 'SESSION_REVOKED' });
    });
  });
}
