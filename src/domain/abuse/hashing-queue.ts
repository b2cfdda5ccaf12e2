/**
 * Password hashing is the one expensive thing the service does (bcrypt and argon2id are slow
 * by design: each step of bcrypt's cost doubles the time a hash holds a core, and argon2id's
 * grows with its memory times its passes). Both pass through this one queue. Unbounded, a flood of logins
 * queues every caller behind it until deadlines pass; bounded, the callers beyond what can
 * be served in time are told so at once.
 *
 * What is guaranteed, given a true estimate of one hash (a caller's deadline is when it
 * stops listening; a call without one is never refused for it):
 * - no hash is started that is expected to end after its caller's deadline: the call is
 *   refused instead (RESOURCE_EXHAUSTED / SERVER_BUSY with a retry-after), so a flood's
 *   doomed calls spend no core either;
 * - a call that would have to wait is refused on arrival when `maxQueue` callers wait
 *   already, when its predicted wait is over `maxWaitMs`, or when its wait and three hashes
 *   (the hash, and room for a slower one and the answer) would pass its deadline;
 * - a waiting call is never left to meet its deadline in the queue: it is refused the same
 *   way once its deadline no longer leaves room for three hashes, or when its turn comes
 *   too late. Otherwise a call given a place is never refused later.
 * The estimate starts from the configured algorithm's parameters (`assumedHashMs`), before any hash has been
 * timed, so a flood that arrives right after start is measured against it, not against 0.
 */
import { RetryLaterError, waitText } from '../kernel/retry-later.js';

export interface HashingQueueOptions {
  /** Hashes run at once (bcrypt and argon2id run on libuv's thread pool, 4 threads by default). */
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

/** A slot held by a running hash, since `at`. */
interface Slot {
  readonly at: number;
}

interface Waiter {
  /** When its caller stops listening (ms since the epoch); Infinity when it never does. */
  readonly deadline: number;
  start(slot: Slot): void;
  refuse(error: RetryLaterError): void;
  timer?: NodeJS.Timeout;
}

/**
 * What a waiting call's hash must find left of its caller's deadline when it starts, in
 * expected hashes: the hash itself, and twice as much again for the answer after it and
 * for a hash slower than expected (on a crowded machine a hash has taken twice the
 * estimate: docs/benchmarks.md). Refusing a call that has not started costs nothing; a
 * call that can start at once needs room for its hash alone.
 */
const HASHES_LEFT_TO_WAIT = 3;
/**
 * Weights of the newest duration in the running estimate: a slowdown is followed at once,
 * a speed-up slowly, so the estimate errs on the side of refusing.
 */
const RISING_WEIGHT = 0.5;
const FALLING_WEIGHT = 0.1;
/** setTimeout's longest delay; a deadline further off than that is as good as none. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

export class HashingQueue {
  private running = 0;
  /** Places reserved and not yet used or given back: they count as waiting. */
  private reserved = 0;
  private readonly waiting: Waiter[] = [];
  private readonly inFlight = new Set<Slot>();
  private estimateMs: number;
  private timed = false;

  /**
   * `assumedHashMs`: how long one hash is taken to last until one has been timed (see
   * `assumedHashMs` of the adapters in src/adapters/crypto/); too long errs on the side of refusing.
   */
  constructor(
    private readonly options: HashingQueueOptions,
    assumedHashMs: number,
  ) {
    this.estimateMs = assumedHashMs;
  }

  /** Runs `job` when a slot is free, or throws RESOURCE_EXHAUSTED / SERVER_BUSY. */
  async run<T>(job: () => Promise<T>, deadline = Infinity): Promise<T> {
    return this.runWhenFree(job, deadline, false);
  }

