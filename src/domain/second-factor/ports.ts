/**
 * The second factors' door: the records second factors (TOTP with recovery codes, passkeys)
 * keep and the ports they need, the store's among them
 * (test/contract/second-factor-store.contract.test.ts runs one suite against every adapter),
 * and what they need of the sessions and of the clients' administration.
 */
import type { ClientKind, ClientRecord, Principal, PublicClient } from '../kernel/client.js';
import type { RequestContext } from '../kernel/request.js';
import type { AuthMethod, TokenPair } from '../sessions/ports.js';

/** What a completed second step asks of the sessions: a session for a client who has just proven who it is, recording where from. */
export interface SessionStarter {
  startSession(client: ClientRecord, amr: AuthMethod[], request: RequestContext): Promise<TokenPair>;
}

/** What the admins' side of second factors asks of the clients' administration (GetClient, ListClients). */
export interface ClientDirectory {
  getClient(caller: Principal, input: { clientId: string }): Promise<PublicClient>;
  listClients(
    caller: Principal,
    input: {
      pageSize: number;
      pageToken: string;
      kind?: ClientKind;
      suspended?: boolean;
      emailVerified?: boolean;
      emailPrefix: string;
      group?: string;
      newestFirst?: boolean;
    },
  ): Promise<{ clients: PublicClient[]; nextPageToken: string }>;
}

/** An authenticator app (TOTP, RFC 6238) of a client: pending until a first code confirms it. */
export interface TotpFactor {
  clientId: string;
  /** The shared secret, sealed with the key-encryption key (see `SecretSealer`); bound to the client id. */
  sealedSecret: string;
  /** SHA-256 of each recovery code (see recovery-codes.ts); empty while pending. */
  recoveryCodeHashes: string[];
  createdAt: Date;
  /** Null while the enrolment is pending: the factor does not count until it is confirmed. */
  confirmedAt: Date | null;
}

