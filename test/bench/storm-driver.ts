/**
 * A login storm: a wave of `storm` concurrent wrong-password Logins every second (distinct
 * emails and client IPs, so the attempt limits let them through to the hashing queue),
 * far more than bcrypt can serve, while a gateway calls
 * ValidateToken one call after the other and a real user logs in now and then. Measures
 * ValidateToken's latency idle and during the storm, and how each of the user's logins
 * ended and how fast. A Node client started by run.ts on the load generator's core.
 */
import type { ServiceError } from '@grpc/grpc-js';
import { createClientAuthClient, errorDetailOf } from '../../src/sdk/typed-client.js';
import { announce, stopWithRunner } from './child.js';
import { percentile } from './load-generators.js';

const WAVE_MS = 1000;

interface Settings {
  address: string;
  email: string;
  password: string;
  token: string;
  storm: number;
  seconds: number;
  userLogins: number;
}

/** One real user's login during the storm: how it ended and in how many milliseconds. */
export interface UserLogin {
  outcome: string;
  ms: number;
}

export interface StormFigures {
  idleValidateP99Ms: number;
  stormValidateP99Ms: number;
  validateCalls: number;
  validateFailures: Record<string, number>;
  storm: Record<string, number>;
  userLogins: UserLogin[];
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.argv[2]!) as Settings;
  const api = createClientAuthClient(settings.address, { deadlineMs: 10_000 });
  const attacker = createClientAuthClient(settings.address, { deadlineMs: 10_000 });
  stopWithRunner(async () => {
    api.close();
    attacker.close();
  });
  const validateFailures: Record<string, number> = {};
  const validateFor = async (ms: number) => {
    const latencies: number[] = [];
    const until = performance.now() + ms;
    while (performance.now() < until) {
      const sent = performance.now();
      const outcome = await outcomeOf(api.validateToken({ token: settings.token }));
      if (outcome === 'OK') latencies.push(performance.now() - sent);
      else validateFailures[outcome] = (validateFailures[outcome] ?? 0) + 1;
    }
    return latencies;
  };

  const idle = await validateFor(2000);
  const storm: Record<string, number> = {};
  let sent = 0;
  const wave = () =>
    Array.from({ length: settings.storm }, async () => {
      const index = sent++;
      const outcome = await outcomeOf(
        attacker.login(
          { email: `storm-${index}@example.com`, password: 'not the password' },
          { clientIp: `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}` },
        ),
      );
      storm[outcome] = (storm[outcome] ?? 0) + 1;
    });
  const waves: Array<Promise<void>> = [...wave()];
  const waver = setInterval(() => waves.push(...wave()), WAVE_MS);
  const userLogins: UserLogin[] = [];
  const user = (async () => {
    const gap = (settings.seconds * 1000) / (settings.userLogins + 1);
    for (let i = 0; i < settings.userLogins; i++) {
      await new Promise((resolve) => setTimeout(resolve, gap));
      const started = performance.now();
      const outcome = await outcomeOf(api.login({ email: settings.email, password: settings.password }));
      userLogins.push({ outcome, ms: performance.now() - started });
    }
  })();
  const during = await validateFor(settings.seconds * 1000);
  await user;
  clearInterval(waver);
  await Promise.all(waves);

  const figures: StormFigures = {
    idleValidateP99Ms: percentile(idle, 99),
    stormValidateP99Ms: percentile(during, 99),
    validateCalls: during.length,
    validateFailures,
    storm,
    userLogins,
  };
  announce({ ...figures });
}

async function outcomeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'OK';
  } catch (error) {
    const serviceError = error as ServiceError;
    return errorDetailOf(serviceError)?.reason || `code ${serviceError.code}`;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`storm driver: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
