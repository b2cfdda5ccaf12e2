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
 * estimates no slower (docs/benchmarks.md, "The password-strength thread's memory"). The
 * old generation keeps V8's limit: it holds the dictionaries, and a thread that ran out of
 * it would fail every estimate it owes.
 */
const THREAD_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 4 };

export interface EstimatorThreadOptions {
  /**
   * How long the thread may go without an estimate before it is ended, giving back what it
   * holds; the next estimate starts a new one and waits for it to load. 0 keeps it for the
   * life of the process. `PASSWORD_STRENGTH_IDLE_SEC`, docs/adr/0024-strength-thread-ends-when-idle.md.
   */
  idleMs: number;
}

/** The estimator's thread: started at the first estimate, and again at the first after it was ended or failed. */
class EstimatorThread {
  private thread: Worker | null = null;
  private readonly owed = new Map<number, { resolve(estimate: StrengthEstimate): void; reject(error: Error): void }>();
  private nextId = 0;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: EstimatorThreadOptions) {}

  get running(): boolean {
    return this.thread !== null;
  }

  get limits(): ResourceLimits | undefined {
    return this.thread?.resourceLimits;
  }

  estimate(password: string, userInputs: readonly string[]): Promise<StrengthEstimate> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const worker = this.started();
    return new Promise<StrengthEstimate>((resolve, reject) => {
      const id = this.nextId++;
      if (this.owed.size === 0) worker.ref();
      this.owed.set(id, { resolve, reject });
      worker.postMessage({ id, password, userInputs: [...userInputs] } satisfies StrengthRequest);
    });
  }

  private started(): Worker {
    if (this.thread) return this.thread;
    const root = packageRoot(import.meta.dirname);
    // No execArgv: whatever the main thread was started with (a test's preload) stays there.
    const started = new Worker(path.join(root, WORKER_FILE), { workerData: { root }, execArgv: [], resourceLimits: THREAD_LIMITS });
    // An idle estimator must not keep a stopping process alive; one that owes an answer does.
    started.unref();
    started.on('message', (answer: StrengthAnswer) => {
      const waiting = this.owed.get(answer.id);
      this.owed.delete(answer.id);
      if (this.owed.size === 0) this.idle(started);
      if (!waiting) return;
      if ('error' in answer) waiting.reject(new UnavailableError(`the password-strength estimator failed: ${answer.error}`));
      else waiting.resolve(answer.estimate);
    });
    const lost = (error: Error) => {
      if (this.thread !== started) return;
      this.thread = null;
      for (const waiting of this.owed.values()) waiting.reject(new UnavailableError(`the password-strength estimator stopped: ${error.message}`));
      this.owed.clear();
    };
    started.on('error', lost);
    started.on('exit', (code) => lost(new Error(`its thread exited with code ${code}`)));
    this.thread = started;
    return started;
  }

  /** The thread owes nothing: it no longer holds the process open, and is ended once idle for `idleMs`. */
  private idle(worker: Worker): void {
    worker.unref();
    if (this.options.idleMs === 0) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.thread !== worker || this.owed.size > 0) return;
      // Forgotten before it ends, so that an estimate asked meanwhile starts a new thread
      // instead of posting to one that will never answer.
      this.thread = null;
      void worker.terminate();
    }, this.options.idleMs);
    this.idleTimer.unref();
  }
}

/**
 * The threads of this process, one per idle time: every estimator of the process with the
 * same settings (the service's, whatever number of servers a process composes) shares one
 * thread, loaded once, as before threads could end.
 */
const threads = new Map<number, EstimatorThread>();

function threadFor(options: EstimatorThreadOptions): EstimatorThread {
  let thread = threads.get(options.idleMs);
  if (!thread) {
    thread = new EstimatorThread(options);
    threads.set(options.idleMs, thread);
  }
  return thread;
}

/** The thread that `estimatePasswordStrength` uses: kept for the life of the process. */
const shared = threadFor({ idleMs: 0 });

/**
 * How hard `password` is to guess, from 0 to 4, with zxcvbn's feedback in English;
 * `userInputs` are words of the account (its email, names). The same estimator the
 * service uses (through `ZxcvbnPasswordStrength`), for the tests and the bench. Rejects
 * with UnavailableError if the estimator's thread fails (it is started again at the next call).
 */
export function estimatePasswordStrength(password: string, userInputs: readonly string[]): Promise<StrengthEstimate> {
  return shared.estimate(password, userInputs);
}

/** The heap limits the thread of `estimatePasswordStrength` runs with, or `undefined` before its first estimate (for the tests and the bench). */
export function estimatorThreadLimits(): ResourceLimits | undefined {
  return shared.limits;
}

/** The service's estimator, on a thread that is ended after `idleMs` without an estimate (shared by the estimators of the process with the same `idleMs`). */
export class ZxcvbnPasswordStrength implements PasswordStrength {
  private readonly thread: EstimatorThread;

  constructor(options: EstimatorThreadOptions) {
    this.thread = threadFor(options);
  }

  /** Whether its thread is running (for the tests). */
  get threadRunning(): boolean {
    return this.thread.running;
  }

  estimate(password: string, userInputs: readonly string[]): Promise<StrengthEstimate> {
    return this.thread.estimate(password, userInputs);
  }
}
