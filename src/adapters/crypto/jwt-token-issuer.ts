import { type CryptoKey, errors, type FlattenedJWSInput, type JWSHeaderParameters, jwtVerify } from 'jose';
import type { ClientKind, Principal } from '../../domain/kernel/client.js';
import { domainError } from '../../domain/kernel/errors.js';
import { newId } from '../../domain/kernel/ids.js';
import type { IssuedToken, TokenIssuer, TokenSubject } from '../../domain/sessions/ports.js';
import type { SignerKey, SigningAlgorithm, SigningKeySet } from '../../domain/signing-keys/ports.js';
import { isCanonicalSignature } from './jws.js';

/** No legitimate token of ours comes near this; longer input is refused before parsing. */
const MAX_TOKEN_LENGTH = 8192;
/** Three base64url segments and nothing else: no padding, whitespace or characters a lenient decoder would skip. */
const COMPACT_JWS = /^[\w-]+\.[\w-]+\.[\w-]+$/;
/** Every algorithm a key set may hold; each key then accepts its own alone. */
const ALGORITHMS: SigningAlgorithm[] = ['ES256', 'EdDSA', 'HS256'];
/**
 * At most how many verified tokens are remembered: a few megabytes, and more than the live
 * sessions of most deployments within one access-token lifetime.
 */
export const VERIFIED_TOKENS_REMEMBERED = 10_000;

export interface TokenSettings {
  issuer: string;
  audience: string;
  /** How far in the future an `iat` may be before the token is refused (RFC 8725 3.10). */
  clockSkewSeconds: number;
  /** The longest lifetime (`exp` - `iat`) a token of each kind may claim. */
  maxLifetimeSeconds: Readonly<Record<ClientKind, number>>;
}

interface Claims {
  nbf?: unknown;
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
  /** The OAuth client the OpenID Provider issued the token to; absent on our own tokens. */
  client_id?: string;
}

/** A token that passed `verify` once, with what it proved. */
interface VerifiedToken {
  principal: Principal;
  exp: number;
}

/**
 * Signs and verifies access tokens (compact JWS, RFC 7515) with the keys of a
 * SigningKeySet. Parsing and verification are jose's (ADR 0008): every token names its key
 * in `kid`, and verification takes the key by kid and accepts only that key's algorithm,
 * so `alg: none`, HS/ES confusion or a forged kid cannot pass. On top of jose, a token must
 * be spelled the one way this issuer spells it (its signature in canonical base64url, an
 * ES256 one with low s), so no second string carries the same token. Following RFC 8725 it
 * also refuses a `crit` header, an `iat` in the future beyond the clock skew, and a lifetime
 * longer than configured for the token's kind.
 *
 * A gateway validates the same token on every request of a session, so tokens that
 * verified are remembered: checking one again costs a map lookup and the expiry test
 * instead of a signature check and two parses (see `npm run bench`), and gives the same
 * frozen principal as the first time. Nothing else about a signed token can change: its
 * signature, issuer and audience passed once and its claims are fixed. Revocation is not
 * part of this check and is still asked on every call.
 */
export class JwtTokenIssuer implements TokenIssuer {
  /**
   * Verified tokens in two generations of up to half the limit each; when the newer one is
   * full the older one is dropped whole. (Deleting a V8 Map's oldest entry one at a time
   * costs a scan past every earlier deletion, which slows the check of every unseen token.)
   */
  private recentlyVerified = new Map<string, VerifiedToken>();
  private earlierVerified = new Map<string, VerifiedToken>();

  constructor(
    private readonly settings: TokenSettings,
    private readonly keys: Pick<SigningKeySet, 'signer' | 'verifier'>,
    private readonly now: () => number = Date.now,
  ) {}

