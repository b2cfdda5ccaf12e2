/** The client model shared by the domain and its ports. */
import { domainError } from './errors.js';

export type ClientKind = 'user' | 'service';

/** Groups every client of a kind has, whatever an admin sets. */
export const BASE_GROUP: Record<ClientKind, string> = { user: 'user', service: 'service' };
export const ADMIN_GROUP = 'admin';

/** A client as stored. The hashes never leave the domain (see `publicClient`). */
export interface ClientRecord {
  id: string;
  kind: ClientKind;
  email: string;
  firstName: string;
  lastName: string;
  phoneNumber: string;
  name: string;
  groups: string[];
  attributes: Record<string, string>;
  /** bcrypt or argon2id hash of a user's password (PHC / modular crypt format); null for services. */
  passwordHash: string | null;
  /** SHA-256 (hex) of a service's client secret; null for users. */
  secretHash: string | null;
  suspended: boolean;
  suspensionReason: string;
  suspendedAt: Date | null;
  suspendedBy: string;
  createdAt: Date;
  updatedAt: Date;
  /** When the client proved it reads its email (a verification link); null until then. */
  emailVerifiedAt: Date | null;
  /**
   * A service's last IssueServiceToken, to the minute (ClientStore.recordTokenIssue); null
   * for users and for services that have obtained none since it was recorded.
   */
  lastTokenIssuedAt: Date | null;
}

/** What a caller may see of a client: the record without its hashes. */
export type PublicClient = Omit<ClientRecord, 'passwordHash' | 'secretHash'>;

export function publicClient(record: ClientRecord): PublicClient {
  const { passwordHash: _p, secretHash: _s, ...rest } = record;
  return rest;
}

/** Who is calling, as proven by a valid access token. */
export interface Principal {
  clientId: string;
  kind: ClientKind;
  groups: string[];
  sessionId: string;
  expiresAt: Date;
  /** How the client authenticated (the token's `amr` claim, RFC 8176); empty when it has none. */
  amr: string[];
  /**
   * For a token the OpenID Provider issued (it names its OAuth client in `client_id`): that
   * client, and the token's own id (`jti`), under which it can be revoked alone (RFC 7009).
   * Absent on every other token.
   */
  issuedTo?: { clientId: string; tokenId: string };
}

export function isAdmin(principal: Principal): boolean {
  return principal.groups.includes(ADMIN_GROUP);
}

/** Admin RPCs check permission before they look anything up (AIP-193). */
export function requireAdmin(principal: Principal): void {
  if (!isAdmin(principal)) throw domainError('PERMISSION_DENIED');
}
