import { describeError } from '../kernel/error-text.js';
import type { Logger } from '../kernel/logger.js';
import type { RevocationList } from '../revocation/ports.js';
import type { EventBus, Outbox, OutboxEntry } from './ports.js';

const BATCH = 100;

/**
 * Moves outbox entries to the revocation list and the event bus, in the order they were
 * written, and marks each delivered only after both accepted it. A failure stops the run
 * and leaves the entry and everything after it pending for the next run, so nothing is
 * lost and nothing overtakes. Runs are serialised within an instance; across instances an
 * entry may be delivered twice, which the consumers' idempotence absorbs.
 */
export class OutboxRelay {
  private tail: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private passing: Promise<void> | null = null;

  constructor(
    private readonly outbox: Outbox,
    private readonly revocations: RevocationList,
    private readonly events: EventBus,
    /** How long a deleted client stays on the revocation list: the longest token lifetime. */
    private readonly deletedClientListedMs: number,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Delivers every pending entry; resolves true when none is left pending. Never rejects. */
  flush(): Promise<boolean> {
    const run = this.tail.then(() => this.deliverPending());
    this.tail = run;
    return run;
  }

  /**
   * Flushes now and then every `intervalMs`; `beforeEachPass` runs before each of these
   * passes, for work that writes entries the pass should deliver (it should handle its own
   * failures; one that escapes is logged and the pass goes on). A pass still running when
   * the next is due is not overlapped: the next one is skipped.
   */
  start(intervalMs: number, beforeEachPass?: () => Promise<unknown>): void {
    const pass = () => {
      if (this.passing !== null) return;
      this.passing = (async () => {
        await beforeEachPass?.().catch((error: unknown) => this.log.warn({ err: describeError(error) }, 'outbox relay: the work before a pass failed'));
        await this.flush();
      })().finally(() => {
        this.passing = null;
      });
    };
    pass();
    this.timer = setInterval(pass, intervalMs);
    this.timer.unref();
  }

  /** Stops the periodic passes and waits for the running one, so the stores can be closed. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.passing;
    await this.tail;
  }

  private async deliverPending(): Promise<boolean> {
    try {
      for (;;) {
        const entries = await this.outbox.pending(BATCH);
        for (const entry of entries) {
          await this.deliver(entry);
          await this.outbox.markDelivered(entry.id, new Date(this.now()));
        }
        if (entries.length < BATCH) return true;
      }
    } catch (error) {
      this.log.warn({ err: describeError(error) }, 'outbox delivery failed; pending entries will be retried');
      return false;
    }
  }

  private async deliver(entry: OutboxEntry): Promise<void> {
    switch (entry.type) {
      case 'client.deletion_requested':
        await this.revocations.markClientDeleted(entry.clientId, entry.at.getTime() + this.deletedClientListedMs);
        await this.events.publishDeletionRequest({
          clientId: entry.clientId,
          kind: entry.clientKind,
          requestedAt: entry.at,
          requestedBy: entry.by,
        });
        return;
      case 'client.suspended':
        await this.revocations.suspendClient(entry.clientId);
        break;
      case 'client.reinstated':
        await this.revocations.reinstateClient(entry.clientId);
        break;
    }
    await this.events.publishClientEvent({
      type: entry.type,
      clientId: entry.clientId,
      at: entry.at,
      by: entry.by,
      reason: entry.reason,
    });
  }
}
