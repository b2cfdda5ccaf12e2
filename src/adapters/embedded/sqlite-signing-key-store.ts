import { DuplicateKeyError } from '../../domain/kernel/errors.js';
import type { SigningKeyRecord, SigningKeyStore } from '../../domain/signing-keys/ports.js';
import { fromMillis, isUniqueViolation, type SqliteDatabase, toMillis } from './sqlite-database.js';

interface SigningKeyRow {
  kid: string;
  generation: number;
  algorithm: string;
  public_key_json: string;
  sealed_private_key: string;
  created_at: number;
  activates_at: number;
}

/**
 * Signing keys in the `signing_keys` table; UNIQUE (generation) makes each successor
 * exactly-once. Its clock is SQLite's (`julianday('now')`, the machine's clock, to the
 * millisecond): every process sharing the file runs on this machine and reads it alike.
 */
export class SqliteSigningKeyStore implements SigningKeyStore {
  private readonly statements;

  constructor(db: SqliteDatabase) {
    this.statements = {
      list: db.prepare<[], SigningKeyRow>('SELECT * FROM signing_keys ORDER BY generation'),
      insert: db.prepare(
        'INSERT INTO signing_keys (kid, generation, algorithm, public_key_json, sealed_private_key, created_at, activates_at) ' +
          'VALUES (@kid, @generation, @algorithm, @public_key_json, @sealed_private_key, @created_at, @activates_at)',
      ),
      delete: db.prepare<[string]>('DELETE FROM signing_keys WHERE kid = ?'),
      now: db.prepare<[], { now: number }>("SELECT CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER) AS now"),
    };
  }

  async list(): Promise<SigningKeyRecord[]> {
    return this.statements.list.all().map((row) => ({
      kid: row.kid,
      generation: row.generation,
      algorithm: row.algorithm as SigningKeyRecord['algorithm'],
      publicKey: JSON.parse(row.public_key_json) as SigningKeyRecord['publicKey'],
      sealedPrivateKey: row.sealed_private_key,
      createdAt: fromMillis(row.created_at),
      activatesAt: fromMillis(row.activates_at),
    }));
  }

  async insert(key: SigningKeyRecord): Promise<void> {
    try {
      this.statements.insert.run({
        kid: key.kid,
        generation: key.generation,
        algorithm: key.algorithm,
        public_key_json: JSON.stringify(key.publicKey),
        sealed_private_key: key.sealedPrivateKey,
        created_at: toMillis(key.createdAt),
        activates_at: toMillis(key.activatesAt),
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateKeyError('generation');
      throw error;
    }
  }

  async delete(kid: string): Promise<void> {
    this.statements.delete.run(kid);
  }

  async now(): Promise<number> {
    return this.statements.now.get()!.now;
  }
}
