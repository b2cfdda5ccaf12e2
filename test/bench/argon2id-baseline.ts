/**
 * The baseline of the argon2id Login figure: raw `verify` (@node-rs/argon2) of the right
 * password against an argon2id hash of the same parameters, with as many verifications in
 * flight as the Login load has calls (it runs on the libuv thread pool, as in the server).
 * Started on the server's core as bcrypt-baseline.ts is; announces verifications per second.
 */
import { hash, verify } from '@node-rs/argon2';
import { announce, stopWithRunner } from './child.js';

interface Settings {
  memoryKib: number;
  iterations: number;
  parallelism: number;
  password: string;
  inFlight: number;
  warmUpSeconds: number;
  seconds: number;
}

async function main(): Promise<void> {
  stopWithRunner(async () => {});
  const settings = JSON.parse(process.argv[2]!) as Settings;
  // 2 is @node-rs/argon2's Algorithm.Argon2id (a const enum).
  const stored = await hash(settings.password, {
    algorithm: 2,
    memoryCost: settings.memoryKib,
    timeCost: settings.iterations,
    parallelism: settings.parallelism,
  });
  const started = performance.now();
  const measureFrom = started + settings.warmUpSeconds * 1000;
  const measureUntil = measureFrom + settings.seconds * 1000;
  let compares = 0;
  let mismatches = 0;
  const loop = async () => {
    while (performance.now() < measureUntil) {
      const matches = await verify(stored, settings.password);
      const finished = performance.now();
      if (!matches) mismatches += 1;
      if (finished >= measureFrom && finished < measureUntil) compares += 1;
    }
  };
  await Promise.all(Array.from({ length: settings.inFlight }, loop));
  announce({ compares, mismatches, seconds: settings.seconds, perSecond: compares / settings.seconds });
}

main().catch((error: unknown) => {
  process.stderr.write(`argon2id baseline: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
