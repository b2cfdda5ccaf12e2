/**
 * The password hasher the use cases hash with: every hash and verification passes through
 * the bounded queue (hashing-queue.ts).
 */
import type { HashingQueue } from './hashing-queue.js';
import type { PasswordHasher, PasswordHashing, PlaceInQueue } from './ports.js';

/** A hasher whose every hash and verification passes through `queue`. */
export class QueuedPasswordHasher implements PasswordHashing {
  constructor(
    private readonly inner: PasswordHasher,
    private readonly queue: HashingQueue,
  ) {}

  hash(password: string): Promise<string> {
    return this.queue.run(() => this.inner.hash(password));
  }

  verify(password: string, hash: string | null): Promise<boolean> {
    return this.queue.run(() => this.inner.verify(password, hash));
  }

  needsRehash(hash: string): boolean {
    return this.inner.needsRehash(hash);
  }

  async withPlace<T>(work: (place: PlaceInQueue) => Promise<T>): Promise<T> {
    const place = this.queue.reserve();
    try {
      return await work({
        verify: (password, hash) => place.run(() => this.inner.verify(password, hash)),
        hash: (password) => place.run(() => this.inner.hash(password)),
      });
    } finally {
      place.release();
    }
  }
}
