/**
 * The service clients as the OpenID Provider's confidential clients: the same clients and
 * secrets RegisterService issues, checked as IssueServiceToken checks them.
 */

import type { AttemptLimits } from '../abuse/ports.js';
import type { ClientStore } from '../clients/ports.js';
import { hashSecret, sameHash } from '../kernel/secrets.js';
import * as v from '../kernel/validation.js';
import { registeredSettings } from './client-registration.js';
import type { OidcClientSettings, OidcStore } from './ports.js';

/** No secret we issue comes near this; longer input is refused before it is hashed. */
const MAX_SECRET_LENGTH = 128;
const DUMMY_SECRET_HASH = hashSecret('no client has this secret');

/** What the provider learns of a service client: never its secret's hash. */
export interface OidcServiceClient {
  id: string;
  /** The name it was registered with: what the consent page calls the app. */
  name: string;
  groups: string[];
  suspended: boolean;
  /** How it signs people in, if an admin registered it (SetOidcClient); null: client credentials only. */
  settings: OidcClientSettings | null;
}

/** A service client read for one request, and the check of a secret against what was read. */
export interface OidcServiceClientLookup {
  client: OidcServiceClient;
  /** As `OidcServiceClients.secretMatches`, against the secret hash of the record this lookup read. */
  secretMatches(secret: string, source: string): Promise<boolean>;
}

export interface OidcServiceClientsDeps {
  clients: Pick<ClientStore, 'findById'>;
  limits: Pick<AttemptLimits, 'checkServiceSecret'>;
  oidcRecords: OidcStore;
}

export class OidcServiceClients {
  constructor(private readonly deps: OidcServiceClientsDeps) {}

  /** The service client with a secret named `clientId`, or null for any other id (users included). */
  async find(clientId: string): Promise<OidcServiceClient | null> {
    return (await this.lookup(clientId))?.client ?? null;
  }

  /**
   * The service client named `clientId` as read once for one request, with the check of its
   * secret against that same record (a token request needs both: one read, not two). Null
   * for any id that is no service client with a secret. Nothing is kept past the request:
   * the next lookup reads the store again, so a reset secret, a suspension or a deletion
   * holds from the next request on.
   */
  async lookup(clientId: string): Promise<OidcServiceClientLookup | null> {
    const found = v.isClientId(clientId) ? await this.deps.clients.findById(clientId) : null;
    if (found?.kind !== 'service' || found.secretHash === null) return null;
    const { secretHash } = found;
    return {
      client: {
        id: found.id,
        name: found.name,
        groups: found.groups,
        suspended: found.suspended,
        settings: await registeredSettings(this.deps.oidcRecords, found.id),
      },
      secretMatches: (secret, source) => this.compare(secret, source, async () => secretHash),
    };
  }

  /**
   * Whether `secret` is the current secret of service client `clientId`. Counted against
   * `source` as IssueServiceToken counts it (throws TOO_MANY_ATTEMPTS past the limit); an unknown
   * id is compared against a dummy hash, so timing says nothing about which ids exist.
   */
  async secretMatches(clientId: string, secret: string, source: string): Promise<boolean> {
    return this.compare(secret, source, async () => {
      const found = v.isClientId(clientId) ? await this.deps.clients.findById(clientId) : null;
      return found?.kind === 'service' ? found.secretHash : null;
    });
  }

  /** The limits first, so a source past them costs no read; then the hashes, in constant time. */
  private async compare(secret: string, source: string, storedHash: () => Promise<string | null>): Promise<boolean> {
    const matched = await this.deps.limits.checkServiceSecret(source, async () => {
      if (secret === '' || secret.length > MAX_SECRET_LENGTH) return null;
      const stored = await storedHash();
      return sameHash(hashSecret(secret), stored ?? DUMMY_SECRET_HASH) && stored !== null ? true : null;
    });
    return matched === true;
  }
}
