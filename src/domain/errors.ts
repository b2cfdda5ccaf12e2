/**
 * Every error the domain raises. Each carries a stable UPPER_SNAKE `reason` that callers
 * switch on, and a `kind` that says which class of failure it is; the transports map the
 * kind to a status (src/grpc/status-mapping.ts, bridge/error-middleware.ts) in one place each.
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
  | 'unavailable';

/** Stable reasons. Adding one is an API change: callers switch on them. */
export type Reason =
  | 'INVALID_ARGUMENT'
  | 'INVALID_PAGE_TOKEN'
  | 'INVALID_CREDENTIALS'
  | 'EMAIL_TAKEN'
  | 'TOKEN_MISSING'
  | 'TOKEN_INVALID'
  | 'TOKEN_EXPIRED'
  | 'SESSION_REVOKED'
  | 'REFRESH_TOKEN_REUSED'
  | 'CLIENT_SUSPENDED'
  | 'CLIENT_DELETED'
  | 'CLIENT_NOT_FOUND'
  | 'NOT_A_USER'
  | 'NOT_A_SERVICE'
  | 'PERMISSION_DENIED'
  | 'MESSAGE_TOO_LARGE'
  | 'TOO_MANY_ATTEMPTS'
  | 'SERVER_BUSY'
  | 'PASSWORD_TOO_COMMON'
  | 'LAST_ADMIN'
  | 'UNAVAILABLE';

/**
 * A failure the caller may see. `message` is written for the caller and never holds a
 * secret or internal detail; `field` names the request field at fault, if any.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly kind: ErrorKind,
    readonly reason: Reason,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Bad input: nothing was changed. */
export function invalidArgument(field: string, message: string): DomainError {
  return new DomainError('invalid_argument', 'INVALID_ARGUMENT', message, field);
}

export function unauthenticated(reason: Reason, message: string): DomainError {
  return new DomainError('unauthenticated', reason, message);
}

export function permissionDenied(reason: Reason = 'PERMISSION_DENIED', message = 'this call needs the admin group'): DomainError {
  return new DomainError('permission_denied', reason, message);
}

export function clientNotFound(): DomainError {
  return new DomainError('not_found', 'CLIENT_NOT_FOUND', 'no client has this id');
}

/** A store or bus the call needs cannot be reached; retrying later may succeed. */
export class UnavailableError extends DomainError {
  constructor(what: string, options?: { cause?: unknown }) {
    super('unavailable', 'UNAVAILABLE', `${what} is unavailable; retry later`);
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