  /**
   * A place for one job, or RESOURCE_EXHAUSTED / SERVER_BUSY at once. The place is refused
   * later only when its `deadline` (ms since the epoch) would pass while it waits.
   */
  reserve(deadline = Infinity): QueuePlace {
    this.ensureCapacity(deadline);
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
        return this.runWhenFree(job, deadline, true);
      },
      release: giveBack,
    };
  }

  /** Callers waiting for a slot now, for metrics and tests. */
  get queued(): number {
    return this.waiting.length;
  }

  private async runWhenFree<T>(job: () => Promise<T>, deadline: number, admitted: boolean): Promise<T> {
    const slot = this.running < this.options.concurrency ? this.takeSlot(deadline) : await this.waitForSlot(deadline, admitted);
    try {
      return await job();
    } finally {
      this.record(Date.now() - slot.at);
      this.inFlight.delete(slot);
      this.release();
    }
  }

  /** A free slot, unless the hash would end after `deadline`. */
  private takeSlot(deadline: number): Slot {
    const now = Date.now();
    if (!this.inTime(deadline, now, 0, 1)) throw this.busy(this.hashMs(now));
    this.running++;
    return this.occupy();
  }

  private occupy(): Slot {
    const slot = { at: Date.now() };
    this.inFlight.add(slot);
    return slot;
  }

  /** The first timing replaces the assumption outright: it was never a measurement. */
  private record(tookMs: number): void {
    const weight = !this.timed ? 1 : tookMs > this.estimateMs ? RISING_WEIGHT : FALLING_WEIGHT;
    this.timed = true;
    this.estimateMs = this.estimateMs * (1 - weight) + tookMs * weight;
  }

  /** The estimate, or longer while a hash in flight has already run longer: the estimate lags, a running hash does not. */
  private hashMs(now: number): number {
    let longest = 0;
    for (const slot of this.inFlight) longest = Math.max(longest, now - slot.at);
    return Math.max(this.estimateMs, longest);
  }

  /** Throws what `run` would throw at once if called now. */
  private ensureCapacity(deadline: number): void {
    const now = Date.now();
    if (this.running + this.reserved < this.options.concurrency) {
      if (this.inTime(deadline, now, 0, 1)) return;
      throw this.busy(this.hashMs(now));
    }
    const refusal = this.refusal(deadline);
    if (refusal) throw refusal;
  }

  /**
   * When a newcomer behind `ahead` others would start, in milliseconds from `now`: each
   * slot frees when its hash is expected to end (at once when it is free), and the callers
   * ahead take the slots in the order they free, one expected hash each.
   */
  private predictedWaitMs(ahead: number, now: number, hashMs: number): number {
    const frees: number[] = [];
    for (const slot of this.inFlight) frees.push(Math.max(0, hashMs - (now - slot.at)));
    while (frees.length < this.options.concurrency) frees.push(0);
    frees.sort((a, b) => a - b);
    return frees[ahead % this.options.concurrency]! + Math.floor(ahead / this.options.concurrency) * hashMs;
  }

  /** The refusal a newcomer gets while every slot is taken, or null when it may wait. */
  private refusal(deadline: number): RetryLaterError | null {
    const now = Date.now();
    const ahead = this.waiting.length + this.reserved;
    const hashMs = this.hashMs(now);
    const waitMs = this.predictedWaitMs(ahead, now, hashMs);
    const inTime = this.inTime(deadline, now, waitMs, HASHES_LEFT_TO_WAIT);
    if (ahead < this.options.maxQueue && waitMs <= this.options.maxWaitMs && inTime) return null;
    return this.busy(Math.max(waitMs, hashMs));
  }

  /** Whether `deadline` leaves room for `hashes` expected hashes started `waitMs` from `now`. */
  private inTime(deadline: number, now: number, waitMs: number, hashes: number): boolean {
    return now + waitMs + hashes * this.hashMs(now) <= deadline;
  }

  private waitForSlot(deadline: number, admitted: boolean): Promise<Slot> {
    const refusal = admitted ? null : this.refusal(deadline);
    if (refusal) return Promise.reject(refusal);
    return new Promise<Slot>((resolve, reject) => {
      const waiter: Waiter = {
        deadline,
        start: (slot) => {
          clearTimeout(waiter.timer);
          resolve(slot);
        },
        refuse: (error) => {
          clearTimeout(waiter.timer);
          reject(error);
        },
      };
      // The latest it may still start; past it, it is refused rather than left to time out.
      const lastStartMs = deadline - HASHES_LEFT_TO_WAIT * this.hashMs(Date.now()) - Date.now();
      const waitMs = Math.min(admitted ? Infinity : this.options.maxWaitMs, lastStartMs);
      if (waitMs <= LONGEST_TIMER_MS) {
        waiter.timer = setTimeout(
          () => {
            this.waiting.splice(this.waiting.indexOf(waiter), 1);
            waiter.refuse(this.busy(this.drainMs()));
          },
          Math.max(0, waitMs),
        );
      }
      this.waiting.push(waiter);
    });
  }

  /**
   * Hands the slot straight to the next waiter that can still use it in time, so `running`
   * never dips and lets a newcomer jump the queue; a waiter whose turn comes too late is
   * refused.
   */
  private release(): void {
    for (let next = this.waiting.shift(); next; next = this.waiting.shift()) {
      if (this.inTime(next.deadline, Date.now(), 0, HASHES_LEFT_TO_WAIT)) {
        next.start(this.occupy());
        return;
      }
      next.refuse(this.busy(this.drainMs()));
    }
    this.running--;
  }

  /** How long the callers waiting now are expected to keep every slot busy. */
  private drainMs(): number {
    const now = Date.now();
    const hashMs = this.hashMs(now);
    return Math.max(hashMs, this.predictedWaitMs(this.waiting.length + this.reserved, now, hashMs));
  }

  private busy(drainMs: number): RetryLaterError {
    const seconds = Math.max(1, Math.ceil(drainMs / 1000));
    return new RetryLaterError('SERVER_BUSY', `the server is busy checking passwords; try again in ${waitText(seconds)}`, seconds);
  }
}
