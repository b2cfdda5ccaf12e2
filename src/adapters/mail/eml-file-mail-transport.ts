import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type * as Nodemailer from 'nodemailer';
import { newId } from '../../domain/kernel/ids.js';
import type { MailTransport, RenderedMail } from '../../domain/recovery/ports.js';

/**
 * The development mailbox: each message is written, as the SMTP server would have received
 * it, to `<directory>/<time-ordered id>.eml` (owner-only: it holds reset links). Any mail
 * program opens these files; the links in them work against the local service.
 */
export class EmlFileMailTransport implements MailTransport {
  readonly description: string;
  /** Made at the first message: nodemailer takes memory that most runs never use. */
  private transporter: ReturnType<typeof Nodemailer.createTransport> | null = null;

  constructor(
    private readonly directory: string,
    private readonly from: string,
  ) {
    this.description = `.eml files in ${path.resolve(directory)} (no SMTP_URL: nothing is sent)`;
  }

  async send(mail: RenderedMail): Promise<void> {
    this.transporter ??= (createRequire(import.meta.url)('nodemailer') as typeof Nodemailer).createTransport({
      streamTransport: true,
      buffer: true,
      newline: 'unix',
    });
    const info = await this.transporter.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
    fs.mkdirSync(this.directory, { recursive: true, mode: 0o700 });
    const name = `${newId()}.eml`;
    // Written aside and renamed: whoever watches the folder never reads half a message.
    const partial = path.join(this.directory, `.${name}.part`);
    await fs.promises.writeFile(partial, info.message as Buffer, { mode: 0o600 });
    await fs.promises.rename(partial, path.join(this.directory, name));
  }

  async close(): Promise<void> {}
}
