/**
 * The mail relay: use cases queue messages in the durable mail outbox; passes (one right
 * after each queueing, and one every interval) render and send what is due. A failed send
 * is retried with a doubling back-off; a message older than the maximum age is dropped
 * with a log line, because a stale reset link is worse than none. A sent or dropped
 * message is removed from the outbox, so its link leaves the store too. While it waits,
 * its values are sealed: whoever reads the store (a backup, a replica) finds no link that
 * works, and the link is opened only to render the message as it is sent.
 *
 * Delivery is at least once: an instance that crashes between the send and the removal,
 * or two instances passing over the same message, may send it twice.
 */
import { describeError } from '../kernel/error-text.js';
import { newId } from '../kernel/ids.js';
import type { Logger } from '../kernel/logger.js';
import { OutageLog } from '../kernel/outage-log.js';
import type { MailOutbox, MailQueue, MailRenderer, MailSealer, MailTemplate, MailTransport, QueuedMail } from './ports.js';

const BATCH = 50;

export interface MailerSettings {
  /** The first retry waits this long; each further one twice as long, up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** A message not sent within this long of its queueing is dropped. */
  maxAgeMs: number;
}

export class Mailer implements MailQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private readonly outboxOutage: OutageLog;

  constructor(
    private readonly outbox: MailOutbox,
    private readonly renderer: MailRenderer,
    private readonly transport: MailTransport,
    private readonly sealer: MailSealer,
    private readonly settings: MailerSettings,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.outboxOutage = new OutageLog(log, 'mail outbox (queued mail waits)', now);
  }

  /**
   * Queues a message about `client` and starts a pass without waiting for it: the caller's
   * answer never waits on SMTP. Rejects only when the outbox cannot store the message.
   */
  async queue(client: { id: string; email: string }, template: MailTemplate, variables: Record<string, string>): Promise<void> {
    const now = this.now();
    const id = newId(now);
    await this.outbox.add({
      id,
      clientId: client.id,
      to: client.email,
      template,
      variables: this.sealer.seal(JSON.stringify(variables), sealedFor(id, client.email, template)),
      createdAt: new Date(now),
      attempts: 0,
      nextAttemptAt: new Date(now),
    });
    void this.flush();
  }

  /** Removes the queued messages about a deleted client: nothing more is sent to it. */
  async forget(clientId: string): Promise<void> {
    await this.outbox.deleteAllOfClient(clientId);
  }

  /** Sends every message due now; resolves true when none of them failed. Never rejects. Passes never overlap. */
  flush(): Promise<boolean> {
    const run = this.tail.then(() => this.sendDue());
    this.tail = run;
    return run;
  }

  /** A pass every `intervalMs` (retries come due between queueings). */
  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  /** Stops the passes and waits for the running one; the transport is closed by its owner. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.tail;
  }

  private async sendDue(): Promise<boolean> {
    let allSent = true;
    try {
      for (;;) {
        const due = await this.outbox.due(new Date(this.now()), BATCH);
        for (const mail of due) allSent = (await this.attempt(mail)) && allSent;
        if (due.length < BATCH) {
          this.outboxOutage.succeeded();
          return allSent;
        }
      }
    } catch (error) {
      this.outboxOutage.failed(error);
      return false;
    }
  }

  /** One attempt at one message: sent and removed, dropped as too old, or rescheduled. */
  private async attempt(mail: QueuedMail): Promise<boolean> {
    const now = this.now();
    const ageMs = now - mail.createdAt.getTime();
    const fields = { mailId: mail.id, clientId: mail.clientId, template: mail.template };
    if (ageMs > this.settings.maxAgeMs) {
      await this.outbox.remove(mail.id);
      this.log.warn({ ...fields, attempts: mail.attempts, ageMinutes: Math.floor(ageMs / 60000) }, 'mail dropped unsent: older than MAIL_MAX_AGE_MIN');
      return true;
    }
    const variables = this.open(mail);
    if (variables === null) {
      await this.outbox.remove(mail.id);
      this.log.warn({ ...fields, attempts: mail.attempts }, 'mail dropped unsent: its sealed values do not open with this key-encryption key');
      return true;
    }
    try {
      await this.transport.send(this.renderer.render(mail.template, mail.to, variables));
    } catch (error) {
      const attempts = mail.attempts + 1;
      const delay = Math.min(this.settings.retryBaseMs * 2 ** (attempts - 1), this.settings.retryMaxMs);
      await this.outbox.reschedule(mail.id, attempts, new Date(now + delay));
      this.log.warn({ ...fields, attempts, retryInMs: delay, err: describeError(error) }, 'mail not sent; it stays queued and will be retried');
      return false;
    }
    await this.outbox.remove(mail.id);
    this.log.info({ ...fields, attempts: mail.attempts + 1 }, 'mail sent');
    return true;
  }

  /** The values of a queued message, or null when they cannot be opened (KEY_ENCRYPTION_KEY changed, or the row was altered). */
  private open(mail: QueuedMail): Record<string, string> | null {
    if (typeof mail.variables !== 'string') return mail.variables;
    try {
      return JSON.parse(this.sealer.open(mail.variables, sealedFor(mail.id, mail.to, mail.template))) as Record<string, string>;
    } catch {
      return null;
    }
  }
}

/** What a message's sealed values are bound to: they open for this message, this recipient and this template only. */
function sealedFor(id: string, to: string, template: MailTemplate): string {
  return `mail ${id} ${template} ${to}`;
}
