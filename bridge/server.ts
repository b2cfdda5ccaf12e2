/** Runs the bridge on its own HTTP server, with its gRPC client and health probe. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClientAuthClient } from '../src/client';
import { INTERNAL_PASS_KEY } from '../src/grpc/call-gate';
import { hostPort, loopbackFor } from '../src/loopback';
import type { Config } from '../src/config';
import type { Logger } from '../src/domain/logger';
import { createBridgeApp, type BridgeAppOptions } from './app';
import { upstreamHealth } from './upstream-health';

export interface RunningBridge {
  server: Server;
  port: number;
  /** e.g. http://127.0.0.1:8000 */
  url: string;
  /** At once: every new request is answered 503 UNAVAILABLE; running ones go on. */
  stopTakingRequests(): void;
  /** Stops taking requests, lets running ones finish (bounded), then closes the server and its gRPC channels. */
  close(graceMs?: number): Promise<void>;
}

const SHUTTING_DOWN = { message: 'this instance is shutting down; retry later', reason: 'UNAVAILABLE' };

/** A slow client may hold a connection this long at most (headers and body together). */
const REQUEST_TIMEOUT_MS = 30_000;

/** Starts the bridge on config.host:config.port (0 picks a free one), calling the gRPC server at `upstream`. */
export async function startBridge(
  config: Config['bridge'],
  options: {
    log: Logger;
    upstream?: string;
    /** The in-process server's pass, to finish requests while it drains. */
    internalPass?: string;
  } & Pick<BridgeAppOptions, 'identityOf' | 'accessLog' | 'observe'>,
): Promise<RunningBridge> {
  const upstream = options.upstream ?? config.upstream;
  const api = createClientAuthClient(upstream, {
    deadlineMs: config.callTimeoutMs,
    ...(options.internalPass ? { metadata: { [INTERNAL_PASS_KEY]: options.internalPass } } : {}),
  });
  const health = upstreamHealth(upstream);
  const { upstream: _upstream, internalPass: _internalPass, ...appOptions } = options;
  const app = createBridgeApp({ ...appOptions, config, api, health });
  const handle = app.callback();
  let draining = false;
  let running = 0;
  let idle: (() => void) | null = null;
  // Refusing new requests rather than closing the listener: a client then gets a clear
  // 503 instead of a refused connection, on new and kept-alive connections alike.
  const server = createServer((request, response) => {
    if (draining) {
      response.writeHead(503, { 'Content-Type': 'application/json; charset=utf-8', Connection: 'close', 'Retry-After': '1', 'Cache-Control': 'no-store' });
      response.end(JSON.stringify(SHUTTING_DOWN));
      return;
    }
    running++;
    response.once('close', () => {
      if (--running === 0) idle?.();
    });
    void handle(request, response);
  });
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
  return {
    server,
    port,
    url: `http://${hostPort(loopbackFor(config.host), port)}`,
    stopTakingRequests: () => {
      draining = true;
    },
    close: async (graceMs = 10_000) => {
      draining = true;
      if (running > 0) {
        await new Promise<void>((resolve) => {
          const force = setTimeout(resolve, graceMs);
          force.unref();
          idle = () => {
            clearTimeout(force);
            resolve();
          };
        });
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      api.close();
      health.close();
    },
  };
}
