import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MailRenderer, MailTemplate, RenderedMail } from '../../domain/recovery/ports.js';
import { packageRoot } from '../package-root.js';

/** templates/mail at the package root. */
export const DEFAULT_TEMPLATE_DIR = path.join(packageRoot(import.meta.dirname), 'templates', 'mail');

const TEMPLATES: readonly MailTemplate[] = ['email-verification', 'password-reset', 'password-changed'];

interface Template {
  subject: string;
  text: string;
  html: string;
}

/**
 * Renders the templates of one folder: `<name>.txt` (a first line `Subject: ...`, a blank
 * line, the plain-text body) and `<name>.html`. `{{name}}` is replaced by the value of
 * `name`, HTML-escaped in the HTML body. Every template is read and checked at start-up,
 * so a missing or broken one stops the service before any mail is queued.
 */
export class TemplateMailRenderer implements MailRenderer {
  private readonly templates = new Map<MailTemplate, Template>();

  constructor(directory: string = DEFAULT_TEMPLATE_DIR) {
    for (const name of TEMPLATES) {
      const text = fs.readFileSync(path.join(directory, `${name}.txt`), 'utf8');
      const html = fs.readFileSync(path.join(directory, `${name}.html`), 'utf8');
      const match = /^Subject: (.+)\r?\n\r?\n/.exec(text);
      if (!match) throw new Error(`mail template ${name}.txt must start with "Subject: ..." and a blank line`);
      this.templates.set(name, { subject: match[1]!, text: text.slice(match[0].length), html });
    }
  }

  render(template: MailTemplate, to: string, variables: Record<string, string>): RenderedMail {
    const source = this.templates.get(template);
    if (!source) throw new Error(`no mail template ${template}`);
    const fill = (body: string, encode: (value: string) => string) =>
      body.replace(/\{\{(\w+)\}\}/g, (_whole, name: string) => {
        const value = variables[name];
        if (value === undefined) throw new Error(`mail template ${template} uses {{${name}}}, which has no value`);
        return encode(value);
      });
    return {
      to,
      // A header: no line breaks may come in with a value.
      subject: fill(source.subject, (value) => value.replace(/[\r\n]+/g, ' ')),
      text: fill(source.text, (value) => value),
      html: fill(source.html, escapeHtml),
    };
  }
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
