import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { createMetrics, loginOutcomeOf, type Metrics, type MetricsSources } from '../../../src/observability/metrics.js';

/** What a Prometheus server would read: one scrape over HTTP. */
async function scrape(port: number, path = '/metrics', method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method });
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.text() };
}

/** The sample lines of one metric family, e.g. `clientauth_rpc_total{method="Login",code="OK"} 2`. */
function samples(body: string, name: string): string[] {
  return body.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

describe('Prometheus metrics', () => {
  let metrics: Metrics;
  let port: number;
  let backlog = 3;
  let revocationSizes = { suspended: 1, deleted: 1, sessions: 5 };
  let stores = { mongodb: true, redis: false };

  const sources: MetricsSources = {
    outbox: { backlog: async () => backlog },
    revocations: { size: () => revocationSizes },
    storesUp: () => stores,
  };

  beforeEach(async () => {
    metrics = createMetrics(sources);
    port = await metrics.start(0, '127.0.0.1');
  });
  afterEach(async () => metrics.close());

  it('counts RPCs and their latency by method and status code name', async () => {
    metrics.observeRpc('Login', status.OK, 0.2, '');
    metrics.observeRpc('Login', status.OK, 0.3, '');
    metrics.observeRpc('Login', status.UNAUTHENTICATED, 0.25, 'INVALID_CREDENTIALS');
    metrics.observeRpc('ValidateToken', status.OK, 0.0004, '');

    const { status: code, type, body } = await scrape(port);
    expect(code).to.equal(200);
    expect(type).to.match(/^text\/plain; version=0\.0\.4/);
    expect(samples(body, 'clientauth_rpc_total')).to.have.members([
      'clientauth_rpc_total{method="Login",code="OK"} 2',
      'clientauth_rpc_total{method="Login",code="UNAUTHENTICATED"} 1',
      'clientauth_rpc_total{method="ValidateToken",code="OK"} 1',
    ]);
    expect(body).to.include('clientauth_rpc_duration_seconds_count{method="Login",code="OK"} 2');
    expect(body).to.include('clientauth_rpc_duration_seconds_sum{method="Login",code="OK"} 0.5');
    // A cached token check lands in the sub-millisecond bucket; a bcrypt login does not.
    expect(body).to.include('clientauth_rpc_duration_seconds_bucket{le="0.0005",method="ValidateToken",code="OK"} 1');
    expect(body).to.include('clientauth_rpc_duration_seconds_bucket{le="0.1",method="Login",code="OK"} 0');
    expect(body).to.include('clientauth_rpc_duration_seconds_bucket{le="0.25",method="Login",code="OK"} 1');
    expect(body).to.include('clientauth_rpc_duration_seconds_bucket{le="+Inf",method="Login",code="OK"} 2');
  });

  it('counts logins by outcome, exporting every outcome at 0 before the first login', async () => {
    expect(samples((await scrape(port)).body, 'clientauth_logins_total')).to.have.members([
      'clientauth_logins_total{outcome="success"} 0',
      'clientauth_logins_total{outcome="invalid_credentials"} 0',
      'clientauth_logins_total{outcome="suspended"} 0',
      'clientauth_logins_total{outcome="email_not_verified"} 0',
      'clientauth_logins_total{outcome="throttled"} 0',
      'clientauth_logins_total{outcome="invalid_argument"} 0',
      'clientauth_logins_total{outcome="server_busy"} 0',
      'clientauth_logins_total{outcome="error"} 0',
    ]);
    metrics.observeRpc('Login', status.OK, 0.2, '');
    metrics.observeRpc('Login', status.OK, 0.2, '');
    metrics.observeRpc('Login', status.UNAUTHENTICATED, 0.2, 'INVALID_CREDENTIALS');
    metrics.observeRpc('GetMe', status.UNAUTHENTICATED, 0.001, 'INVALID_CREDENTIALS');
    const body = (await scrape(port)).body;
    expect(body).to.include('clientauth_logins_total{outcome="success"} 2');
    expect(body).to.include('clientauth_logins_total{outcome="invalid_credentials"} 1');
    expect(body).to.include('clientauth_logins_total{outcome="suspended"} 0');
  });

  it('reads suspensions, the outbox backlog, the revocation list and store state afresh on every scrape', async () => {
    let body = (await scrape(port)).body;
    expect(samples(body, 'clientauth_suspended_clients')).to.deep.equal(['clientauth_suspended_clients 1']);
    expect(samples(body, 'clientauth_outbox_backlog')).to.deep.equal(['clientauth_outbox_backlog 3']);
    expect(samples(body, 'clientauth_revocation_list_entries')).to.have.members([
      'clientauth_revocation_list_entries{kind="suspended"} 1',
      'clientauth_revocation_list_entries{kind="deleted"} 1',
      'clientauth_revocation_list_entries{kind="session"} 5',
    ]);
    expect(samples(body, 'clientauth_store_up')).to.have.members(['clientauth_store_up{store="mongodb"} 1', 'clientauth_store_up{store="redis"} 0']);

    backlog = 0;
    revocationSizes = { suspended: 4, deleted: 2, sessions: 0 };
    stores = { mongodb: true, redis: true };
    body = (await scrape(port)).body;
    expect(samples(body, 'clientauth_suspended_clients')).to.deep.equal(['clientauth_suspended_clients 4']);
    expect(samples(body, 'clientauth_outbox_backlog')).to.deep.equal(['clientauth_outbox_backlog 0']);
    expect(body).to.include('clientauth_revocation_list_entries{kind="deleted"} 2');
    expect(body).to.include('clientauth_store_up{store="redis"} 1');
  });

  it('includes the Node process metrics under the clientauth_ prefix', async () => {
    const body = (await scrape(port)).body;
    expect(body).to.match(/^clientauth_process_cpu_user_seconds_total \d/m);
    expect(body).to.match(/^clientauth_process_resident_memory_bytes \d/m);
    expect(body).to.match(/^clientauth_nodejs_eventloop_lag_seconds \d/m);
    expect(body).not.to.match(/^process_cpu_user_seconds_total/m);
  });

  it('answers 404 off /metrics and 405 to anything but GET and HEAD', async () => {
    expect((await scrape(port, '/')).status).to.equal(404);
    expect((await scrape(port, '/metrics', 'POST')).status).to.equal(405);
    const head = await scrape(port, '/metrics', 'HEAD');
    expect(head.status).to.equal(200);
    expect(head.body).to.equal('');
  });

  it('keeps its own registry, so two instances in one process never mix counts', async () => {
    const other = createMetrics({});
    try {
      metrics.observeRpc('GetMe', status.OK, 0.001, '');
      expect(await other.registry.metrics()).not.to.include('clientauth_rpc_total{method="GetMe"');
      expect(await metrics.registry.metrics()).to.include('clientauth_rpc_total{method="GetMe",code="OK"} 1');
    } finally {
      await other.close();
    }
  });
});

describe('Prometheus metrics when a store cannot answer', () => {
  it('still serves the scrape, with NaN for the gauges it could not read and the store marked down', async () => {
    const metrics = createMetrics(
      {
        // A MongoDB that hangs (server selection) and one that fails outright.
        outbox: { backlog: () => new Promise<number>(() => {}) },
        storesUp: () => ({ mongodb: false, redis: true }),
      },
      { sourceTimeoutMs: 50 },
    );
    try {
      const port = await metrics.start(0, '127.0.0.1');
      const { status: code, body } = await scrape(port);
      expect(code).to.equal(200);
      // prom-client spells it "Nan"; Prometheus reads NaN in any case.
      expect(samples(body, 'clientauth_outbox_backlog').join('\n')).to.match(/^clientauth_outbox_backlog nan$/i);
      expect(body).to.include('clientauth_store_up{store="mongodb"} 0');
      expect(body).not.to.include('connection refused');
    } finally {
      await metrics.close();
    }
  });

  it('exports no store gauges for a process that has no stores (the bridge alone)', async () => {
    const body = await createMetrics({}).registry.metrics();
    expect(body).not.to.include('clientauth_outbox_backlog');
    expect(body).not.to.include('clientauth_store_up');
    expect(body).to.include('clientauth_rpc_total');
  });
});

describe('loginOutcomeOf', () => {
  it('names the outcome of a login from its status and the reason the service gave', () => {
    expect(loginOutcomeOf(status.OK, '')).to.equal('success');
    expect(loginOutcomeOf(status.UNAUTHENTICATED, 'INVALID_CREDENTIALS')).to.equal('invalid_credentials');
    expect(loginOutcomeOf(status.UNAUTHENTICATED, 'CLIENT_SUSPENDED')).to.equal('suspended');
    expect(loginOutcomeOf(status.INVALID_ARGUMENT, 'INVALID_ARGUMENT')).to.equal('invalid_argument');
    expect(loginOutcomeOf(status.RESOURCE_EXHAUSTED, 'SERVER_BUSY')).to.equal('server_busy');
    expect(loginOutcomeOf(status.UNAVAILABLE, 'UNAVAILABLE')).to.equal('error');
    expect(loginOutcomeOf(status.INTERNAL, 'INTERNAL')).to.equal('error');
  });

  it('counts a login refused for too many failed attempts as throttled, not as an error', () => {
    expect(loginOutcomeOf(status.RESOURCE_EXHAUSTED, 'TOO_MANY_ATTEMPTS')).to.equal('throttled');
  });
});
