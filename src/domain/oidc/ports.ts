/**
 * The OpenID Provider's door: where the provider's records live (sessions, interactions,
 * codes, refresh tokens, grants), and what it asks of the service clients it serves.
 * The protocol itself is the library's (bridge/oidc/, ADR 0019); the domain keeps what
 * must hold on every set-up: records survive a restart, expire, and go with their grant.
 */

import type { Principal } from '../kernel/client.js';

/** Checks an access token as ValidateToken does (signature, expiry, the revocation list); TokenValidation is plugged in. */
export interface AccessTokenCheck {
  validateToken(token: string): Promise<Principal>;
}

/** Ends the session an access token belongs to, as Logout does; SessionTokens is plugged in. */
export interface SignInEnding {
  logout(token: string): Promise<void>;
}

/**
 * One record of the provider, of one model ('Grant', 'RefreshToken', 'AuthorizationCode',
 * 'Session', 'Interaction' ...). Its payload is the library's and opaque here; the fields
 * beside it are copied out of it so that the lookups below are index lookups.
 */
export interface OidcRecord {
  model: string;
  id: string;
  /** The library's payload, JSON-serialisable. */
  payload: Record<string, unknown>;
  grantId: string | null;
  uid: string | null;
  userCode: string | null;
  /** The client (user) the record is about, when it is about one. */
  accountId: string | null;
  /** Null: until destroyed. */
  expiresAt: Date | null;
  /** When a one-use record (a code, a rotated refresh token) was used; null until then. */
  consumedAt: Date | null;
}

/**
 * Stores the provider's records, shared by every instance.
 * - A read never returns a record whose `expiresAt` is at or before `now`; `sweepExpired`
 *   deletes them (no store here has TTL indexes everywhere).
 * - `upsert` replaces a record of the same model and id whole; `consumedAt` set by
 *   `consume` survives it only if the new record carries it.
 * - `consume` sets `consumedAt` once; a second call keeps the first time.
 * - `revokeByGrantId` deletes every record of the grant, whatever its model, and
 *   `grantIdsOfAccount` lists the grants an account's records belong to: after
 *   `revokeByGrantId` of each, no refresh token or code of that account is found.
 */
export interface OidcStore {
  upsert(record: OidcRecord): Promise<void>;
  find(model: string, id: string, now: Date): Promise<OidcRecord | null>;
  findByUid(model: string, uid: string, now: Date): Promise<OidcRecord | null>;
  findByUserCode(model: string, userCode: string, now: Date): Promise<OidcRecord | null>;
  consume(model: string, id: string, at: Date): Promise<void>;
  destroy(model: string, id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
  grantIdsOfAccount(accountId: string): Promise<string[]>;
  sweepExpired(now: Date): Promise<number>;
}

/**
 * The store's model of a service client's OIDC settings (SetOidcClient): one record per
 * client, no expiry, no grant. The token endpoint reads it for every token it issues.
 */
export const OIDC_CLIENT_SETTINGS_MODEL = 'ClientRegistration';

/** The scopes a client may be allowed, and the grant types it may use. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'groups', 'offline_access'] as const;
export const OIDC_GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export type OidcScope = (typeof OIDC_SCOPES)[number];
export type OidcGrantType = (typeof OIDC_GRANT_TYPES)[number];

/** How a service client signs people in through the provider, as an admin registered it (SetOidcClient). */
export interface OidcClientSettings {
  clientId: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /** No secret: PKCE (S256) alone, and no client credentials. */
  publicClient: boolean;
  /** Skips the consent page. */
  firstParty: boolean;
  scopes: OidcScope[];
  grantTypes: OidcGrantType[];
  updatedAt: Date;
}
