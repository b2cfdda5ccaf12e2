import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { domainError } from '../../domain/kernel/errors.js';
import { isImportedClientId } from '../../domain/kernel/imported-clients.js';
import type { OriginalTokenClaims, OriginalTokenDecoder } from '../../domain/sessions/legacy-tokens.js';

const MAX_TOKEN_LENGTH = 8192;

/**
 * Reads tokens as the original service (a-shine/client-auth) signed them: HS256 with its
 * JWT_SECRET_KEY, claims `id`, `groups` and, for users, `exp`; no `iss`, `aud`, `sid`
 * and no `kid` in the header. Anything else is not one of its tokens. Signing keys of
 * this service never verify here: only the original's secret does.
 */
export class JwtOriginalTokenDecoder implements OriginalTokenDecoder {
  private readonly key: KeyObject;

  constructor(secret: string) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  decode(token: string, nowMs: number): OriginalTokenClaims | null {
    if (token.length > MAX_TOKEN_LENGTH) return null;
    const decoded = jwt.decode(token, { complete: true });
    if (decoded === null || typeof decoded.payload !== 'object') return null;
    const { header, payload } = decoded;
    // Tokens of this service always carry iss, aud and sid, and those of its key sets a kid.
    if (header.alg !== 'HS256' || header.kid !== undefined) return null;
    if (payload['iss'] !== undefined || payload['aud'] !== undefined || payload['sid'] !== undefined) return null;
    const id = payload['id'];
    const exp = payload['exp'];
    if (typeof id !== 'string' || !isImportedClientId(id)) return null;
    if (exp !== undefined && typeof exp !== 'number') return null;
    try {
      jwt.verify(token, this.key, { algorithms: ['HS256'], clockTimestamp: Math.floor(nowMs / 1000) });
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) throw domainError('TOKEN_EXPIRED');
      return null;
    }
    return exp === undefined ? { id } : { id, exp };
  }
}
