/** Builds the mail relay and the recovery ports from the configuration and the stores. */

import { AesGcmSecretSealer, SEALING_PURPOSES } from '../adapters/crypto/secret-sealer.js';
import { EmlFileMailTransport } from '../adapters/mail/eml-file-mail-transport.js';
import { SmtpMailTransport } from '../adapters/mail/smtp-mail-transport.js';
import { TemplateMailRenderer } from '../adapters/mail/template-renderer.js';
import type { Config } from '../config/index.js';
import type { RequestLimiter } from '../domain/abuse/ports.js';
import type { Logger } from '../domain/kernel/logger.js';
import { Mailer } from '../domain/recovery/mailer.js';
import type { MailOutbox, MailTransport, OneTimeTokenStore, Recovery } from '../domain/recovery/ports.js';

/** The longest wait between two attempts at one message. */
const MAIL_RETRY_MAX_MS = 15 * 60 * 1000;

export interface WiredRecovery {
  recovery: Recovery;
  mailer: Mailer;
  transport: MailTransport;
  /** Stops the relay (after its running pass) and closes the transport. */
  close(): Promise<void>;
}

export function wireRecovery(
  config: Pick<Config, 'recovery' | 'mail'>,
  stores: { oneTimeTokens: OneTimeTokenStore; mailOutbox: MailOutbox; recoveryLimiter: RequestLimiter },
  log: Logger,
  options: { templateDir?: string; sealingKey: string },
): WiredRecovery {
  const { mail } = config;
  const transport = mail.kind === 'smtp' ? new SmtpMailTransport(mail.url, mail.from) : new EmlFileMailTransport(mail.directory, mail.from);
  const mailer = new Mailer(
    stores.mailOutbox,
    new TemplateMailRenderer(options.templateDir),
    transport,
    new AesGcmSecretSealer(options.sealingKey, SEALING_PURPOSES.queuedMail),
    { retryBaseMs: mail.retryBaseMs, retryMaxMs: Math.max(MAIL_RETRY_MAX_MS, mail.retryBaseMs), maxAgeMs: mail.maxAgeSeconds * 1000 },
    log,
  );
  return {
    recovery: { settings: config.recovery, tokens: stores.oneTimeTokens, mailer, limiter: stores.recoveryLimiter },
    mailer,
    transport,
    close: async () => {
      await mailer.stop();
      await transport.close();
    },
  };
}
