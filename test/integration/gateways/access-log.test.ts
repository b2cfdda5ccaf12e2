import { ChannelCredentials, status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { identityInProcess } from '../../../bridge/routes/forward-auth.js';
import { type RunningBridge, startBridge } from '../../../bridge/server.js';
import { AuthorizationClient, type CheckResponse } from '../../../gen/envoy/service/auth/v3/external_auth.js';
import { type App, buildApp } from '../../../src/bootstrap/composition.js';
import { loadConfig } from '../../../src/config/index.js';
import { createMetrics, type Metrics } from '../../../src/observability/metrics.js';
import { type ClientAuthPromiseClient, createClientAuthClient } from '../../../src/sdk/typed-client.js';
import { sampledAccessLog } from '../../../src/transport/grpc/access-log.js';
import { type RunningGrpcServer, startGrpcServer } from '../../../src/transport/grpc/grpc-server.js';
import { gatewayCheck } from '../../../src/transport/shared/gateway-identity.js';
import { embeddedEnv, recordingLogger } from '../../support/server.js';

describe('The access log policy of the gateway checks', () => {
  const pick = (sample: number, method: string, code: status, calls: number) => {
    const policy = sampledAccessLog(sample);
    return Array.from({ length: calls }, () => policy.logs(method, code)).filter(Boolean).length;
  };

  it('logs none of their ordinary outcomes at 0, all at 1, one in four at 0.25', () => {
    for (const method of ['ValidateToken', 'Check', 'ForwardAuth']) {
      expect(pick(0, method, status.OK, 100), method).to.equal(0);
      expect(pick(0, method, status.UNAUTHENTICATED, 100), method).to.equal(0);
      expect(pick(1, method, status.OK, 100), method).to.equal(100);
      expect(pick(0.25, method, status.PERMISSION_DENIED, 100), method).to.equal(25);
    }
  });

  it('always logs what is not an ordinary outcome, and every call of the other RPCs', () => {
    expect(pick(0, 'ValidateToken', status.UNAVAILABLE, 10)).to.equal(10);
    expect(pick(0, 'Check', status.INTERNAL, 10)).to.equal(10);
    expect(pick(0, 'Login', status.OK, 10)).to.equal(10);
    expect(pick(0, 'GetMe', status.UNAUTHENTICATED, 10)).to.equal(10);
  });
});

describe('The gateway checks with ACCESS_LOG_SAMPLE=0, as a server runs them by default', function () {
  this.timeout(30000);
  const logs: string[] = [];
  const log = recordingLogger(logs);
  let app: App;
  let grpc: RunningGrpcServer;
  let bridge: RunningBridge;
  let metrics: Metrics;
  let api: ClientAuthPromiseClient;
  let token: string;

  before(async () => {
    const config = loadConfig(embeddedEnv({ ACCESS_LOG_SAMPLE: '0' }));
    app = await buildApp(config, log);
    metrics = createMetrics({});
    const accessLog = sampledAccessLog(config.accessLogSample);
    const options = { log, maxMessageBytes: config.grpc.maxMessageBytes, accessLog, observe: metrics.observeRpc };
    grpc = await startGrpcServer(app.useCases, { host: '127.0.0.1', port: 0 }, options);
    bridge = await startBridge(
      { ...config.bridge, host: '127.0.0.1', port: 0 },
      { log, upstream: `127.0.0.1:${grpc.port}`, accessLog, observe: metrics.observeRpc, identityOf: identityInProcess(gatewayCheck(app.useCases), log) },
    );
    api = createClientAuthClient(`127.0.0.1:${grpc.port}`);
    await api.registerUser({ email: 'quiet@example.com', password: 'a quiet password', firstName: '', lastName: '', phoneNumber: '', attributes: {} });
    token = (await api.login({ email: 'quiet@example.com', password: 'a quiet password' })).accessToken;
    // The registration's verification mail is sent (and logged) after its answer: let it go first.
    await app.mail.mailer.flush();
  });
  after(async () => {
    api?.close();
    await bridge?.close(1000);
    await grpc?.shutdown(1000);
    await app?.close();
  });

  it('write no log line per call, while the metrics count every call by outcome', async () => {
    const authz = new AuthorizationClient(`127.0.0.1:${grpc.port}`, ChannelCredentials.createInsecure());
    const check = (headers: Record<string, string>) =>
      new Promise<CheckResponse>((resolve, reject) =>
        authz.check(
          { attributes: { request: { http: { id: '', method: 'GET', path: '/', host: 'a', headers, headerMap: undefined } }, contextExtensions: {} } },
          (e, r) => (e ? reject(e) : resolve(r)),
        ),
      );
    const linesBefore = logs.length;
    for (let i = 0; i < 5; i++) {
      await api.validateToken({ token });
      await check({ authorization: `Bearer ${token}` });
      await check({});
      expect((await fetch(`${bridge.url}/auth`, { headers: { Cookie: `token=${token}` } })).status).to.equal(200);
      expect((await fetch(`${bridge.url}/auth`)).status).to.equal(401);
    }
    authz.close();
    expect(logs.slice(linesBefore)).to.deep.equal([]);

    const body = await metrics.registry.metrics();
    const count = (method: string, code: string) =>
      Number(new RegExp(`^clientauth_rpc_total\\{method="${method}",code="${code}"\\} (\\d+)$`, 'm').exec(body)?.[1] ?? 0);
    expect([count('ValidateToken', 'OK'), count('Check', 'OK'), count('Check', 'UNAUTHENTICATED')]).to.deep.equal([5, 5, 5]);
    expect([count('ForwardAuth', 'OK'), count('ForwardAuth', 'UNAUTHENTICATED')]).to.deep.equal([5, 5]);
  });

  it('still log the other routes and RPCs', async () => {
    const linesBefore = logs.length;
    await api.getMe({}, { token });
    await fetch(`${bridge.url}/healthz`);
    const lines = logs.slice(linesBefore).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line['method'])).to.include.members(['GetMe', 'GET']);
  });
});
