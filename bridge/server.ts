/** Runs the bridge on its own HTTP server, with its gRPC client and health probe. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClientAuthClient } from '../src/client';
import type { Config } from '../src/config';
import type { Logger } from '../src/domain/logger';
import { createBridgeApp, type BridgeAppOptions } from './app';
import { upstreamHealth } from './upstream-health';

export interface RunningBridge {
  server: Server;
  port: number;
  /** e.g. http://127.0.0.1:8000 */
  url: string;
  /** Stops taking connections, lets running requests finish (bounded), then closes the gRPC channels. */
  close(graceMs?: number): Promise<void>;
}

/** A slow client may hold a connection this long at most (headers and body together). */
const REQUEST_TIMEOUT_MS = 30_000;

/** Starts the bridge on config.host:config.port (0 picks a free one), calling the gRPC server at `upstream`. */
export async function startBridge(
  config: Config['bridge'],
  options: { log: Logger; upstream?: string } & Pick<BridgeAppOptions, 'identityOf' | 'accessLog' | 'observe'>,
): Promise<RunningBridge> {
  const upstream = options.upstream ?? config.upstream;
  const api = createClientAuthClient(upstream, { deadlineMs: config.callTimeoutMs });
  const health = upstreamHealth(upstream);
  const { upstream: _upstream, ...appOptions } = options;
  const app = createBridgeApp({ ...appOptions, config, api, health });
  const server = createServer(app.callback());
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = Math.min(server.headersTimeout, REQUEST_TIMEOUT_MS);

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    api.close();
    health.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return {
    server,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          api.close();
          health.close();
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
