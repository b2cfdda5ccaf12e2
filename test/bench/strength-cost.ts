/**
 * What the password-strength estimator costs: loading it (time, and the memory it keeps
 * after a full collection), one estimate of typical passwords, and the worst of some
 * costly 64-character inputs. Each set-up is measured in a fresh Node process:
 *
 *   npm run build:test && node dist/test/bench/strength-cost.js
 *
 * "built" is the service's estimator (src/adapters/password-lists/zxcvbn-estimator.ts)
 * loaded in the measuring thread; "documented" is zxcvbn-ts given its language packages as
 * its documentation shows, for comparison; "thread" is the service's estimator as the
 * service runs it, on its worker thread (zxcvbn-strength.ts): the time to the first answer
 * and per answer as a caller sees them, and the whole process's RSS (the thread's heap is
 * its own, so the measuring thread's heap is not the figure).
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { ESTIMATED_LENGTH, L33T_READINGS, loadEstimator } from '../../src/adapters/password-lists/zxcvbn-estimator.js';
import { estimatePasswordStrength } from '../../src/adapters/password-lists/zxcvbn-strength.js';
import { estimatorData } from '../../src/build/zxcvbn-dictionaries.js';
import { PATTERNED_PASSWORDS } from '../support/passwords.js';

type SetUp = 'built' | 'documented' | 'thread';

interface Figures {
  setUp: SetUp;
  loadMs: number;
  heapMb: number;
  rssMb: number;
  typicalMedianMs: number;
  typicalP99Ms: number;
  worstMs: number;
}

const TYPICAL = [
  ...PATTERNED_PASSWORDS,
  'correct horse battery staple',
  'velvet tractor umbrella 42',
  'x7#kP2!qLm9z',
  'Tr0ub4dor&3',
  'my dog ate 3 socks on tuesday',
  'AdaKing1852!',
];
const COSTLY = ['1'.repeat(64), '4@8(3&!1|0$5+7%'.repeat(5).slice(0, 64), 'a1'.repeat(32), 'thequickbrownfoxjumpsoverthelazydog'.repeat(2).slice(0, 64)];

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function measure(setUp: SetUp): Promise<Figures> {
  gc();
  const before = process.memoryUsage();
  const started = performance.now();
  let check: (password: string) => unknown;
  if (setUp === 'thread') return measureThread(before, started);
  if (setUp === 'built') {
    const estimator = await loadEstimator();
    check = (password) => estimator.check(password, ['someone@example.com', 'someone']);
  } else {
    const data = estimatorData();
    const factory = new ZxcvbnFactory({
      dictionary: data.dictionary,
      graphs: data.graphs as never,
      translations: data.translations as never,
      maxLength: ESTIMATED_LENGTH,
      l33tMaxSubstitutions: L33T_READINGS,
    });
    check = (password) => factory.check(password, ['someone@example.com', 'someone']);
  }
  check('a first password');
  const loadMs = performance.now() - started;
  gc();
  const after = process.memoryUsage();
  const times: number[] = [];
  for (let round = 0; round < 20; round++) {
    for (const password of TYPICAL) {
      const at = performance.now();
      check(`${password}${round}`);
      times.push(performance.now() - at);
    }
  }
  times.sort((a, b) => a - b);
  let worstMs = 0;
  for (const password of COSTLY) {
    const at = performance.now();
    check(password);
    worstMs = Math.max(worstMs, performance.now() - at);
  }
  return {
    setUp,
    loadMs,
    heapMb: (after.heapUsed - before.heapUsed) / 1e6,
    rssMb: (after.rss - before.rss) / 1e6,
    typicalMedianMs: times[Math.floor(times.length / 2)]!,
    typicalP99Ms: times[Math.floor(times.length * 0.99)]!,
    worstMs,
  };
}

/** The same figures through the service's worker thread: every estimate is awaited, as a caller awaits it. */
async function measureThread(before: NodeJS.MemoryUsage, started: number): Promise<Figures> {
  const inputs = ['someone@example.com', 'someone'];
  await estimatePasswordStrength('a first password', inputs);
  const loadMs = performance.now() - started;
  gc();
  const after = process.memoryUsage();
  const times: number[] = [];
  for (let round = 0; round < 20; round++) {
    for (const password of TYPICAL) {
      const at = performance.now();
      await estimatePasswordStrength(`${password}${round}`, inputs);
      times.push(performance.now() - at);
    }
  }
  times.sort((a, b) => a - b);
  let worstMs = 0;
  for (const password of COSTLY) {
    const at = performance.now();
    await estimatePasswordStrength(password, inputs);
    worstMs = Math.max(worstMs, performance.now() - at);
  }
  return {
    setUp: 'thread',
    loadMs,
    heapMb: (after.heapUsed - before.heapUsed) / 1e6,
    rssMb: (after.rss - before.rss) / 1e6,
    typicalMedianMs: times[Math.floor(times.length / 2)]!,
    typicalP99Ms: times[Math.floor(times.length * 0.99)]!,
    worstMs,
  };
}

const asChild = process.argv[2];
if (asChild === 'built' || asChild === 'documented' || asChild === 'thread') {
  process.stdout.write(JSON.stringify(await measure(asChild)));
} else {
  const self = fileURLToPath(import.meta.url);
  for (const setUp of ['thread', 'built', 'documented'] as const) {
    const child = spawnSync(process.execPath, ['--expose-gc', self, setUp], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(child.stderr);
    const f = JSON.parse(child.stdout) as Figures;
    console.log(
      `${f.setUp.padEnd(10)} load ${f.loadMs.toFixed(0)} ms, keeps ${f.heapMb.toFixed(1)} MB of heap (${f.rssMb.toFixed(1)} MB RSS); ` +
        `one estimate: median ${f.typicalMedianMs.toFixed(1)} ms, p99 ${f.typicalP99Ms.toFixed(1)} ms, worst 64-character input ${f.worstMs.toFixed(0)} ms`,
    );
  }
}
