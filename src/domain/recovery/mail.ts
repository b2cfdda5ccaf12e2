/**
 * Mail: what the domain sends, and the ports that keep and deliver it. Messages go through
 * a durable mail outbox, so an SMTP outage delays mail and loses none.
 */

/** The messages the service sends; each has a text and an HTML template of this name. */
export type MailTemplate = 'email-verification' | 'password-reset' | 'password-changed';

/** A message waiting in the mail outbox: which template, to whom, with which values. */
export interface QueuedMail {
  /** Time-ordered id: messages are tried in id order. */
  id: string;
  /** The client it is about; its messages are removed with it. */
  clientId: string;
  to: string;
  template: MailTemplate;
  /** The template's values, e.g. the link; they may hold a token, so the row goes once sent. */
  variables: Record<string, string>;
  createdAt: Date;
  /** Failed sends so far. */
  attempts: number;
  /** Not tried before this time (the back-off after a failure). */
  nextAttemptAt: Date;
}

/**
 * The durable queue of mail not yet sent.
 * - An added message stays until `remove` (sent, or dropped as too old); nothing else loses it.
 * - `add` is idempotent by id.
 * - `due(now, limit)` returns messages whose `nextAttemptAt` is not after `now`, in id order.
 * - `reschedule` records a failed attempt and the time of the next one.
 * - `deleteAllOfClient` removes the messages about a client (it has been deleted).
 */
export interface MailOutbox {
  add(mail: QueuedMail): Promise<void>;
  due(now: Date, limit: number): Promise<QueuedMail[]>;
  reschedule(id: string, attempts: number, nextAttemptAt: Date): Promise<void>;
  remove(id: string): Promise<void>;
  deleteAllOfClient(clientId: string): Promise<void>;
  /** How many messages are waiting. */
  backlog(): Promise<number>;
}

/** A message ready to send. */
export interface RenderedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Turns a template and its values into a message (the templates live in one folder). */
export interface MailRenderer {
  render(template: MailTemplate, to: string, variables: Record<string, string>): RenderedMail;
}

/**
 * Hands a message over for delivery (SMTP, or a file in the embedded set-up). `send`
 * resolves once the message was accepted and rejects otherwise, and the caller retries.
 */
export interface MailTransport {
  /** Where messages go, for the start-up line; never a password. */
  readonly description: string;
  send(mail: RenderedMail): Promise<void>;
  close(): Promise<void>;
}
