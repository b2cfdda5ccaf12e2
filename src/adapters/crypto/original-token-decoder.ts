import { type CryptoKey, errors, type FlattenedJWSInput, type JWSHeaderParameters, jwtVerify } from 'jose';
import { domainError } from '../../domain/kernel/errors.js';
import { isImportedClientId } from '../../domain/kernel/imported-clients.js';
import type { OriginalTokenClaims, OriginalTokenDecoder } from '../../domain/sessions/legacy-tokens.js';
import { hmacKeys, isCanonicalSignature } from './jws.js';

const MAX_TOKEN_LENGTH = 8192;
/** Three base64url segments and nothing else, as the original's Go library spelled them. */
const COMPACT_JWS = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/**
 * Reads tokens as the original service (a-shine/client-auth) signed them: HS256 with its
 * JWT_SECRET_KEY, claims `id`, `groups` and, for users, `exp`; no `iss`, `aud`, `sid`
 * and no `kid` in the header. Anything else is not one of its tokens. Signing keys of
 * this service never verify here: only the original's secret does. Parsed and verified
 * with jose, as this service's own tokens are.
 */
export class JwtOriginalTokenDecoder implements OriginalTokenDecoder {
  private readonly key: () => Promise<unknown>;

  constructor(secret: string) {
    this.key = hmacKeys(secret).verifier.key;
  }

  async decode(token: string, nowMs: number): Promise<OriginalTokenClaims | null> {
    if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) return null;
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.keyFor, { algorithms: ['HS256'], currentDate: new Date(nowMs) }));
    } catch (error) {
      if (!(error instanceof errors.JWTExpired && error.claim === 'exp')) return null;
      // Expired, but only one of the original's own tokens is worth saying so about.
      if (isOriginalClaims(error.payload)) throw domainError('TOKEN_EXPIRED');
      return null;
    }
    if (!isOriginalClaims(payload)) return null;
    const { id, exp } = payload;
    return exp === undefined ? { id } : { id, exp };
  }

  /** The secret, for a header as the original wrote it: HS256 and no kid (tokens of this service always name theirs). */
  private readonly keyFor = async (header: JWSHeaderParameters, jws: FlattenedJWSInput): Promise<CryptoKey> => {
    if (header.alg !== 'HS256' || header.kid !== undefined || header.crit !== undefined || !isCanonicalSignature('HS256', jws.signature)) {
      throw new Error('not a token of the original service');
    }
    return (await this.key()) as CryptoKey;
  };
}

/** The claims of the original's tokens: an imported client's `id`, a numeric `exp` or none, and none of this service's `iss`, `aud`, `sid`. */
function isOriginalClaims(payload: Record<string, unknown>): payload is { id: string; exp?: number } {
  const { id, exp } = payload;
  if (payload['iss'] !== undefined || payload['aud'] !== undefined || payload['sid'] !== undefined) return false;
  return typeof id === 'string' && isImportedClientId(id) && (exp === undefined || typeof exp === 'number');
}
