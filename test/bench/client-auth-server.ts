/**
 * The server under test: the gRPC role of src/main.ts (config from the environment,
 * buildApp, the gRPC server with its pino logger on stdout and ACCESS_LOG_SAMPLE, and per-RPC metrics when
 * METRICS_PORT is set), started by run.ts pinned to one core. Announces its port; stops
 * when the runner goes away. Traces as src/main.ts does when OTEL_* variables are set.
 */
// First, as in src/main.ts: tracing starts here when OTEL_* asks for it (the tracing-overhead phase).
import '../../src/telemetry/preload';
import { buildApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { sampledAccessLog } from '../../src/grpc/access-log';
import { startGrpcServer } from '../../src/grpc/server';
import { createLogger } from '../../src/logging';
import { createMetrics } from '../../src/metrics';
import { announce, stopWithRunner } from './child';

async function main(): Promise<void> {
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
