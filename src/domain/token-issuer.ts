import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { ClientKind, Principal } from './client';
import { unauthenticated } from './errors';
import { newId } from './ids';

/** Access tokens are HS256 JWTs; the algorithm is pinned so `alg: none` or RS/HS confusion cannot pass. */
const ALGORITHM = 'HS256';
/** No legitimate token of ours comes near this; longer input is refused before parsing. */
const MAX_TOKEN_LENGTH = 8192;

export interface TokenSettings {
  secret: string;
  issuer: string;
  audience: string;
}

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

interface Claims {
  id: string;
  sub: string;
  groups: string[];
  kind: ClientKind;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
}

/**
 * Signs and verifies access tokens. The secret is held as a KeyObject: jsonwebtoken
 * re-imports a string secret on every call, which costs ~60x on the validation hot path.
 */
export class TokenIssuer {
  private readonly key: KeyObject;

  constructor(
    private readonly settings: TokenSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createSecretKey(Buffer.from(settings.secret, 'utf8'));
  }

  issue(subject: { clientId: string; kind: ClientKind; groups: string[]; sessionId: string }, ttlSeconds: number): IssuedToken {
    const iat = Math.floor(this.now() / 1000);
    const claims: Claims = {
      id: subject.clientId,
      sub: subject.clientId,
      groups: subject.groups,
      kind: subject.kind,
      sid: subject.sessionId,
      jti: newId(),
      iat,
      exp: iat + ttlSeconds,
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
    let payload: unknown;
    try {
      payload = jwt.verify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        clockTimestamp: Math.floor(this.now() / 1000),
        ignoreExpiration: options.allowExpired === true,
      });
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) throw unauthenticated('TOKEN_EXPIRED', 'the token has expired');
      throw invalidToken();
    }
    if (!isClaims(payload)) throw invalidToken();
    return {
      clientId: payload.sub,
      kind: payload.kind,
      groups: payload.groups,
      sessionId: payload.sid,
      expiresAt: new Date(payload.exp * 1000),
    };
  }
}

function invalidToken() {
  return unauthenticated('TOKEN_INVALID', 'the token is not valid');
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
    typeof c['exp'] === 'number'
  );
}
