/**
 * The server under test: the gRPC role of src/main.ts (config from the environment,
 * buildApp, the gRPC server with its pino logger on stdout and ACCESS_LOG_SAMPLE, and per-RPC metrics when
 * METRICS_PORT is set), started by run.ts pinned to one core. Announces its port; stops
 * when the runner goes away. Traces as src/main.ts does when OTEL_* variables are set.
 */
// First, as in src/main.ts: tracing starts here when OTEL_* asks for it (the tracing-overhead phase).
import '../../src/observability/tracing/preload.js';
import { announce, stopWithRunner } from './child.js';

async function main(): Promise<void> {
  // Imported once tracing is hooked in, as src/main.ts imports the service.
  const [{ buildApp }, { loadConfig }, { sampledAccessLog }, { startGrpcServer }, { createLogger }, { createMetrics }] = await Promise.all([
    import('../../src/bootstrap/composition.js'),
    import('../../src/config/index.js'),
    import('../../src/transport/grpc/access-log.js'),
    import('../../src/transport/grpc/grpc-server.js'),
    import('../../src/observability/logging.js'),
    import('../../src/observability/metrics.js'),
  ]);
  const config = loadConfig(process.env);
  const log = createLogger(config.logLevel, 'client-auth');
  const app = await buildApp(config, log);
  const metrics =
    config.metricsPort === null
      ? null
      : createMetrics({ revocations: app.adapters.revocations, outbox: app.adapters.outbox, storesUp: () => app.adapters.storesUp() });
  const grpc = await startGrpcServer(app.useCases, config.grpc, {
    log,
    maxMessageBytes: config.grpc.maxMessageBytes,
    streams: config.streams,
    trustedProxies: config.abuse.trustedProxies,
    accessLog: sampledAccessLog(config.accessLogSample),
    ...(metrics ? { observe: metrics.observeRpc } : {}),
  });
  if (metrics && config.metricsPort !== null) await metrics.start(config.metricsPort, config.grpc.host);
  stopWithRunner(async () => {
    await grpc.shutdown(2000);
    await app.close();
    await metrics?.close();
  });
  announce({ port: grpc.port, adapters: app.adapters.description });
}

main().catch((error: unknown) => {
  process.stderr.write(`client-auth bench server: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
