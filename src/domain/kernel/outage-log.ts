import { describeError } from './error-text.js';
import type { Logger } from './logger.js';

/**
 * Logs a repeated job's failures once per outage: one warning when it starts failing, one
 * line when it works again (with how many runs failed meanwhile), and nothing in between,
 * so a job retried every second neither floods the log nor fails in silence.
 */
export class OutageLog {
  private failingSince: number | null = null;
  private failures = 0;

  constructor(
    private readonly log: Logger,
    /** What fails, as the log lines name it, e.g. "session sweep". */
    private readonly what: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether the last run failed. */
  isFailing(): boolean {
    return this.failingSince !== null;
  }

  failed(error: unknown, fields: object = {}): void {
    this.failures++;
    if (this.failingSince !== null) return;
    this.failingSince = this.now();
    this.log.warn({ ...fields, err: describeError(error) }, `${this.what} failing; logged again once it works`);
  }

  succeeded(): void {
    if (this.failingSince === null) return;
    this.log.info({ failedRuns: this.failures, ms: this.now() - this.failingSince }, `${this.what} works again`);
    this.failingSince = null;
    this.failures = 0;
  }

  /** Runs `job` and logs its outcome as above; resolves whether it failed or not. */
  async run(job: () => unknown): Promise<void> {
    try {
      await job();
      this.succeeded();
    } catch (error) {
      this.failed(error);
    }
  }
}
