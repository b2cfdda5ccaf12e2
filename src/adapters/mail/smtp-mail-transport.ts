import { createRequire } from 'node:module';
import type * as Nodemailer from 'nodemailer';
import type { MailTransport, RenderedMail } from '../../domain/recovery/ports.js';

/** How long one SMTP exchange may take before it counts as failed (and is retried later). */
const SMTP_TIMEOUT_MS = 15_000;

/** Sends mail over SMTP with nodemailer, to the server of SMTP_URL (smtp://, smtps://). */
export class SmtpMailTransport implements MailTransport {
  readonly description: string;
  private readonly transporter: ReturnType<typeof Nodemailer.createTransport>;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    // Options in the URL's query (e.g. ?tls.rejectUnauthorized=false) override these.
    // Required here, not imported: a set-up without SMTP_URL never loads nodemailer for it.
    const { createTransport } = createRequire(import.meta.url)('nodemailer') as typeof Nodemailer;
    this.transporter = createTransport({
      url,
      connectionTimeout: SMTP_TIMEOUT_MS,
      greetingTimeout: SMTP_TIMEOUT_MS,
      socketTimeout: SMTP_TIMEOUT_MS,
    } as Parameters<typeof Nodemailer.createTransport>[0]);
    const parsed = new URL(url);
    // The URL may carry a password: the description names the server only.
    this.description = `SMTP at ${parsed.protocol}//${parsed.host}`;
  }

  async send(mail: RenderedMail): Promise<void> {
    await this.transporter.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
  }

  async close(): Promise<void> {
    this.transporter.close();
  }
}
