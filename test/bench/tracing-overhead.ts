/**
 * What tracing costs ValidateToken: the shared set-up's server against a second one started
 * with OTEL_EXPORTER_OTLP_ENDPOINT set and 1 % of traces sampled (parentbased_traceidratio,
 * as a production deployment would), exporting to a local OTLP sink that accepts and drops
 * everything. Rounds alternate between the two, as the other ValidateToken figures do.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ValidateTokenRequest } from '../../gen/clientauth/v1/client_auth.js';
import { type H2loadResult, h2load, type LoadFigures, pooled } from './load-generators.js';

export interface TracingOverhead {
  off: LoadFigures;
  on: LoadFigures;
  /** Trace export requests the sink received from the traced server. */
  exports: number;
}

/** The OTEL_* variables of the traced server, exporting to `endpoint`. */
export function tracingEnv(endpoint: string): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: '0.01',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    OTEL_BSP_SCHEDULE_DELAY: '1000',
  };
}

/** An OTLP/HTTP endpoint on 127.0.0.1 that answers 200 to everything and counts trace exports. */
export async function startOtlpSink(): Promise<{ endpoint: string; exports(): number; close(): void }> {
  let exports = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.url === '/v1/traces') exports++;
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, exports: () => exports, close: () => void server.close() };
}

interface Target {
  address: string;
  token: string;
}

export async function measureTracingOverhead(
  untraced: Target,
  traced: Target,
  sink: { exports(): number },
  run: { inFlight: number; warmUpSeconds: number; seconds: number; rounds: number; workDir: string },
): Promise<TracingOverhead> {
  const runs: Record<'off' | 'on', H2loadResult[]> = { off: [], on: [] };
  for (let round = 0; round < run.rounds; round++) {
    for (const [which, target] of [
      ['off', untraced],
      ['on', traced],
    ] as const) {
      const message = ValidateTokenRequest.encode({ token: target.token }).finish();
      runs[which].push(await h2load({ ...run, address: target.address, path: '/clientauth.v1.ClientAuth/ValidateToken', message }));
    }
  }
  // Spans leave in batches every second (OTEL_BSP_SCHEDULE_DELAY); give the last one time to arrive.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return { off: pooled(runs.off), on: pooled(runs.on), exports: sink.exports() };
}
