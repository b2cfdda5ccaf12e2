/**
 * A real SMTP server for the tests (`smtp-server` on 127.0.0.1:0) that keeps every message
 * it accepts, parsed with `mailparser`. It can refuse mail for a while, as a mail server in
 * trouble does: with a temporary 451 to every MAIL FROM.
 */
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { eventually } from './eventually.js';

export interface ReceivedMail {
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
}

export interface SmtpMailbox {
  /** smtp://127.0.0.1:<port>, for SMTP_URL. */
  url: string;
  received: ReceivedMail[];
  /** How many sessions tried to hand over a message while the server refused. */
  refusals: number;
  /** Refuse every message (451, try again later) until `accept()`. */
  refuse(): void;
  accept(): void;
  /** The first message to `to` (whose subject matches), waiting for it to arrive. */
  waitFor(to: string, subject?: RegExp, timeoutMs?: number): Promise<ReceivedMail>;
  /** Every message received for `to` so far. */
  to(to: string): ReceivedMail[];
  close(): Promise<void>;
}

export async function startSmtpMailbox(): Promise<SmtpMailbox> {
  const received: ReceivedMail[] = [];
  let refusing = false;
  const mailbox = {} as SmtpMailbox;
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onMailFrom(_address, _session, callback) {
      if (!refusing) return callback();
      mailbox.refusals++;
      const error = Object.assign(new Error('mail service is down for a while, try again later'), { responseCode: 451 });
      callback(error);
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (parsed: ParsedMail) => {
          received.push({
            to: addressesOf(parsed.to),
            from: addressesOf(parsed.from),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
          });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const forRecipient = (to: string) => received.filter((mail) => mail.to.includes(to));
  return Object.assign(mailbox, {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refusals: 0,
    refuse: () => {
      refusing = true;
    },
    accept: () => {
      refusing = false;
    },
    to: forRecipient,
    waitFor: (to: string, subject?: RegExp, timeoutMs = 10_000) =>
      eventually(() => forRecipient(to).find((mail) => subject === undefined || subject.test(mail.subject)), {
        timeoutMs,
        what: `a mail to ${to}${subject ? ` with a subject like ${subject}` : ''}`,
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

function addressesOf(field: ParsedMail['to'] | ParsedMail['from']): string {
  if (field === undefined) return '';
  return (Array.isArray(field) ? field : [field]).map((address) => address.text).join(', ');
}

/** The link of a message's plain-text body that starts with `prefix`. */
export function linkIn(mail: ReceivedMail, prefix: string): string {
  const match = mail.text.split(/\s+/).find((word) => word.startsWith(prefix));
  if (!match) throw new Error(`no link starting ${prefix} in the mail "${mail.subject}"`);
  return match;
}

/** The token of a password-reset link (in its fragment) or a verification link (in its query). */
export function tokenOf(link: string): string {
  const url = new URL(link);
  const token = new URLSearchParams(url.hash.slice(1)).get('token') ?? url.searchParams.get('token');
  if (!token) throw new Error(`no token in ${link}`);
  return token;
}
