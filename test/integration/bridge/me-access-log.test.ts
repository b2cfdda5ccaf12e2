/**
 * ACCESS_LOG_READ_SAMPLE (ADR 0021): the access log lines of a caller reading its own record,
 * `GET /me` through the bridge and `GetMe` over gRPC, as `node dist/src/main.js` writes them
 * on either set-up. Every one is logged by default; a sample of them when the operator asks;
 * a failure always; and every answer keeps its request id.
 */
import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { type ClientAuthPromiseClient, createClientAuthClient } from '../../../src/sdk/typed-client.js';
import { sampledAccessLog } from '../../../src/transport/grpc/access-log.js';
import { eventually } from '../../support/eventually.js';
import { portOf, runMain, type StartedMain } from '../../support/main-process.js';
import { SETUP_TITLES, SETUPS, setupEnv } from '../../support/server.js';

describe('The access log policy of reads of the own record', () => {
  const pick = (readSample: number, method: string, code: status, calls: number) => {
    const policy = sampledAccessLog(0, readSample);
    return Array.from({ length: calls }, () => policy.logs(method, code)).filter(Boolean).length;
  };

  it('logs every successful GetMe and GET /me at 1, none at 0, one in four at 0.25', () => {
    for (const method of ['GetMe', 'GET /me']) {
      expect(pick(1, method, status.OK, 100), method).to.equal(100);
      expect(pick(0, method, status.OK, 100), method).to.equal(0);
      expect(pick(0.25, method, status.OK, 100), method).to.equal(25);
    }
  });

  it('always logs their failures, and every call of the other RPCs and routes', () => {
    expect(pick(0, 'GetMe', status.UNAUTHENTICATED, 10)).to.equal(10);
    expect(pick(0, 'GET /me', status.UNAUTHENTICATED, 10)).to.equal(10);
    expect(pick(0, 'GetMe', status.UNAVAILABLE, 10)).to.equal(10);
    expect(pick(0, 'UpdateMyProfile', status.OK, 10)).to.equal(10);
    expect(pick(0, 'PATCH /me', status.OK, 10)).to.equal(10);
    expect(pick(0, 'GET /me/sign-ins', status.OK, 10)).to.equal(10);
  });
});

for (const setup of SETUPS) {
  describe(`GET /me and GetMe's log lines from node dist/src/main.js, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(60000);
    const started: StartedMain[] = [];
    after(async () => {
      for (const main of started) {
        if (main.child.exitCode === null) {
          main.child.kill('SIGTERM');
          await main.exit;
        }
      }
    });

    const run = async (ctx: Mocha.Context, env: Record<string, string>) => {
      const main = await runMain([], setupEnv(setup, ctx, 'me_access_log', { LOG_LEVEL: 'info', BRIDGE_HOST: '127.0.0.1', BRIDGE_PORT: '0', ...env }), [
        'gRPC server listening',
        'bridge listening',
      ]);
      started.push(main);
      const grpcAddress = `127.0.0.1:${portOf(main, 'gRPC server listening')}`;
      const bridgeUrl = `http://127.0.0.1:${portOf(main, 'bridge listening')}`;
      const api = createClientAuthClient(grpcAddress);
      const email = `reader-${started.length}@example.com`;
      await api.registerUser({ email, password: 'a reading password', firstName: '', lastName: '', phoneNumber: '', attributes: {} });
      const token = (await api.login({ email, password: 'a reading password' })).accessToken;
      // The login's own line may still be on its way through the pipe: the counts start after it.
      await eventually(() => main.lines.some((line) => line['method'] === 'Login'), { what: "the login's log line" });
      return { main, api, bridgeUrl, token };
    };

    /**
     * The request lines (`http` and `rpc`) that `calls` wrote: a GET /healthz after them is
     * always logged, and lines arrive in order, so once its line is in, theirs are too.
     */
    const linesOf = async (main: StartedMain, bridgeUrl: string, calls: () => Promise<void>) => {
      const from = main.lines.length;
      await calls();
      const marker = `marker-${Math.random().toString(36).slice(2)}`;
      await fetch(`${bridgeUrl}/healthz`, { headers: { 'X-Request-Id': marker } });
      await eventually(() => main.lines.slice(from).some((line) => line['requestId'] === marker), { what: 'the marker request logged' });
      return main.lines.slice(from).filter((line) => (line['msg'] === 'http' || line['msg'] === 'rpc') && line['requestId'] !== marker);
    };

    const readFiveTimes = async (api: ClientAuthPromiseClient, bridgeUrl: string, token: string) => {
      const requestIds: string[] = [];
      for (let i = 0; i < 5; i++) {
        const response = await fetch(`${bridgeUrl}/me`, { headers: { Cookie: `token=${token}` } });
        expect(response.status).to.equal(200);
        requestIds.push(response.headers.get('X-Request-Id') ?? '');
        expect((await api.getMe({}, { token })).client?.email).to.match(/^reader-/);
      }
      return requestIds;
    };

    it('logs every GET /me (its http and rpc lines) and every GetMe by default', async function () {
      const { main, api, bridgeUrl, token } = await run(this, {});
      try {
        const lines = await linesOf(main, bridgeUrl, async () => void (await readFiveTimes(api, bridgeUrl, token)));
        expect(lines.filter((line) => line['msg'] === 'http' && line['path'] === '/me' && line['status'] === 200)).to.have.length(5);
        expect(lines.filter((line) => line['msg'] === 'rpc' && line['method'] === 'GetMe' && line['code'] === 'OK')).to.have.length(10);
      } finally {
        api.close();
      }
    });

    it('logs none of them with ACCESS_LOG_READ_SAMPLE=0, yet every answer has a request id and every failure a line', async function () {
      const { main, api, bridgeUrl, token } = await run(this, { ACCESS_LOG_READ_SAMPLE: '0' });
      try {
        let requestIds: string[] = [];
        const quiet = await linesOf(main, bridgeUrl, async () => {
          requestIds = await readFiveTimes(api, bridgeUrl, token);
        });
        expect(quiet).to.deep.equal([]);
        expect(new Set(requestIds).size).to.equal(5);
        for (const id of requestIds) expect(id).to.match(/^[\w-]{8,}$/);

        const failures = await linesOf(main, bridgeUrl, async () => {
          expect((await fetch(`${bridgeUrl}/me`)).status).to.equal(401);
          expect((await fetch(`${bridgeUrl}/me`, { headers: { Cookie: 'token=not.a.token' } })).status).to.equal(401);
          await api.getMe({}, { token: 'not.a.token' }).catch(() => undefined);
        });
        expect(failures.filter((line) => line['msg'] === 'http' && line['path'] === '/me').map((line) => line['status'])).to.deep.equal([401, 401]);
        expect(failures.filter((line) => line['msg'] === 'rpc' && line['method'] === 'GetMe').map((line) => line['code'])).to.include('UNAUTHENTICATED');

        // Other routes and RPCs of the same record are still logged every time.
        const others = await linesOf(main, bridgeUrl, async () => {
          await api.updateMyProfile({ firstName: 'Reader' }, { token });
          await fetch(`${bridgeUrl}/me/sign-ins`, { headers: { Cookie: `token=${token}` } });
        });
        expect(others.map((line) => line['method'])).to.include.members(['UpdateMyProfile', 'GET']);
      } finally {
        api.close();
      }
    });
  });
}
