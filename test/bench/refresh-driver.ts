/**
 * Drives RefreshToken, which a fixed-request generator cannot: each rotation retires the
 * token it was given, so every call must carry the previous answer's token. Logs in
 * `sessions` times, then runs that many chains of refreshes for the warm-up and the
 * measured time. A Node gRPC client, started by run.ts on the load generator's core;
 * announces refreshes per second and the failures by reason.
 */
import type { ServiceError } from '@grpc/grpc-js';
import { createClientAuthClient, errorDetailOf } from '../../src/client';
import { percentile } from './load-generators';
import { announce, stopWithRunner } from './child';

interface Settings {
  address: string;
  email: string;
  password: string;
  sessions: number;
  warmUpSeconds: number;
  seconds: number;
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.argv[2]!) as Settings;
  const api = createClientAuthClient(settings.address, { deadlineMs: 10_000 });
  stopWithRunner(async () => api.close());

  // One after the other: sixteen at once would meet the password-hashing queue's bound.
  const logins = [];
  for (let i = 0; i < settings.sessions; i++) logins.push(await api.login({ email: settings.email, password: settings.password }));
  const started = performance.now();
  const measureFrom = started + settings.warmUpSeconds * 1000;
  const measureUntil = measureFrom + settings.seconds * 1000;
  const latenciesMs: number[] = [];
  const failures: Record<string, number> = {};

  const chain = async (refreshToken: string) => {
    let token = refreshToken;
    while (performance.now() < measureUntil) {
      const sent = performance.now();
      try {
        token = (await api.refreshToken({ refreshToken: token })).refreshToken;
      } catch (error) {
        const reason = errorDetailOf(error as ServiceError)?.reason || `code ${(error as ServiceError).code}`;
        failures[reason] = (failures[reason] ?? 0) + 1;
        return;
      }
      const finished = performance.now();
      if (finished >= measureFrom && finished < measureUntil) latenciesMs.push(finished - sent);
    }
  };
  await Promise.all(logins.map((login) => chain(login.refreshToken)));

  announce({
    refreshes: latenciesMs.length,
    seconds: settings.seconds,
    perSecond: latenciesMs.length / settings.seconds,
    p50Ms: percentile(latenciesMs, 50),
    p99Ms: percentile(latenciesMs, 99),
    failures,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`refresh driver: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
