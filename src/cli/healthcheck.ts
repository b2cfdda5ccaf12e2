/**
 * The container's health check: `node dist/src/cli/healthcheck.js` exits 0 when healthy.
 *
 * One image runs the gRPC server, the bridge or both (the argument of main.js), and the
 * check has to be right for each without being told which. So it probes both listeners
 * on their configured ports: a port that refuses the connection is a role this container
 * does not run; a port that accepts must answer healthy (grpc.health.v1 SERVING, or a
 * 2xx from the bridge's /healthz). Healthy means at least one answered, and all that
 * answered are healthy.
 */
import { realpathSync } from 'node:fs';
import { connect } from 'node:net';
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { type HealthCheckResponse, HealthClient, healthCheckResponse_ServingStatusToJSON } from '../../gen/grpc/health/v1/health.js';
import { type Config, ConfigError, loadConfig } from '../config/index.js';
import { hostPort, loopbackFor } from '../transport/shared/loopback.js';

const PROBE_TIMEOUT_MS = 2000;

export type ProbeResult =
  | { listener: 'grpc' | 'bridge'; target: string; state: 'absent' }
  | { listener: 'grpc' | 'bridge'; target: string; state: 'healthy' | 'unhealthy'; detail: string };

export interface HealthVerdict {
  healthy: boolean;
  probes: ProbeResult[];
}

/** Probes the gRPC health service and the bridge's /healthz of the process `config` describes. */
export async function checkHealth(config: Config, timeoutMs = PROBE_TIMEOUT_MS): Promise<HealthVerdict> {
  const grpcHost = loopbackFor(config.grpc.host);
  const grpcTarget = hostPort(grpcHost, config.grpc.port);
  const bridgeHost = loopbackFor(config.bridge.host);
  const bridgeUrl = `http://${hostPort(bridgeHost, config.bridge.port)}/healthz`;
  const probes = await Promise.all([
    probe('grpc', grpcTarget, grpcHost, config.grpc.port, () => grpcServing(grpcTarget, timeoutMs), timeoutMs),
    probe('bridge', bridgeUrl, bridgeHost, config.bridge.port, () => bridgeHealthy(bridgeUrl, timeoutMs), timeoutMs),
  ]);
  const answered = probes.filter((result) => result.state !== 'absent');
  return { healthy: answered.length > 0 && answered.every((result) => result.state === 'healthy'), probes };
}

async function probe(
  listener: 'grpc' | 'bridge',
  target: string,
  host: string,
  port: number,
  ask: () => Promise<{ healthy: boolean; detail: string }>,
  timeoutMs: number,
): Promise<ProbeResult> {
  if (!(await accepts(host, port, timeoutMs))) return { listener, target, state: 'absent' };
  const { healthy, detail } = await ask();
  return { listener, target, state: healthy ? 'healthy' : 'unhealthy', detail };
}

/** False only when nothing listens (connection refused); any other failure counts as present, so it is probed and reported. */
function accepts(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code !== 'ECONNREFUSED'));
  });
}

function grpcServing(target: string, timeoutMs: number): Promise<{ healthy: boolean; detail: string }> {
  const client = new HealthClient(target, credentials.createInsecure());
  return new Promise((resolve) => {
    client.check({ service: '' }, new Metadata(), { deadline: Date.now() + timeoutMs }, (error: ServiceError | null, response?: HealthCheckResponse) => {
      client.close();
      if (error) resolve({ healthy: false, detail: `health check failed: ${error.details || error.message}` });
      else {
        const status = response ? healthCheckResponse_ServingStatusToJSON(response.status) : 'no status';
        resolve({ healthy: status === 'SERVING', detail: status });
      }
    });
  });
}

async function bridgeHealthy(url: string, timeoutMs: number): Promise<{ healthy: boolean; detail: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return { healthy: response.ok, detail: `HTTP ${response.status}` };
  } catch (error) {
    return { healthy: false, detail: `request failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    process.stderr.write(`unhealthy: ${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const verdict = await checkHealth(config);
  for (const result of verdict.probes) {
    process.stdout.write(`${result.listener} ${result.target}: ${result.state === 'absent' ? 'not listening' : `${result.state} (${result.detail})`}\n`);
  }
  if (verdict.probes.every((result) => result.state === 'absent')) process.stdout.write('unhealthy: neither the gRPC server nor the bridge is listening\n');
  process.exit(verdict.healthy ? 0 : 1);
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === import.meta.filename) void main();
