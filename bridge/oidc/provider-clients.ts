/**
 * Our service clients as the provider's clients: their metadata for its `Client` model, and
 * the check of their secret, both from one read of the client per request. The provider
 * looks the client up, then calls `compareClientSecret` on it; the secret is then checked
 * by the domain against the secret hash of the record that same lookup read, never against
 * anything the provider holds. Nothing outlives the request: the next request reads the
 * client again, so a suspension, a deletion or a reset secret holds from the next request on.
 */
import { hash, randomBytes } from 'node:crypto';
import Provider, { type AdapterPayload, errors, type KoaContextWithOIDC } from 'oidc-provider';
import { DomainError } from '../../src/domain/kernel/errors.js';
import type { RequestContext } from '../../src/domain/kernel/request.js';
import type { OidcServiceClient, OidcServiceClientLookup, OidcServiceClients } from '../../src/domain/oidc/service-clients.js';
import type { ClientMetadataLookup } from './provider-adapter.js';
import { FIRST_PARTY_FIELD, GROUPS_FIELD } from './provider-paths.js';
import { THROTTLED_CLIENT_AUTH } from './token-endpoint-audit.js';

type Lookup = Promise<OidcServiceClientLookup | null>;

export class ProviderClients {
  /** The lookups of one request (the provider's Koa context), by client id. */
  private readonly reads = new WeakMap<object, Map<string, Lookup>>();
  /** Seeds the placeholder secrets: per process, so no request can know one. */
  private readonly placeholderSeed = randomBytes(32).toString('base64url');

  constructor(private readonly serviceClients: OidcServiceClients) {}

  /** The provider's client metadata of `clientId`, read once per request; null for no client of the provider (a suspended one included). */
  readonly metadata: ClientMetadataLookup = async (clientId) => {
    const found = await this.lookup(clientId);
    if (found === null || found.client.suspended) return null;
    return this.metadataOf(found.client);
  };

  /** The client this request read as `clientId` (the provider looks up every client it names), or null. */
  async of(ctx: KoaContextWithOIDC, clientId: string): Promise<OidcServiceClient | null> {
    return ((await this.reads.get(ctx)?.get(clientId)) ?? (await this.lookup(clientId)))?.client ?? null;
  }

  /**
   * Makes the provider's `compareClientSecret` (ADR 0019, internals) the domain's check,
   * behind the attempt limits, against the record this request read.
   */
  replaceSecretCheck(provider: Provider, requestOf: (ctx: KoaContextWithOIDC) => RequestContext): void {
    const clients = this;
    provider.Client.prototype.compareClientSecret = async function compareClientSecret(this: { clientId: string }, actual: string) {
      const ctx = Provider.ctx as KoaContextWithOIDC;
      try {
        const read = await clients.reads.get(ctx)?.get(this.clientId);
        const source = requestOf(ctx).ip;
        return read ? await read.secretMatches(actual, source) : await clients.serviceClients.secretMatches(this.clientId, actual, source);
      } catch (error) {
        if (error instanceof DomainError && error.reason === 'TOO_MANY_ATTEMPTS') throw new errors.InvalidClientAuth(THROTTLED_CLIENT_AUTH);
        throw error;
      }
    };
  }

  private lookup(clientId: string): Lookup {
    const ctx = Provider.ctx as object | undefined;
    if (ctx === undefined) return this.serviceClients.lookup(clientId);
    let reads = this.reads.get(ctx);
    if (reads === undefined) {
      reads = new Map();
      this.reads.set(ctx, reads);
    }
    let read = reads.get(clientId);
    if (read === undefined) {
      read = this.serviceClients.lookup(clientId);
      reads.set(clientId, read);
    }
    return read;
  }

  private metadataOf(client: OidcServiceClient): AdapterPayload {
    // Without settings (SetOidcClient) a service client uses client credentials only.
    const settings = client.settings;
    const grantTypes: string[] = settings?.grantTypes ?? ['client_credentials'];
    return {
      client_id: client.id,
      ...(client.name !== '' ? { client_name: client.name } : {}),
      // A placeholder no request can know (the secret is checked by the domain, above), stable
      // per process and client so that the provider's client cache keeps working.
      ...(settings?.publicClient ? {} : { client_secret: hash('sha256', `${this.placeholderSeed}:${client.id}`, 'base64url') }),
      grant_types: grantTypes,
      response_types: grantTypes.includes('authorization_code') ? ['code'] : [],
      redirect_uris: settings?.redirectUris ?? [],
      post_logout_redirect_uris: settings?.postLogoutRedirectUris ?? [],
      token_endpoint_auth_method: settings?.publicClient ? 'none' : 'client_secret_basic',
      ...(settings ? { scope: settings.scopes.join(' ') } : {}),
      [GROUPS_FIELD]: client.groups,
      [FIRST_PARTY_FIELD]: settings?.firstParty ?? false,
    };
  }
}
