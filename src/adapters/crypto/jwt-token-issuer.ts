import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { ClientKind, Principal } from '../../domain/client';
import { domainError } from '../../domain/errors';
import { newId } from '../../domain/ids';
import type { IssuedToken, TokenIssuer, TokenSubject } from '../../domain/token-issuer';

/** Access tokens are HS256 JWTs; the algorithm is pinned so `alg: none` or RS/HS confusion cannot pass. */
const ALGORITHM = 'HS256';
/** No legitimate token of ours comes near this; longer input is refused before parsing. */
const MAX_TOKEN_LENGTH = 8192;
/**
 * At most how many verified tokens are remembered: about 8 MB, and more than the live
 * sessions of most deployments within one access-token lifetime.
 */
export const VERIFIED_TOKENS_REMEMBERED = 10_000;

export interface TokenSettings {
  secret: string;
  issuer: string;
  audience: string;
}

interface Claims {
  id: string;
  sub: string;
  groups: string[];
  kind: ClientKind;
  sid: string;
  /** How the client authenticated (RFC 8176): pwd, otp, hwk. Absent on service tokens. */
  amr?: string[];
  jti: string;
  iat: number;
  exp: number;
  email_verified?: boolean;
}

/** A token that passed `verify` once, with what it proved. */
interface VerifiedToken {
  principal: Principal;
  exp: number;
}

/**
 * Signs and verifies access tokens. The secret is held as a KeyObject: jsonwebtoken
 * re-imports a string secret on every call, which costs ~60x on the validation hot path.
 *
 * A gateway validates the same token on every request of a session, so tokens that
 * verified are remembered: checking one again costs a map lookup and the expiry test
 * instead of an HMAC, two base64 decodes and two JSON parses (about a quarter of the
 * server's CPU per ValidateToken under load; see `npm run bench`). Nothing else about a
 * signed token can change: its signature, issuer and audience passed once and its claims
 * are fixed. Revocation is not part of this check and is still asked on every call.
 */
export class JwtTokenIssuer implements TokenIssuer {
  private readonly key: KeyObject;
  /**
   * Verified tokens in two generations of up to half the limit each; when the newer one is
   * full the older one is dropped whole. (Deleting a V8 Map's oldest entry one at a time
   * costs a scan past every earlier deletion, which halved the rate of unseen tokens.)
   */
  private recentlyVerified = new Map<string, VerifiedToken>();
  private earlierVerified = new Map<string, VerifiedToken>();

  constructor(
    private readonly settings: TokenSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createSecretKey(Buffer.from(settings.secret, 'utf8'));
  }

  issue(subject: TokenSubject, ttlSeconds: number): IssuedToken {
    const iat = Math.floor(this.now() / 1000);
    const claims: Claims = {
      id: subject.clientId,
      sub: subject.clientId,
      groups: subject.groups,
      kind: subject.kind,
      sid: subject.sessionId,
      ...(subject.amr ? { amr: subject.amr } : {}),
      jti: newId(),
      iat,
      exp: iat + ttlSeconds,
      ...(subject.emailVerified !== undefined ? { email_verified: subject.emailVerified } : {}),
    };
    const token = jwt.sign(claims, this.key, {
      algorithm: ALGORITHM,
      issuer: this.settings.issuer,
      audience: this.settings.audience,
    });
    return { token, expiresAt: new Date(claims.exp * 1000) };
  }

  /**
   * Verifies signature, algorithm, `exp`, `iss` and `aud`; throws TOKEN_INVALID or
   * TOKEN_EXPIRED. `allowExpired` accepts an expired but authentic token: only for
   * giving something up (logout), never for gaining access.
   */
  verify(token: string, options: { allowExpired?: boolean } = {}): Principal {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw invalidToken();
    const clockTimestamp = Math.floor(this.now() / 1000);
    let known = this.recentlyVerified.get(token);
    if (known === undefined) {
      known = this.earlierVerified.get(token);
      if (known !== undefined) this.remember(token, known);
    }
    if (known !== undefined) {
      // The test jsonwebtoken applies (expired from the second `exp` names on).
      if (options.allowExpired !== true && clockTimestamp >= known.exp) throw tokenExpired();
      return copyOf(known.principal);
    }
    let payload: unknown;
    try {
      payload = jwt.verify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        clockTimestamp,
        ignoreExpiration: options.allowExpired === true,
      });
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) throw tokenExpired();
      throw invalidToken();
    }
    if (!isClaims(payload)) throw invalidToken();
    const principal: Principal = {
      clientId: payload.sub,
      kind: payload.kind,
      groups: payload.groups,
      sessionId: payload.sid,
      expiresAt: new Date(payload.exp * 1000),
      amr: payload.amr ?? [],
    };
    // `nbf` is the one other claim checked against the clock; tokens carrying it (none of
    // ours do) are verified in full every time rather than reasoned about here.
    if ((payload as { nbf?: unknown }).nbf === undefined) this.remember(token, { principal: copyOf(principal), exp: payload.exp });
    return principal;
  }

  private remember(token: string, verified: VerifiedToken): void {
    if (this.recentlyVerified.size >= VERIFIED_TOKENS_REMEMBERED / 2) {
      this.earlierVerified = this.recentlyVerified;
      this.recentlyVerified = new Map();
    }
    this.recentlyVerified.set(token, verified);
  }
}

/** A fresh Principal each call, as a full verification gives, so no caller can change another's. */
function copyOf(principal: Principal): Principal {
  return { ...principal, groups: [...principal.groups], amr: [...principal.amr], expiresAt: new Date(principal.expiresAt.getTime()) };
}

function tokenExpired() {
  return domainError('TOKEN_EXPIRED');
}

function invalidToken() {
  return domainError('TOKEN_INVALID');
}

function isClaims(value: unknown): value is Claims {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return (
    typeof c['sub'] === 'string' &&
    c['id'] === c['sub'] &&
    typeof c['sid'] === 'string' &&
    (c['kind'] === 'user' || c['kind'] === 'service') &&
    Array.isArray(c['groups']) &&
    c['groups'].every((g) => typeof g === 'string') &&
    (c['amr'] === undefined || (Array.isArray(c['amr']) && c['amr'].every((m) => typeof m === 'string'))) &&
    typeof c['exp'] === 'number'
  );
}
