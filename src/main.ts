/** Composition root: config -> adapters -> service -> gRPC server. */
import { buildApp } from './app';
import { ConfigError, loadConfig } from './config';
import { startGrpcServer } from './grpc/server';
import { createLogger } from './logging';

async function main(): Promise<void> {
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
  const app = await buildApp(config, log);
  const grpc = await startGrpcServer(app.service, config.grpc, { log, maxMessageBytes: config.grpc.maxMessageBytes });
  log.info({ port: grpc.port }, 'gRPC server listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: draining calls');
    await grpc.shutdown();
    await app.close();
    log.info({}, 'stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`client-auth: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
