/** Runs the bridge on its own HTTP server, with its gRPC client and health probe. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClientAuthServer } from '../gen/clientauth/v1/client_auth.js';
import type { Config } from '../src/config/index.js';
import type { Logger } from '../src/domain/kernel/logger.js';
import { type ClientAuthCalls, createClientAuthClient, promiseClient } from '../src/sdk/typed-client.js';
import { INTERNAL_PASS_KEY } from '../src/transport/grpc/call-gate.js';
import { inProcessClient } from '../src/transport/grpc/in-process-client.js';
import { hostPort, loopbackFor } from '../src/transport/shared/loopback.js';
import { type BridgeAppOptions, createBridgeApp } from './app.js';
import { JSON_CONTENT_TYPE } from './json/respond.js';
import { type HealthService, inProcessHealth, type UpstreamHealth, upstreamHealth } from './upstream-health.js';

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

/** The gRPC server of this process, for a bridge that calls its handlers without the network. */
export interface LocalServer {
  handlers: ClientAuthServer;
  health: HealthService;
  maxMessageBytes: number;
  /** The server's pass, so requests accepted before a shutdown can finish while it drains. */
  internalPass?: string;
}

export type BridgeOptions = {
  log: Logger;
  /** host:port of the gRPC server (BRIDGE_GRPC_TARGET when absent). */
  upstream?: string;
  /** When given, the bridge calls these handlers in process and `upstream` is unused. */
  local?: LocalServer;
} & Pick<BridgeAppOptions, 'identityOf' | 'accessLog' | 'observe' | 'oidc'>;

/**
 * Starts the bridge on config.host:config.port (0 picks a free one), calling the gRPC
 * server of this process in process, or the one at `upstream` over the network.
 */
export async function startBridge(config: Config['bridge'], options: BridgeOptions): Promise<RunningBridge> {
  const { api, health } = options.local ? inProcessUpstream(options.local, config) : networkUpstream(options.upstream ?? config.upstream, config);
  const { upstream: _upstream, local: _local, ...appOptions } = options;
  const app = createBridgeApp({ ...appOptions, config, api, health });
  const handle = app.callback();
  let draining = false;
  let running = 0;
  let idle: (() => void) | null = null;
  // Refusing new requests rather than closing the listener: a client then gets a clear
  // 503 instead of a refused connection, on new and kept-alive connections alike.
  const server = createServer((request, response) => {
    if (draining) {
      response.writeHead(503, { 'Content-Type': JSON_CONTENT_TYPE, Connection: 'close', 'Retry-After': '1', 'Cache-Control': 'no-store' });
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

function networkUpstream(address: string, config: Config['bridge']): { api: ClientAuthCalls; health: UpstreamHealth } {
  return { api: createClientAuthClient(address, { deadlineMs: config.callTimeoutMs }), health: upstreamHealth(address) };
}

function inProcessUpstream(local: LocalServer, config: Config['bridge']): { api: ClientAuthCalls; health: UpstreamHealth } {
  const calls = inProcessClient(local.handlers, { maxMessageBytes: local.maxMessageBytes });
  const metadata = local.internalPass ? { metadata: { [INTERNAL_PASS_KEY]: local.internalPass } } : {};
  return { api: promiseClient(calls, { deadlineMs: config.callTimeoutMs, ...metadata }), health: inProcessHealth(local.health) };
}
