/**
 * The baseline of the Login figure: raw `bcrypt.compare` of the right password against a
 * hash of the same cost, with as many compares in flight as the Login load has calls
 * (async bcrypt runs on the libuv thread pool, as it does in the server). Started by
 * run.ts on the server's core; announces compares per second.
 */
import bcrypt from 'bcrypt';
import { announce, stopWithRunner } from './child.js';

interface Settings {
  cost: number;
  password: string;
  inFlight: number;
  warmUpSeconds: number;
  seconds: number;
}

async function main(): Promise<void> {
  stopWithRunner(async () => {});
  const settings = JSON.parse(process.argv[2]!) as Settings;
  const hash = await bcrypt.hash(settings.password, settings.cost);
  const started = performance.now();
  const measureFrom = started + settings.warmUpSeconds * 1000;
  const measureUntil = measureFrom + settings.seconds * 1000;
  let compares = 0;
  let mismatches = 0;
  const loop = async () => {
    while (performance.now() < measureUntil) {
      const matches = await bcrypt.compare(settings.password, hash);
      const finished = performance.now();
      if (!matches) mismatches += 1;
      if (finished >= measureFrom && finished < measureUntil) compares += 1;
    }
  };
  await Promise.all(Array.from({ length: settings.inFlight }, loop));
  announce({ compares, mismatches, seconds: settings.seconds, perSecond: compares / settings.seconds });
}

main().catch((error: unknown) => {
  process.stderr.write(`bcrypt baseline: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
