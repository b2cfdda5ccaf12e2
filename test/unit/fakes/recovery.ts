/** In-memory fakes of the recovery ports, and the recovery wiring the unit tests use. */

import { AesGcmSecretSealer, SEALING_PURPOSES } from '../../../src/adapters/crypto/secret-sealer.js';
import { silentLogger } from '../../../src/domain/kernel/logger.js';
import { Mailer } from '../../../src/domain/recovery/mailer.js';
import type {
  MailOutbox,
  MailRenderer,
  MailTransport,
  OneTimeTokenRecord,
  OneTimeTokenStore,
  QueuedMail,
  Recovery,
  RecoverySettings,
  RenderedMail,
  TokenPurpose,
} from '../../../src/domain/recovery/ports.js';
import { world } from './world.js';

export class FakeOneTimeTokenStore implements OneTimeTokenStore {
  readonly tokens = new Map<string, OneTimeTokenRecord>();
  async add(token: OneTimeTokenRecord): Promise<void> {
    this.tokens.set(token.hash, { ...token });
  }
  async find(hash: string, purpose: TokenPurpose, now: Date): Promise<OneTimeTokenRecord | null> {
    const token = this.tokens.get(hash);
    return token && token.purpose === purpose && token.expiresAt.getTime() > now.getTime() ? { ...token } : null;
  }
  async consume(hash: string, purpose: TokenPurpose, now: Date): Promise<OneTimeTokenRecord | null> {
    const token = this.tokens.get(hash);
    if (!token || token.purpose !== purpose) return null;
    this.tokens.delete(hash);
    return token.expiresAt.getTime() > now.getTime() ? token : null;
  }
  async deleteAllOfClient(clientId: string, purpose?: TokenPurpose): Promise<void> {
    for (const [hash, token] of this.tokens) if (token.clientId === clientId && (purpose === undefined || token.purpose === purpose)) this.tokens.delete(hash);
  }
  async sweepExpired(now: Date): Promise<number> {
    let swept = 0;
    for (const [hash, token] of this.tokens) if (token.expiresAt.getTime() <= now.getTime() && this.tokens.delete(hash)) swept++;
    return swept;
  }
}

export class FakeMailOutbox implements MailOutbox {
  readonly mails = new Map<string, QueuedMail>();
  async add(mail: QueuedMail): Promise<void> {
    if (!this.mails.has(mail.id)) this.mails.set(mail.id, { ...mail });
  }
  async due(now: Date, limit: number): Promise<QueuedMail[]> {
    return [...this.mails.values()]
      .filter((mail) => mail.nextAttemptAt.getTime() <= now.getTime())
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .slice(0, limit);
  }
  async reschedule(id: string, attempts: number, nextAttemptAt: Date): Promise<void> {
    const mail = this.mails.get(id);
    if (mail) this.mails.set(id, { ...mail, attempts, nextAttemptAt });
  }
  async remove(id: string): Promise<void> {
    this.mails.delete(id);
  }
  async deleteAllOfClient(clientId: string): Promise<void> {
    for (const [id, mail] of this.mails) if (mail.clientId === clientId) this.mails.delete(id);
  }
  async backlog(): Promise<number> {
    return this.mails.size;
  }
}

/** Keeps what it is asked to send, with the template's values, so a test reads links back. */
export class FakeMailTransport implements MailTransport, MailRenderer {
  readonly description = 'a fake';
  readonly sent: (RenderedMail & { values: Record<string, string> })[] = [];
  render(template: string, to: string, variables: Record<string, string>): RenderedMail {
    return { to, subject: template, text: JSON.stringify(variables), html: '' };
  }
  async send(mail: RenderedMail): Promise<void> {
    this.sent.push({ ...mail, values: JSON.parse(mail.text) as Record<string, string> });
  }
  async close(): Promise<void> {}
  /** The token of the last mail of `template` to `to`. */
  tokenFor(to: string, template: string): string {
    const mail = this.sent.filter((m) => m.to === to && m.subject === template).at(-1);
    if (!mail) throw new Error(`no ${template} mail to ${to}`);
    return /token=([A-Za-z0-9_-]+)/.exec(mail.values['link']!)![1]!;
  }
}

/** The key-encryption key the fakes' mail is sealed with. */
export const MAIL_TEST_KEY = 'the key-encryption key of the unit tests';

export const RECOVERY_SETTINGS: RecoverySettings = {
  passwordReset: true,
  emailVerification: true,
  requireVerifiedEmail: false,
  publicUrl: 'https://auth.example.test',
  resetTokenTtlSeconds: 30 * 60,
  verificationTokenTtlSeconds: 48 * 3600,
  requestLimit: { max: 3, maxPerIp: 10, windowSeconds: 3600 },
  productName: 'Example',
};

/** The recovery ports on fakes; `now` is the clock of the world they join. */
export function fakeRecovery(now: () => number, settings: Partial<RecoverySettings> = {}) {
  const tokens = new FakeOneTimeTokenStore();
  const outbox = new FakeMailOutbox();
  const transport = new FakeMailTransport();
  const mailer = new Mailer(
    outbox,
    transport,
    transport,
    new AesGcmSecretSealer(MAIL_TEST_KEY, SEALING_PURPOSES.queuedMail),
    { retryBaseMs: 1000, retryMaxMs: 60_000, maxAgeMs: 3_600_000 },
    silentLogger,
    now,
  );
  const counts = new Map<string, number>();
  const recovery: Recovery = {
    settings: { ...RECOVERY_SETTINGS, ...settings },
    tokens,
    mailer,
    limiter: { hit: async (key) => counts.set(key, (counts.get(key) ?? 0) + 1).get(key)! },
  };
  return { recovery, tokens, outbox, transport, mailer };
}

/** A world of fakes with password reset and email verification wired, on the world's clock. */
export function recoveryWorld(settings: Partial<RecoverySettings> = {}) {
  let clock: (() => number) | undefined;
  const parts = fakeRecovery(() => clock!(), settings);
  const w = world({ recovery: parts.recovery });
  clock = w.clock.now;
  return { w, ...parts };
}
