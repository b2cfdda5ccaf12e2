import type { MailOutbox, MailTemplate, QueuedMail } from '../../domain/recovery/ports.js';
import { fromMillis, type SqliteDatabase, toMillis } from './sqlite-database.js';
import { withSqliteOutages } from './sqlite-outages.js';

interface MailRow {
  id: string;
  client_id: string;
  recipient: string;
  template: string;
  variables_json: string;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
}

/** Mail not yet sent, in the `mail_outbox` table. */
export class SqliteMailOutbox implements MailOutbox {
  private readonly statements;

  constructor(db: SqliteDatabase) {
    this.statements = {
      insert: db.prepare(
        'INSERT OR IGNORE INTO mail_outbox (id, client_id, recipient, template, variables_json, created_at, attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      due: db.prepare<[number, number], MailRow>('SELECT * FROM mail_outbox WHERE next_attempt_at <= ? ORDER BY id LIMIT ?'),
      reschedule: db.prepare<[number, number, string]>('UPDATE mail_outbox SET attempts = ?, next_attempt_at = ? WHERE id = ?'),
      remove: db.prepare<[string]>('DELETE FROM mail_outbox WHERE id = ?'),
      removeOfClient: db.prepare<[string]>('DELETE FROM mail_outbox WHERE client_id = ?'),
      backlog: db.prepare<[], number>('SELECT count(*) FROM mail_outbox').pluck(),
    };
    // Every method reports an outage of the store as UnavailableError (see ../outages.ts).
    return withSqliteOutages(this, 'the mail outbox');
  }

  async add(mail: QueuedMail): Promise<void> {
    this.statements.insert.run(
      mail.id,
      mail.clientId,
      mail.to,
      mail.template,
      JSON.stringify(mail.variables),
      toMillis(mail.createdAt),
      mail.attempts,
      toMillis(mail.nextAttemptAt),
    );
  }

  async due(now: Date, limit: number): Promise<QueuedMail[]> {
    return this.statements.due.all(now.getTime(), limit).map((row) => ({
      id: row.id,
      clientId: row.client_id,
      to: row.recipient,
      template: row.template as MailTemplate,
      // JSON of the sealed string, or of the plain object an earlier release stored.
      variables: JSON.parse(row.variables_json) as QueuedMail['variables'],
      createdAt: fromMillis(row.created_at),
      attempts: row.attempts,
      nextAttemptAt: fromMillis(row.next_attempt_at),
    }));
  }

  async reschedule(id: string, attempts: number, nextAttemptAt: Date): Promise<void> {
    this.statements.reschedule.run(attempts, toMillis(nextAttemptAt), id);
  }

  async remove(id: string): Promise<void> {
    this.statements.remove.run(id);
  }

  async deleteAllOfClient(clientId: string): Promise<void> {
    this.statements.removeOfClient.run(clientId);
  }

  async backlog(): Promise<number> {
    return this.statements.backlog.get()!;
  }
}
