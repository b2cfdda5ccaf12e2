/** SetOidcClient: an admin registers a service client's redirect URIs, scopes and grant types for the OpenID Provider. */

import type { AuditRecorder } from '../audit/ports.js';
import type { ClientStore } from '../clients/ports.js';
import { type Principal, requireAdmin } from '../kernel/client.js';
import type { Clock } from '../kernel/clock.js';
import { domainError, invalidArgument } from '../kernel/errors.js';
import { NO_REQUEST, type RequestContext } from '../kernel/request.js';
import * as v from '../kernel/validation.js';
import { OIDC_CLIENT_SETTINGS_MODEL, OIDC_GRANT_TYPES, OIDC_SCOPES, type OidcClientSettings, type OidcStore } from './ports.js';

/** The store's model of registrations: one record per service client, never expiring. */
const MODEL = OIDC_CLIENT_SETTINGS_MODEL;
const MAX_URIS = 20;
const MAX_URI_LENGTH = 2000;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

export interface OidcClientRegistrationsDeps {
  clients: Pick<ClientStore, 'findById'>;
  oidcRecords: OidcStore;
  audit: AuditRecorder;
  now: Clock;
}

export type OidcClientInput = Omit<OidcClientSettings, 'updatedAt'>;

export class OidcClientRegistrations {
  constructor(private readonly deps: OidcClientRegistrationsDeps) {}

  /**
   * Registers (or replaces) the OpenID Connect settings of a service client. Permission is
   * checked before anything is looked up; every field is validated before anything is stored.
   */
  async setOidcClient(caller: Principal, input: OidcClientInput, request: RequestContext = NO_REQUEST): Promise<OidcClientSettings> {
    requireAdmin(caller);
    v.clientId('client_id', input.clientId);
    const settings: OidcClientSettings = { ...validSettings(input), updatedAt: new Date(this.deps.now()) };
    const client = await this.deps.clients.findById(input.clientId);
    if (!client) throw domainError('CLIENT_NOT_FOUND');
    if (client.kind !== 'service') throw domainError('NOT_A_SERVICE');
    await this.deps.oidcRecords.upsert({
      model: MODEL,
      id: client.id,
      payload: { ...settings, updatedAt: settings.updatedAt.toISOString() },
      grantId: null,
      uid: null,
      userCode: null,
      accountId: null,
      expiresAt: null,
      consumedAt: null,
    });
    this.deps.audit.record({ type: 'oidc_client.set', outcome: 'success', actor: caller.clientId, target: client.id }, request);
    return settings;
  }

  /** The OpenID Connect settings of a service client, or null when none were registered. Permission first, as for setting them. */
  async getOidcClient(caller: Principal, clientId: string): Promise<OidcClientSettings | null> {
    requireAdmin(caller);
    v.clientId('client_id', clientId);
    const client = await this.deps.clients.findById(clientId);
    if (!client) throw domainError('CLIENT_NOT_FOUND');
    if (client.kind !== 'service') throw domainError('NOT_A_SERVICE');
    return registeredSettings(this.deps.oidcRecords, client.id);
  }
}

/** The registered settings of a client, or null when it has none. */
export async function registeredSettings(store: OidcStore, clientId: string): Promise<OidcClientSettings | null> {
  const record = await store.find(MODEL, clientId, new Date());
  if (record === null) return null;
  const payload = record.payload as unknown as Omit<OidcClientSettings, 'updatedAt'> & { updatedAt: string };
  return { ...payload, updatedAt: new Date(payload.updatedAt) };
}

function validSettings(input: OidcClientInput): OidcClientInput {
  const scopes = oneOf('scopes', input.scopes, OIDC_SCOPES);
  const grantTypes = oneOf('grant_types', input.grantTypes, OIDC_GRANT_TYPES);
  if (grantTypes.length === 0)
    throw invalidArgument('grant_types', 'grant_types must name at least one of authorization_code, refresh_token, client_credentials');
  if (input.publicClient && grantTypes.includes('client_credentials')) {
    throw invalidArgument('grant_types', 'a public client holds no secret, so it cannot use client_credentials');
  }
  const redirectUris = uris('redirect_uris', input.redirectUris);
  if (grantTypes.includes('authorization_code') && redirectUris.length === 0) {
    throw invalidArgument('redirect_uris', 'authorization_code needs at least one redirect URI');
  }
  if (grantTypes.includes('authorization_code') && !scopes.includes('openid')) {
    throw invalidArgument('scopes', 'a client that signs people in needs the openid scope');
  }
  return {
    clientId: input.clientId,
    redirectUris,
    postLogoutRedirectUris: uris('post_logout_redirect_uris', input.postLogoutRedirectUris),
    publicClient: input.publicClient,
    firstParty: input.firstParty,
    scopes,
    grantTypes,
  };
}

function oneOf<T extends string>(field: string, values: readonly string[], allowed: readonly T[]): T[] {
  for (const value of values) {
    if (!allowed.includes(value as T)) throw invalidArgument(field, `${field}: "${value}" is not one of ${allowed.join(', ')}`);
  }
  return [...new Set(values as T[])];
}

/**
 * Redirect URIs are compared exactly, so each must be one exact URL: absolute, https (or
 * http on a loopback address, for native apps and development), no wildcard, no fragment
 * (OAuth 2.0 section 3.1.2), no credentials.
 */
function uris(field: string, values: readonly string[]): string[] {
  if (values.length > MAX_URIS) throw invalidArgument(field, `${field}: at most ${MAX_URIS} URIs`);
  for (const value of values) {
    if (value.length > MAX_URI_LENGTH) throw invalidArgument(field, `${field}: a URI of at most ${MAX_URI_LENGTH} characters`);
    if (value.includes('*')) throw invalidArgument(field, `${field}: "${value}" has a wildcard; register every URI exactly`);
    if (value.includes('#')) throw invalidArgument(field, `${field}: "${value}" has a fragment, which a redirect URI may not have`);
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw invalidArgument(field, `${field}: "${value}" is not an absolute URL`);
    }
    if (url.username !== '' || url.password !== '') throw invalidArgument(field, `${field}: "${value}" carries credentials`);
    const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
    if (!secure) throw invalidArgument(field, `${field}: "${value}" must be https, or http on a loopback address (127.0.0.1, [::1], localhost)`);
  }
  return [...new Set(values)];
}
