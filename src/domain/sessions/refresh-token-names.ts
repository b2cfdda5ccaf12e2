/**
 * A refresh token is `<client id>.<session id>.<256-bit secret>`. The ids are no secret
 * (the access token carries both), and only the SHA-256 of the whole value is stored, so
 * changing them gives a token nobody has. Naming them lets a refresh read the token, its
 * session and its client in one round trip instead of three in a row.
 */
import { newSecret } from '../kernel/secrets.js';
import { isClientId } from '../kernel/validation.js';

export function newRefreshToken(clientId: string, sessionId: string): string {
  return `${clientId}.${sessionId}.${newSecret()}`;
}

/** The client and session a refresh token names, or null for one that names none (issued before they were named). */
export function namesOf(refreshToken: string): { clientId: string; sessionId: string } | null {
  const [clientId, sessionId, secret, extra] = refreshToken.split('.');
  if (clientId === undefined || sessionId === undefined || secret === undefined || extra !== undefined) return null;
  return isClientId(clientId) && isClientId(sessionId) ? { clientId, sessionId } : null;
}
