/**
 * The password hasher the use cases hash with: every hash and verification passes through
 * the bounded queue (hashing-queue.ts), with the caller's deadline.
 */
import type { HashingQueue } from './hashing-queue.js';
import type { PasswordHasher, PasswordHashing, PlaceInQueue } from './ports.js';

/** A hasher whose every hash and verification passes through `queue`. */
export class QueuedPasswordHasher implements PasswordHashing {
  constructor(
    private readonly inner: PasswordHasher,
    private readonly queue: HashingQueue,
  ) {}

  hash(password: string, deadline = Infinity): Promise<string> {
    return this.queue.run(() => this.inner.hash(password), deadline);
  }

  verify(password: string, hash: string | null): Promise<boolean> {
    return this.queue.run(() => this.inner.verify(password, hash));
  }

  needsRehash(hash: string): boolean {
    return this.inner.needsRehash(hash);
  }

  async withPlace<T>(work: (place: PlaceInQueue) => Promise<T>, deadline = Infinity): Promise<T> {
    const place = this.queue.reserve(deadline);
    try {
      return await work({
        verify: (password, hash) => place.run(() => this.inner.verify(password, hash)),
        hash: (password) => place.run(() => this.inner.hash(password)),
      });
    } finally {
      place.release();
    }
  }

  /**
   * Times one hash of the configured algorithm and parameters, so the queue's estimate is this machine's before
   * the first caller's hash is. Run once at start-up, off any call's path; it holds one slot
   * for one hash, like any caller.
   */
  async calibrate(): Promise<void> {
    await this.queue.run(() => this.inner.hash('a password hashed only to time the hash'));
  }
}