  issue(subject: TokenSubject, ttlSeconds: number): IssuedToken {
    const iat = Math.floor(this.now() / 1000);
    const claims = {
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
      iss: this.settings.issuer,
      aud: this.settings.audience,
    };
    const signer = this.keys.signer();
    const signingInput = `${headerOf(signer)}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const token = `${signingInput}.${signer.sign(Buffer.from(signingInput)).toString('base64url')}`;
    return { token, expiresAt: new Date(claims.exp * 1000) };
  }

  /**
   * Verifies kid, algorithm, signature, `iss`, `aud`, `iat`, lifetime and `exp`; throws TOKEN_INVALID or
   * TOKEN_EXPIRED. `allowExpired` accepts an expired but authentic token: only for
   * giving something up (logout), never for gaining access.
   */
  async verify(token: string, options: { allowExpired?: boolean } = {}): Promise<Principal> {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw invalidToken();
    const nowMs = this.now();
    const clockTimestamp = Math.floor(nowMs / 1000);
    let known = this.recentlyVerified.get(token);
    if (known === undefined) {
      known = this.earlierVerified.get(token);
      if (known !== undefined) this.remember(token, known);
    }
    if (known !== undefined) {
      // Expired from the second `exp` names on, as for a full verification.
      if (options.allowExpired !== true && clockTimestamp >= known.exp) throw tokenExpired();
      return known.principal;
    }
    const payload = await this.verifiedPayload(token, nowMs, options.allowExpired === true);
    if (!isClaims(payload)) throw invalidToken();
    const skew = this.settings.clockSkewSeconds;
    if (payload.iat > clockTimestamp + skew || payload.exp - payload.iat > this.settings.maxLifetimeSeconds[payload.kind]) throw invalidToken();
    const principal = frozenPrincipal({
      clientId: payload.sub,
      kind: payload.kind,
      groups: payload.groups,
      sessionId: payload.sid,
      expiresAt: new Date(payload.exp * 1000),
      amr: payload.amr ?? [],
      ...(typeof payload.client_id === 'string' && typeof payload.jti === 'string' ? { issuedTo: { clientId: payload.client_id, tokenId: payload.jti } } : {}),
    });
    // `nbf` is the one other claim checked against the clock; tokens carrying it (none of
    // ours do) are verified in full every time rather than reasoned about here.
    if (payload.nbf === undefined) this.remember(token, { principal, exp: payload.exp });
    return principal;
  }

  /**
   * The claims of a token whose form, header, signature, `iss`, `aud`, `nbf` and `exp` hold
   * (jose's jwtVerify), or TOKEN_INVALID; TOKEN_EXPIRED, or with `allowExpired` the claims,
   * when only `exp` has passed: jose checks it after everything else.
   */
  private async verifiedPayload(token: string, nowMs: number, allowExpired: boolean): Promise<Record<string, unknown>> {
    if (!COMPACT_JWS.test(token)) throw invalidToken();
    try {
      const verified = await jwtVerify(token, this.keyFor, {
        algorithms: ALGORITHMS,
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        requiredClaims: ['iat', 'exp'],
        currentDate: new Date(nowMs),
      });
      return verified.payload;
    } catch (error) {
      if (!(error instanceof errors.JWTExpired && error.claim === 'exp')) throw invalidToken();
      if (!allowExpired) throw tokenExpired();
      return error.payload;
    }
  }

  /** The key a token's header names, if the token is spelled as ours are; jose then checks the signature with it. */
  private readonly keyFor = async (header: JWSHeaderParameters, jws: FlattenedJWSInput): Promise<CryptoKey> => {
    const kid = header.kid;
    if (header.crit !== undefined || (kid !== undefined && typeof kid !== 'string')) throw invalidToken();
    const key = this.keys.verifier(kid);
    if (key === null || header.alg !== key.algorithm || !isCanonicalSignature(key.algorithm, jws.signature)) throw invalidToken();
    return (await key.key()) as CryptoKey;
  };

  private remember(token: string, verified: VerifiedToken): void {
    if (this.recentlyVerified.size >= VERIFIED_TOKENS_REMEMBERED / 2) {
      this.earlierVerified = this.recentlyVerified;
      this.recentlyVerified = new Map();
    }
    this.recentlyVerified.set(token, verified);
  }
}

/**
 * The principal a token proves, frozen: `verify` hands the remembered object to every caller
 * of the same token (no copy per call, and the gRPC layer keeps the encoded answer beside it,
 * see src/transport/grpc/reused-responses.ts), so no caller may change it. Its `expiresAt` is a Date,
 * which freezing cannot protect; nothing sets a principal's dates.
 */
function frozenPrincipal(principal: Principal): Principal {
  if (principal.issuedTo) Object.freeze(principal.issuedTo);
  Object.freeze(principal.groups);
  Object.freeze(principal.amr);
  return Object.freeze(principal);
}

/** The encoded header of a signer's tokens; the same for every token it signs, so kept. */
const headers = new WeakMap<SignerKey, string>();
function headerOf(signer: SignerKey): string {
  let header = headers.get(signer);
  if (header === undefined) {
    header = Buffer.from(JSON.stringify({ alg: signer.algorithm, typ: 'JWT', kid: signer.kid })).toString('base64url');
    headers.set(signer, header);
  }
  return header;
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
    typeof c['exp'] === 'number' &&
    typeof c['iat'] === 'number'
  );
}
