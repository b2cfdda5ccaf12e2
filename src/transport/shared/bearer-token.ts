/**
 * The one reading of an `Authorization: Bearer <token>` value (RFC 6750 section 2.1), shared by the
 * gRPC server (the `authorization` metadata) and the bridge (the HTTP header), so both
 * accept exactly the same spellings: the scheme in any case, one or more spaces before
 * the token (1*SP, as the RFC has it; gRPC metadata cannot carry a tab anyway), trailing
 * spaces, and nothing else.
 */
const BEARER = /^Bearer +(\S+) *$/i;

/** The token of a Bearer credential, or undefined when the value is not one. */
export function parseBearer(value: string): string | undefined {
  return BEARER.exec(value)?.[1];
}
