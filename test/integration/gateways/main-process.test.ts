import { ChannelCredentials } from '@grpc/grpc-js';
import { expect } from 'chai';
import { AuthorizationClient, type CheckResponse } from '../../../gen/envoy/service/auth/v3/external_auth.js';
import { createClientAuthClient } from '../../../src/sdk/typed-client.js';
import { portOf, runMain, type StartedMain } from '../../support/main-process.js';
import { embeddedEnv } from '../../support/server.js';

describe('node dist/src/main.js serves the gateway checks as deployed', function () {
  this.timeout(30000);
  let started: StartedMain;
  let token: string;
  let grpcAddress: string;
  let bridgeUrl: string;

  before(async () => {
    // __Host- cookies: both dialects must read the access cookie by the name browsers send.
    const env = embeddedEnv({ LOG_LEVEL: 'info', BRIDGE_HOST: '127.0.0.1', BRIDGE_PORT: '0', COOKIE_SECURE: 'true', COOKIE_HOST_PREFIX: 'true' });
    started = await runMain([], env, ['gRPC server listening', 'bridge listening']);
    grpcAddress = `127.0.0.1:${portOf(started, 'gRPC server listening')}`;
    bridgeUrl = `http://127.0.0.1:${portOf(started, 'bridge listening')}`;
    const api = createClientAuthClient(grpcAddress);
    await api.registerUser({ email: 'deployed@example.com', password: 'a deployed password', firstName: '', lastName: '', phoneNumber: '', attributes: {} });
    token = (await api.login({ email: 'deployed@example.com', password: 'a deployed password' })).accessToken;
    api.close();
  });
  after(async () => {
    if (started && started.child.exitCode === null) {
      started.child.kill('SIGTERM');
      await started.exit;
    }
  });

  const check = async (cookie: string) => {
    const client = new AuthorizationClient(grpcAddress, ChannelCredentials.createInsecure());
    try {
      return await new Promise<CheckResponse>((resolve, reject) =>
        client.check(
          {
            attributes: {
              request: { http: { id: '', method: 'GET', path: '/', host: 'app', headers: { cookie }, headerMap: undefined } },
              contextExtensions: {},
            },
          },
          (error, answer) => (error ? reject(error) : resolve(answer)),
        ),
      );
    } finally {
      client.close();
    }
  };

  it('answers GET /auth and ext_authz Check from the __Host- access cookie, and not from a cookie of another name', async () => {
    const auth = await fetch(`${bridgeUrl}/auth`, { headers: { Cookie: `__Host-token=${token}` } });
    expect(auth.status).to.equal(200);
    expect(auth.headers.get('x-client-kind')).to.equal('user');
    expect((await fetch(`${bridgeUrl}/auth`, { headers: { Cookie: `token=${token}` } })).status).to.equal(401);
    expect((await check(`__Host-token=${token}`)).httpResponse?.$case).to.equal('okResponse');
    const denied = await check(`token=${token}`);
    expect(denied.httpResponse?.$case).to.equal('deniedResponse');
    expect(JSON.parse((denied.httpResponse!.value as { body: string }).body).reason).to.equal('TOKEN_MISSING');
  });

  it('logs none of these checks by default (ACCESS_LOG_SAMPLE=0), but still logs the other requests', async () => {
    await fetch(`${bridgeUrl}/auth`, { headers: { Cookie: `__Host-token=${token}` } });
    await check(`__Host-token=${token}`);
    await fetch(`${bridgeUrl}/healthz`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const requests = started.lines.filter((line) => line['msg'] === 'http' || line['msg'] === 'rpc');
    expect(requests.filter((line) => line['path'] === '/auth' || line['method'] === 'Check')).to.deep.equal([]);
    expect(requests.some((line) => line['path'] === '/healthz')).to.equal(true);
  });
});
