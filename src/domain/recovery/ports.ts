/**
 * Recovery's door: the settings and ports of password reset and email verification, as the
 * use cases see them; the one-time tokens their links carry; and the mail that delivers
 * them, through a durable mail outbox, so an SMTP outage delays mail and loses none.
 */
import type { RequestLimiter } from '../abuse/ports.js';

export interface RecoverySettings {
  passwordReset: boolean;
  emailVerification: boolean;
  /** Login refuses users whose email is not verified (after the password check). */
  requireVerifiedEmail: boolean;
  /** Where the browser reaches the bridge: links in emails start with it (no trailing slash). */
  publicUrl: string;
  resetTokenTtlSeconds: number;
  verificationTokenTtlSeconds: number;
  /**
   * Requests for a reset or verification mail: `max` per email (or signed-in client) and
   * `maxPerIp` per client IP (many people may share one address), per window.
   */
  requestLimit: { max: number; maxPerIp: number; windowSeconds: number };
  /** The product's name, as the emails call it. */
  productName: string;
}

/** What the recovery use cases need besides the common ports. */
export interface Recovery {
  settings: RecoverySettings;
  tokens: OneTimeTokenStore;
  mailer: MailQueue;
  limiter: RequestLimiter;
}

/** Where the recovery use cases queue their mail (the Mailer: mailer.ts). */
export interface MailQueue {
  /**
   * Queues a message about `client` without waiting for its delivery: the caller's answer
   * never waits on SMTP. Rejects only when the outbox cannot store the message.
   */
  queue(client: { id: string; email: string }, template: MailTemplate, variables: Record<string, string>): Promise<void>;
  /** Removes the queued messages about a deleted client: nothing more is sent to it. */
  forget(clientId: string): Promise<void>;
}

/**
 * One-time tokens: the secrets of password-reset and email-verification links. A token is
 * 256 bits of randomness handed out once, in an email; only its SHA-256 is stored, bound to
 * one client and one purpose, and it is removed when used. A token of one purpose is
 * unknown to the other.
 */
export type TokenPurpose = 'password_reset' | 'email_verification';

/** One stored token, identified by the SHA-256 (hex) of its value. */
export interface OneTimeTokenRecord {
  hash: string;
  clientId: string;
  purpose: TokenPurpose;
  createdAt: Date;
  expiresAt: Date;
}

/**
 * Stores one-time tokens.
 * - `find(hash, purpose, now)` returns the token when it exists, has that purpose and has
 *   not expired, and leaves it stored: a look before a decision that may not spend it.
 * - `consume(hash, purpose, now)` removes the token and returns it when it exists, has that
 *   purpose and has not expired; under concurrent calls on one token exactly one caller
 *   gets it and every other gets null. An expired token is removed and null.
 * - `deleteAllOfClient` removes the client's tokens (of one purpose, or all); idempotent.
 * - Expired tokens may linger until `sweepExpired`; `consume` never returns one.
 */
export interface OneTimeTokenStore {
  add(token: OneTimeTokenRecord): Promise<void>;
  find(hash: string, purpose: TokenPurpose, now: Date): Promise<OneTimeTokenRecord | null>;
  consume(hash: string, purpose: TokenPurpose, now: Date): Promise<OneTimeTokenRecord | null>;
  deleteAllOfClient(clientId: string, purpose?: TokenPurpose): Promise<void>;
  /** Removes tokens that expired before `now`; returns how many. */
  sweepExpired(now: Date): Promise<number>;
}

/** A token value is 43 base64url characters; anything much longer is not one of ours. */
export const MAX_ONE_TIME_TOKEN_LENGTH = 128;

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
  /**
   * The template's values (the link among them, with its one-time token), sealed by the
   * mailer's `MailSealer` and bound to the message's id, recipient and template: the store
   * never holds a usable link, and a value moved to another row or recipient does not open.
   * A plain object in a message an earlier release queued, which is sent as it is.
   */
  variables: string | Record<string, string>;
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

/**
 * Seals the values of queued mail with the key-encryption key (the crypto adapter's
 * AES-GCM sealer, under a key derived for mail alone).
 * - `open(seal(text, boundTo), boundTo)` gives `text` back; with another `boundTo`, or
 *   another key, `open` throws.
 */
export interface MailSealer {
  seal(plaintext: string, boundTo: string): string;
  open(sealed: string, boundTo: string): string;
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
