/**
 * The server of the gateway benchmarks, in one process pinned to one core, as `main.js all`
 * runs it: the gRPC server (ValidateToken, ext_authz Check) and the bridge (forward auth
 * asking the service in process), with ACCESS_LOG_SAMPLE from the environment. Beside them,
 * on ports of their own, the baselines that share the core: a bare Koa route and the
 * application behind NGINX (an HTTP server answering 200 with a short body).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa from 'koa';
import { identityInProcess } from '../../bridge/routes/forward-auth.js';
import { startBridge } from '../../bridge/server.js';
import { buildApp } from '../../src/bootstrap/composition.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/observability/logging.js';
import { sampledAccessLog } from '../../src/transport/grpc/access-log.js';
import { startGrpcServer } from '../../src/transport/grpc/grpc-server.js';
import { gatewayCheck } from '../../src/transport/shared/gateway-identity.js';
import { announce, stopWithRunner } from './child.js';

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ port: number; close(): void }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const log = createLogger(config.logLevel, 'client-auth');
  const app = await buildApp(config, log);
  const accessLog = sampledAccessLog(config.accessLogSample);
  const grpc = await startGrpcServer(app.useCases, config.grpc, { log, maxMessageBytes: config.grpc.maxMessageBytes, streams: config.streams, accessLog });
  const bridge = await startBridge(config.bridge, {
    log,
    upstream: `127.0.0.1:${grpc.port}`,
    accessLog,
    identityOf: identityInProcess(gatewayCheck(app.useCases), log),
  });

  const bare = new Koa();
  const router = new Router();
  router.get('/bare', (ctx) => {
    ctx.status = 200;
    ctx.body = '';
  });
  bare.use(router.routes());
  const bareServer = await listen(bare.callback());
  const application = await listen((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end('hello\n');
  });

  stopWithRunner(async () => {
    bareServer.close();
    application.close();
    await bridge.close(2000);
    await grpc.shutdown(2000);
    await app.close();
  });
  announce({ grpcPort: grpc.port, bridgePort: bridge.port, barePort: bareServer.port, appPort: application.port });
}

main().catch((error: unknown) => {
  process.stderr.write(`client-auth gateway bench server: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
