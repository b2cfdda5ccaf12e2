/** An in-memory OidcStore with the port's guarantees (test/contract/oidc-store.contract.test.ts runs the real ones). */
import type { OidcRecord, OidcStore } from '../../../src/domain/oidc/ports.js';

export class FakeOidcStore implements OidcStore {
  readonly records = new Map<string, OidcRecord>();

  async upsert(record: OidcRecord): Promise<void> {
    this.records.set(`${record.model}:${record.id}`, structuredClone(record));
  }

  async find(model: string, id: string, now: Date): Promise<OidcRecord | null> {
    return live(this.records.get(`${model}:${id}`), now);
  }

  async findByUid(model: string, uid: string, now: Date): Promise<OidcRecord | null> {
    return live(
      [...this.records.values()].find((record) => record.model === model && record.uid === uid),
      now,
    );
  }

  async findByUserCode(model: string, userCode: string, now: Date): Promise<OidcRecord | null> {
    return live(
      [...this.records.values()].find((record) => record.model === model && record.userCode === userCode),
      now,
    );
  }

  async consume(model: string, id: string, at: Date): Promise<void> {
    const record = this.records.get(`${model}:${id}`);
    if (record && record.consumedAt === null) record.consumedAt = at;
  }

  async destroy(model: string, id: string): Promise<void> {
    this.records.delete(`${model}:${id}`);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const [key, record] of this.records) if (record.grantId === grantId) this.records.delete(key);
  }

  async grantIdsOfAccount(accountId: string): Promise<string[]> {
    const ids = [...this.records.values()].filter((record) => record.accountId === accountId).map((record) => record.grantId);
    return [...new Set(ids.filter((id): id is string => id !== null))];
  }

  async sweepExpired(now: Date): Promise<number> {
    let swept = 0;
    for (const [key, record] of this.records) {
      if (record.expiresAt !== null && record.expiresAt.getTime() <= now.getTime()) {
        this.records.delete(key);
        swept++;
      }
    }
    return swept;
  }
}

function live(record: OidcRecord | undefined, now: Date): OidcRecord | null {
  if (!record || (record.expiresAt !== null && record.expiresAt.getTime() <= now.getTime())) return null;
  return structuredClone(record);
}
