/**
 * The provider's storage adapter on our OidcStore (one per model name), and its `Client`
 * model on our service clients: the records survive a restart and go with their grant on
 * both set-ups (src/domain/oidc/ports.ts states what the store guarantees).
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { OidcRecord, OidcStore } from '../../src/domain/oidc/ports.js';

/** Reads the provider's client metadata by client id; null for an id that is no client of the provider now. */
export type ClientMetadataLookup = (clientId: string) => Promise<AdapterPayload | null>;

/** The provider's model of a grant: what a person allowed a client (scopes, claims). */
const GRANT_MODEL = 'Grant';

/** The payload's fields copied beside it, so that the store finds records by them. */
function recordOf(model: string, id: string, payload: AdapterPayload, expiresIn: number | undefined): OidcRecord {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  return {
    model,
    id,
    payload: payload as Record<string, unknown>,
    // A grant is its own grant: revoking it (revokeByGrantId) deletes it with its codes and
    // tokens, and "every grant of this account" finds it even when it has none left.
    grantId: model === GRANT_MODEL ? id : text(payload.grantId),
    uid: text(payload.uid),
    userCode: text(payload.userCode),
    accountId: text(payload.accountId),
    expiresAt: expiresIn === undefined ? null : new Date(Date.now() + expiresIn * 1000),
    consumedAt: typeof payload.consumed === 'number' ? new Date(payload.consumed * 1000) : null,
  };
}

function payloadOf(record: OidcRecord | null): AdapterPayload | undefined {
  if (record === null) return undefined;
  const payload = record.payload as AdapterPayload;
  return record.consumedAt === null ? payload : { ...payload, consumed: Math.floor(record.consumedAt.getTime() / 1000) };
}

class StoredModel implements Adapter {
  constructor(
    private readonly model: string,
    private readonly store: OidcStore,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    await this.store.upsert(recordOf(this.model, id, payload, expiresIn));
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return payloadOf(await this.store.find(this.model, id, new Date()));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return payloadOf(await this.store.findByUid(this.model, uid, new Date()));
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return payloadOf(await this.store.findByUserCode(this.model, userCode, new Date()));
  }

  async consume(id: string): Promise<void> {
    await this.store.consume(this.model, id, new Date());
  }

  async destroy(id: string): Promise<void> {
    await this.store.destroy(this.model, id);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.store.revokeByGrantId(grantId);
  }
}

/** Clients are read from our clients, never written by the provider (dynamic registration is off). */
class ClientModel implements Adapter {
  constructor(private readonly lookup: ClientMetadataLookup) {}

  async find(id: string): Promise<AdapterPayload | undefined> {
    return (await this.lookup(id)) ?? undefined;
  }

  async upsert(): Promise<void> {
    throw new Error('clients are registered through the ClientAuth API, not by the provider');
  }

  async destroy(): Promise<void> {
    throw new Error('clients are deleted through the ClientAuth API, not by the provider');
  }

  async findByUid(): Promise<undefined> {
    return undefined;
  }

  async findByUserCode(): Promise<undefined> {
    return undefined;
  }

  async consume(): Promise<void> {}

  async revokeByGrantId(): Promise<void> {}
}

/** The provider's `adapter` setting. */
export function storeAdapters(store: OidcStore, clients: ClientMetadataLookup): (name: string) => Adapter {
  return (name) => (name === 'Client' ? new ClientModel(clients) : new StoredModel(name, store));
}
