/**
 * The development mailbox, for people trying the service without a mail server:
 * `npm run mailbox [-- <count>]` prints the newest messages the embedded set-up wrote to
 * DATA_DIR/mail (./data/mail by default): to whom, the subject, and the links, decoded,
 * ready to open or paste into curl.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { simpleParser } from 'mailparser';

export async function describeMailbox(directory: string, count: number): Promise<string> {
  if (!fs.existsSync(directory)) return `no mail yet: ${directory} does not exist\n`;
  const files = fs
    .readdirSync(directory)
    .filter((name) => name.endsWith('.eml'))
    .sort()
    .slice(-count)
    .reverse();
  const parts: string[] = [];
  for (const name of files) {
    const mail = await simpleParser(fs.readFileSync(path.join(directory, name)));
    const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? '');
    const links = (mail.text ?? '').split(/\s+/).filter((word) => /^https?:\/\//.test(word));
    parts.push([`${name}`, `  to:      ${to}`, `  subject: ${mail.subject ?? ''}`, ...links.map((link) => `  link:    ${link}`)].join('\n'));
  }
  return parts.length === 0 ? `no mail yet in ${directory}\n` : `${parts.join('\n\n')}\n`;
}

if (process.argv[1] !== undefined && fs.realpathSync(process.argv[1]) === import.meta.filename) {
  const count = Number(process.argv[2] ?? '5') || 5;
  const directory = path.resolve(process.env['DATA_DIR'] || './data', 'mail');
  describeMailbox(directory, count).then(
    (text) => process.stdout.write(text),
    (error: unknown) => {
      process.stderr.write(`mailbox: ${String(error)}\n`);
      process.exit(1);
    },
  );
}