/** A WebAuthn credential (passkey) of a client. */
export interface PasskeyRecord {
  /** The credential id, base64url; unique among all clients. */
  id: string;
  clientId: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  /** The authenticator's signature counter at its last use (0 for authenticators that keep none). */
  counter: number;
  transports: string[];
  /** A label the client chose, e.g. "laptop". */
  name: string;
  /** Whether the credential may be synced to other devices (a multi-device passkey). */
  backedUp: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/**
 * Stores the second factors of clients, and the claims that make codes and challenges single-use.
 * - `saveTotp` replaces the client's TOTP factor (one per client).
 * - `addPasskey` is atomic on the credential id: a second insert of one id throws
 *   `DuplicateKeyError('credential')`, whichever client it is for.
 * - `claim(clientId, key, until)` is a compare-and-set: under concurrent claims of one key
 *   exactly one caller gets true; every later claim gets false, at least until `until`
 *   (after it the claim may be swept). A claim names its client, and goes with it.
 * - `deleteAllOfClient` removes the client's TOTP factor, passkeys and claims.
 */
export interface SecondFactorStore {
  saveTotp(factor: TotpFactor): Promise<void>;
  findTotp(clientId: string): Promise<TotpFactor | null>;
  /**
   * Replaces the recovery codes of the client's confirmed TOTP factor and keeps the rest of
   * it; false, and nothing stored, when the client has no confirmed factor. It never
   * creates one: a factor disabled meanwhile stays disabled.
   */
  replaceRecoveryCodes(clientId: string, recoveryCodeHashes: string[]): Promise<boolean>;
  /** True if the client had a TOTP factor (pending or confirmed). */
  deleteTotp(clientId: string): Promise<boolean>;
  addPasskey(passkey: PasskeyRecord): Promise<void>;
  findPasskey(id: string): Promise<PasskeyRecord | null>;
  /** The client's passkeys, oldest first. */
  listPasskeys(clientId: string): Promise<PasskeyRecord[]>;
  /** Records a successful use: the new signature counter, and when. */
  recordPasskeyUse(id: string, counter: number, at: Date): Promise<void>;
  /** Gives the client's passkey `id` a new name; false, and nothing changed, when the client has no passkey `id`. */
  renamePasskey(clientId: string, id: string, name: string): Promise<boolean>;
  /** True if the client had this passkey. */
  deletePasskey(clientId: string, id: string): Promise<boolean>;
  deleteAllOfClient(clientId: string): Promise<void>;
  claim(clientId: string, key: string, until: Date): Promise<boolean>;
  /** Removes claims whose `until` is before `now`; returns how many. */
  sweepClaims(now: Date): Promise<number>;
  /** Which of `clientIds` have a confirmed TOTP factor or a passkey. */
  haveFactor(clientIds: string[]): Promise<Set<string>>;
}

/**
 * Seals small secrets at rest and opaque tokens in transit (authenticated encryption under
 * the key-encryption key). A value sealed bound to one purpose or record does not open
 * bound to another. `open` throws `SealError` for anything it did not seal (another key,
 * a changed byte, another binding).
 */
export interface SecretSealer {
  seal(plaintext: string, boundTo: string): string;
  open(sealed: string, boundTo: string): string;
}

/** A sealed value that cannot be opened. */
export class SealError extends Error {
  override readonly name = 'SealError';
}

/** How second factors are set up, from the configuration. */
export interface SecondFactorSettings {
  /** The issuer an authenticator app shows next to the account (TOTP_ISSUER). */
  totpIssuer: string;
  webauthn: {
    /** The relying party id: the domain passkeys are bound to (WEBAUTHN_RP_ID). */
    rpId: string;
    /** The name an authenticator shows (WEBAUTHN_RP_NAME). */
    rpName: string;
    /** The page origins a ceremony may come from (WEBAUTHN_ORIGINS); empty turns passkeys off. */
    origins: readonly string[];
  };
}

/**
 * TOTP codes (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps).
 * - `newSecret` returns a new random secret of 160 bits, base32.
 * - `stepOf` is the time step (seconds since the epoch / 30) of now, or of up to `drift`
 *   steps before or after it, whose code is `code`; null when none is.
 */
export interface TotpCodes {
  newSecret(): string;
  /** The otpauth://totp/ URI of a secret, for an authenticator app to scan. */
  uri(secret: string, issuer: string, account: string): string;
  stepOf(secret: string, code: string, now: number, drift: number): number | null;
}

/** A credential as a WebAuthn ceremony names it. */
export interface CredentialDescriptor {
  id: string;
  transports: string[];
}

/** Options for navigator.credentials (JSON, as @simplewebauthn/browser takes them) and the challenge they carry. */
export interface CeremonyOptions {
  options: Record<string, unknown>;
  challenge: string;
}

/**
 * The relying party's side of WebAuthn ceremonies. The verifications check the response
 * against the challenge, the allowed origins and the relying party id, and throw
 * `WebAuthnRefusal` (saying why) for any response that does not verify;
 * `verifyAuthentication` also refuses a signature counter that did not grow.
 */
export interface WebAuthnCeremonies {
  registrationOptions(input: {
    rpId: string;
    rpName: string;
    userId: string;
    userName: string;
    userDisplayName: string;
    exclude: CredentialDescriptor[];
  }): Promise<CeremonyOptions>;
  verifyRegistration(input: {
    response: Record<string, unknown>;
    challenge: string;
    origins: readonly string[];
    rpId: string;
  }): Promise<CredentialDescriptor & { publicKey: string; counter: number; backedUp: boolean }>;
  authenticationOptions(input: { rpId: string; allow: CredentialDescriptor[]; userVerification: 'required' | 'preferred' }): Promise<CeremonyOptions>;
  verifyAuthentication(input: {
    response: Record<string, unknown>;
    challenge: string;
    origins: readonly string[];
    rpId: string;
    credential: { id: string; publicKey: string; counter: number };
    requireUserVerification: boolean;
  }): Promise<{ newCounter: number }>;
}

/** A WebAuthn response that does not verify; the message says why, for the caller. */
export class WebAuthnRefusal extends Error {
  override readonly name = 'WebAuthnRefusal';
}
