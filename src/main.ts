/**
 * Composition root: config -> adapters -> service -> gRPC server, and the Koa bridge.
 * `node dist/src/main.js [all|server|bridge]`: both (the default), only the gRPC server,
 * or only the bridge (calling BRIDGE_GRPC_TARGET). `node dist/src/main.js import-original ...`
 * moves the clients of the original service over (src/import-original/command.ts).
 */
import { startBridge } from '../bridge/server';
import { buildApp } from './app';
import { ConfigError, loadConfig } from './config';
import { startGrpcServer } from './grpc/server';
import { createLogger } from './logging';
import { createMetrics } from './metrics';
import { runImportOriginal } from './import-original/command';

const ROLES = ['all', 'server', 'bridge'] as const;
type Role = (typeof ROLES)[number];

async function main(): Promise<void> {
  if (process.argv[2] === 'import-original') {
    process.exit(await runImportOriginal(process.argv.slice(3), () => loadConfig(process.env)));
  }
  const role = (process.argv[2] ?? 'all') as Role;
  if (!ROLES.includes(role)) {
    process.stderr.write(`client-auth: unknown role "${role}"; expected one of ${ROLES.join(', ')}\n`);
    process.exit(64);
  }
  let config;
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
      : createMetrics(
          app
            ? {
                revocations: app.adapters.revocations,
                outbox: app.adapters.outbox,
                storesUp: () => app.adapters.storesUp(),
                ...(app.legacyTokens ? { legacyTokens: app.legacyTokens } : {}),
              }
            : {},
        );
  const grpc =
    app === null
      ? null
      : await startGrpcServer(app.useCases, config.grpc, {
          log,
          maxMessageBytes: config.grpc.maxMessageBytes,
          ...(metrics ? { observe: metrics.observeRpc } : {}),
        });
  if (grpc) log.info({ port: grpc.port }, 'gRPC server listening');
  if (metrics && config.metricsPort !== null) {
    log.info({ port: await metrics.start(config.metricsPort, config.grpc.host) }, 'metrics served at /metrics');
  }
  // In one process the bridge calls the server's actual port (GRPC_PORT may be 0).
  const upstream = grpc ? `${localHostOf(config.grpc.host)}:${grpc.port}` : config.bridge.upstream;
  const bridge = role === 'server' ? null : await startBridge(config.bridge, { log, upstream });
  if (bridge) log.info({ port: bridge.port, upstream }, 'bridge listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: draining calls');
    await bridge?.close();
    await grpc?.shutdown();
    await app?.close();
    await metrics?.close();
    log.info({}, 'stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** An address this process can reach its own gRPC server on. */
function localHostOf(bindHost: string): string {
  if (bindHost === '0.0.0.0' || bindHost === '') return '127.0.0.1';
  if (bindHost === '::') return '[::1]';
  return bindHost.includes(':') && !bindHost.startsWith('[') ? `[${bindHost}]` : bindHost;
}

main().catch((error: unknown) => {
  process.stderr.write(`client-auth: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
