import * as path from 'node:path';
import { type ResourceLimits, Worker } from 'node:worker_threads';
import type { PasswordStrength, StrengthEstimate } from '../../domain/abuse/ports.js';
import { UnavailableError } from '../../domain/kernel/errors.js';
import { packageRoot } from '../package-root.js';

/**
 * The password-strength estimator (zxcvbn-estimator.ts) on a worker thread of its own
 * (strength-worker.ts), started at the first estimate, never at start-up. An estimate is
 * milliseconds of computation (more for the costliest inputs), which on the event loop
 * would delay every call in flight, token validations included, and stretch the
 * durations the hashing queue predicts its waits from. The thread makes one estimate at a
 * time; how many can wait for it is bounded by the callers, which estimate only inside the
 * limits and the hashing queue's places. Why, and the figures: docs/adr/0008-password-strength.md.
 */

/** A request to the estimator's thread, and its answer. */
export interface StrengthRequest {
  id: number;
  password: string;
  userInputs: readonly string[];
}
export type StrengthAnswer = { id: number; estimate: StrengthEstimate } | { id: number; error: string };

/** The compiled worker's file: found from the package root, since this module may run from the bundle. */
const WORKER_FILE = path.join('dist', 'src', 'adapters', 'password-lists', 'strength-worker.js');

/**
 * The thread's heap limits. Its young generation is held at 4 MB instead of V8's 48: an
 * estimate of a costly input allocates tens of megabytes of short-lived matches, which at
 * the default size stayed resident once judged; at 4 MB the verdicts are the same and the
 * estimates no slower (docs/benchmarks.md, "The password-strength
 * thread's young generation"). The old generation keeps V8's limit: it holds the dictionaries, and a
 * thread that ran out of it would fail every estimate it owes.
 */
const THREAD_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 4 };

/** The thread of this process, started at the first estimate, and the estimates it owes. */
let thread: Worker | null = null;
const owed = new Map<number, { resolve(estimate: StrengthEstimate): void; reject(error: Error): void }>();
let nextId = 0;

function estimatorThread(): Worker {
  if (thread) return thread;
  const root = packageRoot(import.meta.dirname);
  // No execArgv: whatever the main thread was started with (a test's preload) stays there.
  const started = new Worker(path.join(root, WORKER_FILE), { workerData: { root }, execArgv: [], resourceLimits: THREAD_LIMITS });
  // An idle estimator must not keep a stopping process alive; one that owes an answer does.
  started.unref();
  started.on('message', (answer: StrengthAnswer) => {
    const waiting = owed.get(answer.id);
    owed.delete(answer.id);
    if (owed.size === 0) started.unref();
    if (!waiting) return;
    if ('error' in answer) waiting.reject(new UnavailableError(`the password-strength estimator failed: ${answer.error}`));
    else waiting.resolve(answer.estimate);
  });
  const lost = (error: Error) => {
    if (thread !== started) return;
    thread = null;
    for (const waiting of owed.values()) waiting.reject(new UnavailableError(`the password-strength estimator stopped: ${error.message}`));
    owed.clear();
  };
  started.on('error', lost);
  started.on('exit', (code) => lost(new Error(`its thread exited with code ${code}`)));
  thread = started;
  return started;
}

/** The heap limits the estimator's thread runs with, or `undefined` before its first estimate (for the tests and the bench). */
export function estimatorThreadLimits(): ResourceLimits | undefined {
  return thread?.resourceLimits;
}

/**
 * How hard `password` is to guess, from 0 to 4, with zxcvbn's feedback in English;
 * `userInputs` are words of the account (its email, names). The function the service uses
 * (through `ZxcvbnPasswordStrength`), and the one a page's strength hint should call, so
 * the hint and the refusal agree. Rejects with UnavailableError if the estimator's thread
 * fails (it is started again at the next call).
 */
export function estimatePasswordStrength(password: string, userInputs: readonly string[]): Promise<StrengthEstimate> {
  const worker = estimatorThread();
  return new Promise<StrengthEstimate>((resolve, reject) => {
    const id = nextId++;
    if (owed.size === 0) worker.ref();
    owed.set(id, { resolve, reject });
    worker.postMessage({ id, password, userInputs: [...userInputs] } satisfies StrengthRequest);
  });
}

export class ZxcvbnPasswordStrength implements PasswordStrength {
  estimate(password: string, userInputs: readonly string[]): Promise<StrengthEstimate> {
    return estimatePasswordStrength(password, userInputs);
  }
}
