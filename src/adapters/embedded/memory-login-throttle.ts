import type { LoginThrottle } from '../../domain/ports';

interface Window {
  count: number;
  /** When the window closes (ms since epoch). */
  endsAt: number;
}

/**
 * Failed-login counters in this process's memory, for the embedded set-up (one instance).
 * Counts do not survive a restart: the set-up's operator can restart it, an attacker
 * cannot. Each call runs to completion without yielding, which is what makes it atomic.
 */
export class MemoryLoginThrottle implements LoginThrottle {
  private readonly windows = new Map<string, Window>();
  private lastSweep: number;

  constructor(private readonly options: { windowMs: number; now?: () => number }) {
    this.lastSweep = this.now();
  }

  async failures(key: string): Promise<number> {
    return this.current(key)?.count ?? 0;
  }

  async recordFailure(key: string): Promise<number> {
    this.sweepIfDue();
    const window = this.current(key);
    if (window) return ++window.count;
    this.windows.set(key, { count: 1, endsAt: this.now() + this.options.windowMs });
    return 1;
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  /** How many keys have an open window, for tests of the memory bound. */
  size(): number {
    return this.windows.size;
  }

  private current(key: string): Window | null {
    const window = this.windows.get(key);
    if (!window) return null;
    if (window.endsAt > this.now()) return window;
    this.windows.delete(key);
    return null;
  }

  /**
   * Failures for ever new emails would otherwise grow the map without end; sweeping once
   * a window keeps it to the keys that failed within about two windows.
   */
  private sweepIfDue(): void {
    const now = this.now();
    if (now - this.lastSweep < this.options.windowMs) return;
    this.lastSweep = now;
    for (const [key, window] of this.windows) {
      if (window.endsAt <= now) this.windows.delete(key);
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
