/**
 * Traces end to end: the service runs as in production (`node dist/src/main.js`, gRPC
 * server and bridge in one process) with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a
 * collector this test runs in memory (OTLP over HTTP, JSON), and headless Chromium logs in
 * through the bridge. In a child process because an instrumentation patches a library as it
 * is loaded, and this test process loaded them all long ago.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { type Browser, chromium } from 'playwright-core';
import { eventually } from '../../support/eventually.js';
import { freePort, repoRoot } from '../../support/paths.js';
import { testEnv } from '../../support/server.js';
import { requireServices } from '../../support/services.js';
import { skipOrFailInCI } from '../../support/skip-or-fail.js';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'correct horse battery';

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
  arrayValue?: { values: OtlpValue[] };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: OtlpValue }[];
}

const SERVER = 2;
const CLIENT = 3;

/** An OTLP/HTTP (JSON) trace receiver that keeps every request body it gets. */
async function startCollector(): Promise<{ server: Server; endpoint: string; bodies: string[]; spans(): OtlpSpan[] }> {
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.url === '/v1/traces') bodies.push(body);
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const spans = () =>
    bodies.flatMap((body) =>
      (JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] }).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)),
    );
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies, spans };
}

function attribute(span: OtlpSpan, ...keys: string[]): string | undefined {
  const found = span.attributes.find((a) => keys.includes(a.key))?.value;
  return found === undefined ? undefined : String(found.stringValue ?? found.intValue ?? found.boolValue ?? found.doubleValue);
}

