/** Runs the bridge on its own HTTP server, with its gRPC client and health probe. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClientAuthServer } from '../gen/clientauth/v1/client_auth';
import { createClientAuthClient, promiseClient, type ClientAuthCalls } from '../src/client';
import type { Config } from '../src/config';
import type { Logger } from '../src/domain/logger';
import { inProcessClient } from '../src/grpc/in-process-client';
import { createBridgeApp } from './app';
import { inProcessHealth, upstreamHealth, type HealthService, type UpstreamHealth } from './upstream-health';

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

/** The gRPC server of this process, for a bridge that calls its handlers without the network. */
export interface LocalServer {
  handlers: ClientAuthServer;
  health: HealthService;
  maxMessageBytes: number;
}

export interface BridgeOptions {
  log: Logger;
  /** host:port of the gRPC server (BRIDGE_GRPC_TARGET when absent). */
  upstream?: string;
  /** When given, the bridge calls these handlers in process and `upstream` is unused. */
  local?: LocalServer;
}

/**
 * Starts the bridge on config.host:config.port (0 picks a free one), calling the gRPC
 * server of this process in process, or the one at `upstream` over the network.
 */
export async function startBridge(config: Config['bridge'], options: BridgeOptions): Promise<RunningBridge> {
  const { api, health } = options.local ? inProcessUpstream(options.local, config) : networkUpstream(options.upstream ?? config.upstream, config);
  const app = createBridgeApp({ config, api, health, log: options.log });
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

function networkUpstream(address: string, config: Config['bridge']): { api: ClientAuthCalls; health: UpstreamHealth } {
  return { api: createClientAuthClient(address, { deadlineMs: config.callTimeoutMs }), health: upstreamHealth(address) };
}

function inProcessUpstream(local: LocalServer, config: Config['bridge']): { api: ClientAuthCalls; health: UpstreamHealth } {
  const calls = inProcessClient(local.handlers, { maxMessageBytes: local.maxMessageBytes });
  return { api: promiseClient(calls, { deadlineMs: config.callTimeoutMs }), health: inProcessHealth(local.health) };
}
