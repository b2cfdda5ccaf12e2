/**
 * Every error the domain raises, in one catalogue. Each reason is a stable UPPER_SNAKE
 * string callers switch on, and it has exactly one `kind` (the class of failure, which the
 * transports map to a status in one place each: src/transport/grpc/status-mapping.ts,
 * bridge/middleware/error-middleware.ts) and one default message, whichever use case raises it.
 */

/** The class of a failure, independent of any transport. */
export type ErrorKind =
  | 'invalid_argument'
  | 'unauthenticated'
  | 'permission_denied'
  | 'not_found'
  | 'already_exists'
  | 'failed_precondition'
  | 'resource_exhausted'
  | 'unavailable'
  /** Not the caller's doing and not passing: a configuration to fix (see MisconfigurationError). */
  | 'internal';

/**
 * The reasons. Adding one is an API change: callers switch on them. A reason appears here
 * only if some code path raises it.
 *
 * CLIENT_SUSPENDED is `unauthenticated` on every call: a suspension means these credentials
 * no longer prove anyone, the same meaning as SESSION_REVOKED or CLIENT_DELETED, and a
 * forward-auth gateway must answer 401 (log in again / go away), never 403 (you are known
 * but not allowed here), for a suspended client.
 */
export const REASONS = {
  INVALID_ARGUMENT: { kind: 'invalid_argument', message: 'the request is not valid' },
  INVALID_PAGE_TOKEN: { kind: 'invalid_argument', message: 'page_token is not valid' },
  INVALID_CREDENTIALS: { kind: 'unauthenticated', message: 'the credentials are not valid' },
  TOKEN_MISSING: { kind: 'unauthenticated', message: 'a token is required' },
  TOKEN_INVALID: { kind: 'unauthenticated', message: 'the token is not valid' },
  TOKEN_EXPIRED: { kind: 'unauthenticated', message: 'the token has expired' },
  SESSION_REVOKED: { kind: 'unauthenticated', message: 'the session has been revoked; log in again' },
  TOKEN_REVOKED: { kind: 'unauthenticated', message: 'the access token has been revoked by the client it was issued to' },
  REFRESH_TOKEN_REUSED: {
    kind: 'unauthenticated',
    message: 'this refresh token was already used; the session has been revoked',
  },
  CLIENT_SUSPENDED: { kind: 'unauthenticated', message: 'the client is suspended' },
  CLIENT_DELETED: { kind: 'unauthenticated', message: 'the client has been deleted' },
  PERMISSION_DENIED: { kind: 'permission_denied', message: 'this call needs the admin group' },
  CLIENT_NOT_FOUND: { kind: 'not_found', message: 'no client has this id' },
  SESSION_NOT_FOUND: { kind: 'not_found', message: 'the caller has no session with this id' },
  EMAIL_TAKEN: { kind: 'already_exists', message: 'a client with this email is already registered' },
  NOT_A_USER: { kind: 'failed_precondition', message: 'only users have a password' },
  LAST_ADMIN: { kind: 'failed_precondition', message: 'this is the last active admin; make another client an admin first' },
  PASSWORD_TOO_COMMON: { kind: 'invalid_argument', message: 'the password is too common or too easy to guess; choose another' },
  PASSWORD_TOO_WEAK: { kind: 'invalid_argument', message: 'the password is too easy to guess; add another word or two, uncommon ones' },
  TOO_MANY_ATTEMPTS: { kind: 'resource_exhausted', message: 'too many attempts; try again after the time in retry-after' },
  SERVER_BUSY: { kind: 'resource_exhausted', message: 'the server is busy checking passwords; try again after the time in retry-after' },
  TOO_MANY_STREAMS: { kind: 'resource_exhausted', message: 'too many watch streams are open; close one, or retry later or on another instance' },
  NOT_A_SERVICE: { kind: 'failed_precondition', message: 'only a service client has a client secret' },
  SIGNING_KEY_NOT_ROTATABLE: { kind: 'failed_precondition', message: "the signing keys are not the service's to rotate" },
  RESET_TOKEN_INVALID: {
    kind: 'unauthenticated',
    message: 'this password-reset link is not valid: it is unknown, used or expired; ask for a new one',
  },
  VERIFICATION_TOKEN_INVALID: {
    kind: 'unauthenticated',
    message: 'this verification link is not valid: it is unknown, used or expired; ask for a new one',
  },
  EMAIL_NOT_VERIFIED: { kind: 'failed_precondition', message: 'the email is not verified yet; follow the link in the verification email' },
  FEATURE_DISABLED: { kind: 'failed_precondition', message: 'this feature is switched off on this service' },
  UNAVAILABLE: { kind: 'unavailable', message: 'a store is unavailable; retry later' },
  // Second factors (src/domain/second-factor/: totp.ts, passkeys.ts, complete-login.ts).
  CODE_INVALID: { kind: 'invalid_argument', message: 'the code is not valid' },
  SECOND_FACTOR_INVALID: { kind: 'unauthenticated', message: 'the second factor is not valid' },
  CHALLENGE_INVALID: { kind: 'unauthenticated', message: 'the login challenge is not valid, was used already or has expired; log in again' },
  TOTP_ALREADY_ENABLED: { kind: 'already_exists', message: 'an authenticator app is already enabled; disable it first' },
  TOTP_NOT_ENABLED: { kind: 'failed_precondition', message: 'no authenticator app is enabled (or its enrolment was not begun)' },
  PASSKEYS_NOT_CONFIGURED: { kind: 'failed_precondition', message: 'passkeys are not configured here (WEBAUTHN_ORIGINS is empty)' },
  PASSKEY_REJECTED: { kind: 'invalid_argument', message: 'the passkey registration could not be verified' },
  PASSKEY_ALREADY_REGISTERED: { kind: 'already_exists', message: 'this passkey is already registered' },
  PASSKEY_NOT_FOUND: { kind: 'not_found', message: 'the caller has no passkey with this id' },
  SECOND_FACTOR_REQUIRED: { kind: 'permission_denied', message: 'this location needs a login with a second factor; log in again with one' },
  // A gateway location's requirement (src/domain/sessions/access-requirement.ts) that cannot be read.
  GATEWAY_MISCONFIGURED: {
    kind: 'internal',
    message: "this location's access requirement is misconfigured in the gateway; client-auth's log says what to fix",
  },
} as const satisfies Record<string, { kind: ErrorKind; message: string }>;