/** `node dist/src/main.js <role>`, once its bridge listens; what it prints goes to `sink`. */
async function startMain(role: 'all' | 'bridge', env: Record<string, string>, sink: (text: string) => void): Promise<ChildProcess> {
  let output = '';
  const child = spawn(process.execPath, [join(repoRoot(), 'dist/src/main.js'), role], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const take = (chunk: Buffer) => {
    output += chunk.toString();
    sink(chunk.toString());
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  await eventually(() => output.includes('bridge listening'), {
    timeoutMs: 30000,
    intervalMs: 50,
    what: () => `the bridge to listen; output so far:\n${output}`,
  });
  return child;
}

async function stopMain(child: ChildProcess | undefined): Promise<void> {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

describe('Traces (OpenTelemetry), with OTEL_EXPORTER_OTLP_ENDPOINT set', function () {
  this.timeout(60000);
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let child: ChildProcess | undefined;
  let output = '';
  let browser: Browser | undefined;
  let bridgeUrl = '';
  let grpcPort = 0;
  /** A bridge run alone (`main.js bridge`), calling the gRPC server of `child` over the network. */
  let lone: ChildProcess | undefined;
  let loneBridgeUrl = '';

  before(async function () {
    this.timeout(60000);
    const services = requireServices(this);
    if (!existsSync(CHROMIUM)) skipOrFailInCI(this, `${CHROMIUM} is missing (apt-get install chromium)`);
    collector = await startCollector();
    grpcPort = await freePort();
    const bridgePort = await freePort();
    const loneBridgePort = await freePort();
    bridgeUrl = `http://127.0.0.1:${bridgePort}`;
    loneBridgeUrl = `http://127.0.0.1:${loneBridgePort}`;
    const env = {
      ...testEnv(services, 'tracing'),
      GRPC_PORT: String(grpcPort),
      BRIDGE_HOST: '127.0.0.1',
      BRIDGE_PORT: String(bridgePort),
      CORS_ORIGINS: bridgeUrl,
      LOG_LEVEL: 'info',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
    };
    child = await startMain('all', env, (text) => (output += text));
    const loneEnv = { ...env, BRIDGE_PORT: String(loneBridgePort), CORS_ORIGINS: loneBridgeUrl, BRIDGE_GRPC_TARGET: `127.0.0.1:${grpcPort}` };
    lone = await startMain('bridge', loneEnv, () => {});
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  after(async () => {
    await browser?.close();
    await stopMain(lone);
    await stopMain(child);
    collector?.server.close();
  });

  it('makes one browser login one trace, from the bridge through gRPC to the stores, with no secret in any span and the trace id in the log lines', async () => {
    const email = `traced${Date.now()}@example.com`;
    const page = await browser!.newPage();
    await page.goto(`${bridgeUrl}/healthz`);
    const call = (path: string, body: unknown) =>
      page.evaluate(
        async ([url, json]) => {
          const response = await fetch(url!, { method: 'POST', credentials: 'include', headers: { 'Content-Type': 'application/json' }, body: json! });
          return { status: response.status, requestId: response.headers.get('X-Request-Id') ?? '' };
        },
        [`${bridgeUrl}${path}`, JSON.stringify(body)],
      );
    expect((await call('/register', { email, password: PASSWORD })).status).to.equal(201);
    const login = await call('/login', { email, password: PASSWORD });
    expect(login.status).to.equal(200);
    const cookies = await page.context().cookies();
    const secrets = [PASSWORD, ...cookies.map((cookie) => cookie.value)].filter((value) => value.length >= 16);
    expect(secrets.length).to.be.at.least(3);

    // The login's trace: the bridge's HTTP server span for POST /login, and all that hangs under it.
    const loginSpan = await eventually(
      () =>
        collector
          .spans()
          .find(
            (s) =>
              s.kind === SERVER &&
              attribute(s, 'http.route', 'url.path', 'http.target') === '/login' &&
              attribute(s, 'http.method', 'http.request.method') === 'POST',
          ),
      { until: (span: OtlpSpan | undefined) => span !== undefined, timeoutMs: 10000, what: 'the span of POST /login' },
    );
    const traceId = loginSpan!.traceId;
    const inTrace = await eventually(() => collector.spans().filter((s) => s.traceId === traceId), {
      until: (spans: OtlpSpan[]) => spans.some((s) => attribute(s, 'db.system', 'db.system.name') === 'mongodb'),
      timeoutMs: 10000,
      what: 'the MongoDB spans of the login',
    });
    const grpcClient = inTrace.find((s) => s.kind === CLIENT && attribute(s, 'rpc.method') === 'Login');
    const grpcServer = inTrace.find((s) => s.kind === SERVER && attribute(s, 'rpc.method') === 'Login');
    expect(grpcClient, "the bridge's gRPC call is in the trace").to.not.equal(undefined);
    expect(grpcServer, "the server's handling of it continues the trace").to.not.equal(undefined);
    expect(grpcServer!.parentSpanId).to.equal(grpcClient!.spanId);
    expect(inTrace.filter((s) => attribute(s, 'db.system', 'db.system.name') === 'mongodb').length).to.be.at.least(1);
    // One login, one trace: no span of the Login RPC in any other trace.
    expect(collector.spans().filter((s) => attribute(s, 'rpc.method') === 'Login' && s.traceId !== traceId)).to.deep.equal([]);

    const everything = collector.bodies.join('\n');
    for (const secret of secrets) expect(everything.includes(secret), 'a secret in a span').to.equal(false);
    expect(everything).to.not.match(/bearer /i);

    // The bridge's and the server's log lines of the login carry the request id and the trace id together.
    // The bridge writes its line once the response has gone, so the test may read the output before it.
    const logLines = () =>
      output
        .split('\n')
        .filter((line) => line.startsWith('{') && line.endsWith('}'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    const lines = await eventually(logLines, {
      until: (found: Record<string, unknown>[]) => found.some((line) => line['msg'] === 'http' && line['path'] === '/login'),
      timeoutMs: 10000,
      what: 'the log line of POST /login',
    });
    const httpLine = lines.find((line) => line['msg'] === 'http' && line['path'] === '/login');
    const rpcLine = lines.find((line) => line['msg'] === 'rpc' && line['method'] === 'Login');
    expect(httpLine).to.include({ requestId: login.requestId, traceId });
    expect(rpcLine).to.include({ requestId: login.requestId, traceId });
  });

  // The service and most packages it uses are ES modules, which an instrumentation sees only
  // through the loader hook tracing registers before they load: without it, a login would
  // have no Koa or Redis span, and a lone bridge's gRPC call would not carry the trace on.
  it('traces what the service imports as ES modules: the Koa router, Redis commands, and the gRPC call of a bridge run alone', async () => {
    const email = `traced-alone${Date.now()}@example.com`;
    const traceId = randomBytes(16).toString('hex');
    const page = await browser!.newPage();
    await page.goto(`${loneBridgeUrl}/healthz`);
    const call = (path: string, body: unknown) =>
      page.evaluate(
        async ([url, json, traceparent]) => {
          const headers = { 'Content-Type': 'application/json', traceparent: traceparent! };
          return (await fetch(url!, { method: 'POST', credentials: 'include', headers, body: json! })).status;
        },
        [`${loneBridgeUrl}${path}`, JSON.stringify(body), `00-${traceId}-${randomBytes(8).toString('hex')}-01`],
      );
    expect(await call('/register', { email, password: PASSWORD })).to.equal(201);
    expect(await call('/login', { email, password: PASSWORD })).to.equal(200);

    const loginSpans = () => collector.spans().filter((s) => s.traceId === traceId && attribute(s, 'rpc.method') === 'Login');
    const inTrace = await eventually(() => collector.spans().filter((s) => s.traceId === traceId), {
      until: (spans: OtlpSpan[]) => spans.some((s) => attribute(s, 'db.system', 'db.system.name') === 'redis') && loginSpans().length >= 2,
      timeoutMs: 10000,
      what: () =>
        `the Redis and gRPC spans of the login; the trace has ${JSON.stringify(
          collector
            .spans()
            .filter((s) => s.traceId === traceId)
            .map((s) => s.name),
        )}`,
    });
    const grpcClient = inTrace.find((s) => s.kind === CLIENT && attribute(s, 'rpc.method') === 'Login');
    const grpcServer = inTrace.find((s) => s.kind === SERVER && attribute(s, 'rpc.method') === 'Login');
    expect(grpcClient, "the lone bridge's gRPC call is in the trace").to.not.equal(undefined);
    expect(grpcServer, "the server's handling of it continues the trace").to.not.equal(undefined);
    expect(grpcServer!.parentSpanId).to.equal(grpcClient!.spanId);
    expect(
      inTrace.some((s) => attribute(s, 'koa.type') === 'router' && attribute(s, 'http.route') === '/login'),
      'the Koa router span of POST /login',
    ).to.equal(true);
    expect(
      inTrace.some((s) => attribute(s, 'db.system', 'db.system.name') === 'redis'),
      'a Redis command of the login',
    ).to.equal(true);
  });
});

describe('Traces, without OTEL_* variables', () => {
  /** The @opentelemetry packages loaded once src/main.ts's first import has run (test/support/report-packages.ts lists them). */
  const loadedWith = (env: Record<string, string>) =>
    new Promise<string[]>((resolve, reject) => {
      const preload = pathToFileURL(join(repoRoot(), 'dist/src/observability/tracing/preload.js')).href;
      const reporter = pathToFileURL(join(repoRoot(), 'dist/test/support/report-packages.js')).href;
      const probe = spawn(process.execPath, ['--import', reporter, '--input-type=module', '-e', `await import(${JSON.stringify(preload)});`], {
        env: { PATH: process.env['PATH'] ?? '', ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      probe.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
      probe.once('error', reject);
      probe.once('exit', () => {
        const line = err.split('\n').find((entry) => entry.startsWith('loaded-packages:'));
        if (line === undefined) reject(new Error(`no list of loaded packages: ${err}`));
        else
          resolve(
            line
              .slice('loaded-packages:'.length)
              .split(',')
              .filter((name) => name.startsWith('@opentelemetry/')),
          );
      });
    });

  it('loads nothing of OpenTelemetry, so tracing off costs nothing', async () => {
    expect(await loadedWith({})).to.deep.equal([]);
    expect(await loadedWith({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' })).to.deep.equal([]);
    expect(
      (await loadedWith({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' })).length,
    ).to.be.above(10);
  });
});
