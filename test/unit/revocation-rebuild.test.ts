import { expect } from 'chai';
import { MemoryRevocationList } from '../../src/adapters/embedded/memory-revocation-list';
import { SqliteClientStore } from '../../src/adapters/embedded/sqlite-client-store';
import { SqliteOutbox } from '../../src/adapters/embedded/sqlite-outbox';
import { SqliteSessionStore } from '../../src/adapters/embedded/sqlite-session-store';
import type { ClientRecord } from '../../src/domain/client';
import { newId } from '../../src/domain/ids';
import { rebuildRevocations } from '../../src/domain/revocation-rebuild';
import { openSqlite, type SqliteBackend } from '../contract/backends';

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const LISTED_MS = 15 * 60_000;

function aClient(fields: Partial<ClientRecord> = {}): ClientRecord {
  const at = new Date(NOW - 86_400_000);
  const names = { firstName: '', lastName: '', phoneNumber: '', name: '' };
  const suspension = { suspended: false, suspensionReason: '', suspendedAt: null, suspendedBy: '' };
  return { id: newId(), kind: 'user', email: `${newId()}@example.com`, ...names, groups: ['user'], attributes: {}, passwordHash: null, secretHash: null, ...suspension, createdAt: at, updatedAt: at, ...fields };
}

describe('Rebuilding the revocation list from the stores', () => {
  let backend: SqliteBackend;
  beforeEach(async () => {
    backend = await openSqlite();
  });
  afterEach(async () => backend.close());

  it('lists suspended clients, recent deletions and recent logouts, and nothing older or lifted', async () => {
    const clients = new SqliteClientStore(backend.db);
    const sessions = new SqliteSessionStore(backend.db);
    const outbox = new SqliteOutbox(backend.db);
    const revocations = new MemoryRevocationList({ now: () => NOW });

    const suspended = aClient({ suspended: true, suspendedAt: new Date(NOW - 1000), suspendedBy: newId(), suspensionReason: 'abuse' });
    const active = aClient();
    await clients.insert(suspended);
    await clients.insert(active);
    const deletion = (clientId: string, ago: number) =>
      outbox.add({ id: newId(NOW - ago), type: 'client.deletion_requested', clientId, clientKind: 'user', at: new Date(NOW - ago), by: clientId, reason: '', deliveredAt: new Date(NOW - ago) });
    const [deletedRecently, deletedLongAgo] = [newId(), newId()];
    await deletion(deletedRecently, 60_000);
    await deletion(deletedLongAgo, LISTED_MS + 60_000);
    const session = async (revokedAgo: number | null) => {
      const id = newId();
      const expiresAt = new Date(NOW + 86_400_000);
      await sessions.create(
        { id, clientId: active.id, createdAt: new Date(NOW - 3_600_000), expiresAt, revokedAt: null },
        { hash: newId(), sessionId: id, clientId: active.id, parent: `root:${id}`, createdAt: new Date(NOW - 3_600_000), expiresAt },
      );
      if (revokedAgo !== null) await sessions.revoke(id, new Date(NOW - revokedAgo));
      return id;
    };
    const [loggedOutRecently, loggedOutLongAgo, live] = [await session(5_000), await session(LISTED_MS + 5_000), await session(null)];

    const rebuilt = await rebuildRevocations({ clients, sessions, outbox, revocations, listedMs: LISTED_MS, now: () => NOW });

    expect(rebuilt).to.deep.equal({ suspended: 1, deleted: 1, sessions: 1 });
    expect(await revocations.status(suspended.id, newId())).to.equal('CLIENT_SUSPENDED');
    expect(await revocations.status(deletedRecently, newId())).to.equal('CLIENT_DELETED');
    expect(await revocations.status(active.id, loggedOutRecently)).to.equal('SESSION_REVOKED');
    expect(await revocations.status(active.id, live)).to.equal(null);
    expect(await revocations.status(active.id, loggedOutLongAgo)).to.equal(null);
    expect(await revocations.status(deletedLongAgo, newId())).to.equal(null);
    await revocations.close();
  });
});
