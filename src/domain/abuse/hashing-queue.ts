/**
 * Password hashing is the one expensive thing the service does (bcrypt is slow by design:
 * each step of its cost doubles the time a hash holds a core). Unbounded, a flood of logins
 * queues every caller behind it until deadlines pass; bounded, the callers beyond what can
 * be served in time are told so at once.
 */
import { RetryLaterError, waitText } from '../kernel/retry-later.js';

export interface HashingQueueOptions {
  /** Hashes run at once (bcrypt runs on libuv's thread pool, 4 threads by default). */
  readonly concurrency: number;
  /** Callers that may wait for a slot; the next one is refused at once. */
  readonly maxQueue: number;
  /** The longest a caller may wait; one whose predicted wait is longer is refused at once. */
  readonly maxWaitMs: number;
}

/** A place taken by `HashingQueue.reserve`. */
export interface QueuePlace {
  run<T>(job: () => Promise<T>): Promise<T>;
  release(): void;
}

interface Waiter {
  start(): void;
  /** Absent for a caller that reserved its place: it is never refused once admitted. */
  timer?: NodeJS.Timeout;
}

/** Weight of the newest duration in the running average the predicted wait is based on. */
const AVERAGE_WEIGHT = 0.2;

export class HashingQueue {
  private running = 0;
  /** Places reserved and not yet used or given back: they count as waiting. */
  private reserved = 0;
  private readonly waiting: Waiter[] = [];
  private averageMs = 0;

  constructor(private readonly options: HashingQueueOptions) {}

  /** Runs `job` when a slot is free, or throws RESOURCE_EXHAUSTED / SERVER_BUSY. */
  async run<T>(job: () => Promise<T>): Promise<T> {
    return this.runWhenFree(job, false);
  }

  /** A place for one job, or RESOURCE_EXHAUSTED / SERVER_BUSY at once. */
  reserve(): QueuePlace {
    this.ensureCapacity();
    this.reserved++;
    let held = true;
    const giveBack = () => {
      if (held) {
        held = false;
        this.reserved--;
      }
    };
    return {
      run: (job) => {
        giveBack();
        return this.runWhenFree(job, true);
      },
      release: giveBack,
    };
  }

  private async runWhenFree<T>(job: () => Promise<T>, admitted: boolean): Promise<T> {
    if (this.running >= this.options.concurrency) await this.waitForSlot(admitted);
    else this.running++;
    const started = Date.now();
    try {
      return await job();
    } finally {
      const took = Date.now() - started;
      this.averageMs = this.averageMs === 0 ? took : this.averageMs * (1 - AVERAGE_WEIGHT) + took * AVERAGE_WEIGHT;
      this.release();
    }
  }

  /** Throws what `run` would throw at once if called now. */
  private ensureCapacity(): void {
    if (this.running + this.reserved < this.options.concurrency) return;
    const refusal = this.refusal();
    if (refusal) throw refusal;
  }

  /** Callers waiting for a slot now, for metrics and tests. */
  get queued(): number {
    return this.waiting.length;
  }

  /** The refusal a newcomer gets while every slot is taken, or null when it may wait. */
  private refusal(): RetryLaterError | null {
    const ahead = this.waiting.length + this.reserved;
    const predictedMs = Math.ceil((ahead + 1) / this.options.concurrency) * this.averageMs;
    if (ahead < this.options.maxQueue && predictedMs <= this.options.maxWaitMs) return null;
    return this.busy(Math.max(predictedMs, this.averageMs));
  }

  private waitForSlot(admitted: boolean): Promise<void> {
    const refusal = admitted ? null : this.refusal();
    if (refusal) return Promise.reject(refusal);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
      };
      if (!admitted) {
        waiter.timer = setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          reject(this.busy(this.averageMs));
        }, this.options.maxWaitMs);
      }
      this.waiting.push(waiter);
    });
  }

  /** Hands the slot straight to the next waiter, so `running` never dips and lets a newcomer jump the queue. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next.start();
    else this.running--;
  }

  private busy(drainMs: number): RetryLaterError {
    const seconds = Math.max(1, Math.ceil(drainMs / 1000));
    return new RetryLaterError('SERVER_BUSY', `the server is busy checking passwords; try again in ${waitText(seconds)}`, seconds);
  }
}