/** Stable reasons, as listed in `REASONS`. */
export type Reason = keyof typeof REASONS;

/** Whether a string (e.g. a reason read back from a status) is one of ours. */
export function isReason(value: string): value is Reason {
  return Object.hasOwn(REASONS, value);
}

/**
 * A failure the caller may see. `message` is written for the caller and never holds a
 * secret or internal detail; `field` names the request field at fault, if any. The kind
 * follows from the reason.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly kind: ErrorKind;
  constructor(
    readonly reason: Reason,
    message: string = REASONS[reason].message,
    readonly field?: string,
  ) {
    super(message);
    this.kind = REASONS[reason].kind;
  }
}

/** The error of `reason`, with its catalogue message unless a more precise one is given. */
export function domainError(reason: Reason, message?: string, field?: string): DomainError {
  return new DomainError(reason, message, field);
}

/**
 * A configuration someone must fix, found while serving a call: the caller gets the
 * catalogue message, and `problem`, written for the operator, goes to the log only (the
 * transports log it once, where they map the error).
 */
export class MisconfigurationError extends DomainError {
  constructor(
    reason: Reason,
    readonly problem: string,
  ) {
    super(reason);
  }
}

/** Bad input: nothing was changed. */
export function invalidArgument(field: string, message: string): DomainError {
  return new DomainError('INVALID_ARGUMENT', message, field);
}

/** A store or bus the call needs cannot be reached; retrying later may succeed. */
export class UnavailableError extends DomainError {
  constructor(what: string, options?: { cause?: unknown }) {
    super('UNAVAILABLE', `${what} is unavailable; retry later`);
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

/** Thrown by a store when a unique key (e.g. the email) is already taken. */
export class DuplicateKeyError extends Error {
  override readonly name = 'DuplicateKeyError';
  constructor(readonly key: string) {
    super(`duplicate ${key}`);
  }
}
