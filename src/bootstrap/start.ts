/**
 * Composition root: config -> adapters -> service -> gRPC server, and the Koa bridge, for
 * the role src/main.ts was started with (or its import-original command).
 */
import { CookiePolicy } from '../../bridge/cookie-policy.js';
import { identityInProcess } from '../../bridge/routes/forward-auth.js';
import { startBridge } from '../../bridge/server.js';
import { compileCacheDirRequired } from '../config/compile-cache-dir.js';
import { type Config, ConfigError, loadConfig } from '../config/index.js';
import { describeError } from '../domain/kernel/error-text.js';
import { createLogger } from '../observability/logging.js';
import { flushTraces } from '../observability/tracing/trace-context.js';
import { sampledAccessLog } from '../transport/grpc/access-log.js';
import { startGrpcServer } from '../transport/grpc/grpc-server.js';
import { gatewayCheck } from '../transport/shared/gateway-identity.js';
import { reportCompileCache, runCompile } from './compile-cache.js';
import { buildApp } from './composition.js';
import { startupDone } from './heap-policy.js';
import { oidcMountOf } from './oidc-wiring.js';

const ROLES = ['all', 'server', 'bridge'] as const;
type Role = (typeof ROLES)[number];

async function main(): Promise<void> {
  if (process.argv[2] === 'import-original') {
    // Loaded only for this command: it brings the MongoDB driver, which the embedded default never loads.
    const { runImportOriginal } = await import('../cli/import-original/command.js');
    process.exit(await runImportOriginal(process.argv.slice(3), () => loadConfig(process.env)));
  }
  if (process.argv[2] === 'compile') {
    // The image build's step (Dockerfile): fills COMPILE_CACHE_DIR with the whole bundle, then exits.
    process.exit(await runCompile(new URL('.', import.meta.url), () => compileCacheDirRequired(process.env)));
  }
  const role = (process.argv[2] ?? 'all') as Role;
  if (!ROLES.includes(role)) {
    process.stderr.write(`client-auth: unknown role "${role}"; expected one of ${ROLES.join(', ')}\n`);
    process.exit(64);
  }
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`client-auth: configuration error: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const log = createLogger(config.logLevel, 'client-auth');
  const app = role === 'bridge' ? null : await buildApp(config, log);
  const metrics =
    config.metricsPort === null
      ? null
      : // prom-client loads only when metrics are asked for.
        (await import('../observability/metrics.js')).createMetrics(
          app
            ? {
                revocations: app.adapters.revocations,
                outbox: app.adapters.outbox,
                mailOutbox: app.adapters.mailOutbox,
                audit: app.audit,
                storesUp: () => app.adapters.storesUp(),
                ...(app.legacyTokens ? { legacyTokens: app.legacyTokens } : {}),
              }
            : {},
          { log },
        );
  const accessLog = sampledAccessLog(config.accessLogSample, config.accessLogReads.readSample);
  const observe = metrics ? { observe: metrics.observeRpc } : {};
  const grpc =
    app === null
      ? null
      : await startGrpcServer(app.useCases, config.grpc, {
          log,
          maxMessageBytes: config.grpc.maxMessageBytes,
          streams: config.streams,
          trustedProxies: config.abuse.trustedProxies,
          accessCookieName: new CookiePolicy(config.bridge).accessName,
          accessLog,
          ...observe,
        });
  if (grpc) log.info({ port: grpc.port }, 'gRPC server listening');
  if (metrics && config.metricsPort !== null) {
    log.info({ port: await metrics.start(config.metricsPort, config.grpc.host) }, 'metrics served at /metrics');
  }
  // In one process the bridge calls the server's handlers directly: no HTTP/2 hop, no
  // protobuf encoding, and the same handlers, deadlines and error trailers.
  const local = grpc
    ? { handlers: grpc.handlers, health: grpc.health, maxMessageBytes: config.grpc.maxMessageBytes, internalPass: grpc.internalPass }
    : undefined;
  const upstream = local ? 'in-process' : config.bridge.upstream;
  // Beside the server, forward auth asks the service in process rather than over loopback.
  const identityOf = app ? { identityOf: identityInProcess(gatewayCheck(app.useCases), log) } : {};
  const oidc = app ? { oidc: oidcMountOf(app, config.bridge.publicUrl) } : {};
  const bridge =
    role === 'server' ? null : await startBridge(config.bridge, { log, accessLog, ...identityOf, ...observe, ...oidc, ...(local ? { local } : {}) });
  if (bridge) log.info({ port: bridge.port, upstream }, 'bridge listening');
  startupDone();
  // After the listeners: the modules a start loads are all in by now.
  reportCompileCache(log);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: draining calls');
    // Both stop taking work at once, and every watch stream ends (its client resumes
    // elsewhere); the bridge's running requests may still call the server.
    bridge?.stopTakingRequests();
    grpc?.stopTakingCalls();
    await bridge?.close();
    // Resolves once no handler runs, those whose callers gave up included: only then may the stores close.
    await grpc?.shutdown();
    await app?.close();
    await metrics?.close();
    await flushTraces();
    log.info({}, 'stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  // An adapter's UnavailableError names the store; its cause says what the driver saw.
  const cause = error instanceof Error && error.cause !== undefined ? ` (${describeError(error.cause)})` : '';
  process.stderr.write(`client-auth: failed to start: ${error instanceof Error ? error.message : String(error)}${cause}\n`);
  process.exit(1);
});
