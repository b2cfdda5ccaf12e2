/**
 * A failure the bridge detects itself, before or instead of a gRPC call: a body that is
 * not JSON, a cross-site request, a route that does not exist. `message` is written for
 * the caller; `reason` is a stable UPPER_SNAKE code like the service's own.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export function invalidField(field: string, message: string): HttpError {
  return new HttpError(400, 'INVALID_ARGUMENT', message, field);
}
