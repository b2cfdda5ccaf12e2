/**
 * What an instance and its gateway answer for a token, and a second instance beside an
 * OpenID Provider stack: shared by the suites that check revocations outlive a lost or
 * unwritable Redis (test/integration/bridge/oidc-revoked-*-refill.test.ts).
 */
import { KEY_ENCRYPTION_KEY, type OidcStack } from './oidc-fixture.js';
import { dbNameOf, failure, startTestServer, type TestServer, testEnv } from './server.js';
import { requireServices } from './services.js';

/** What ValidateToken answers for `token`: OK, the reason it refuses it, or UNAVAILABLE while it fails closed. */
export async function validation(target: { server: TestServer }, token: string): Promise<string> {
  return target.server.api.validateToken({ token }).then(
    () => 'OK',
    async (error: { code?: number }) => (error.code === 14 ? 'UNAVAILABLE' : (await failure(Promise.reject(error))).reason),
  );
}

/** What GET /auth answers for `token`: its status and reason. */
export async function gateway(stack: OidcStack, token: string): Promise<{ status: number; reason: string | undefined }> {
  const answer = await fetch(`${stack.bridge.url}/auth`, { headers: { Authorization: `Bearer ${token}` } });
  const body = answer.status === 200 ? {} : ((await answer.json()) as { reason?: string });
  return { status: answer.status, reason: body.reason };
}

/** Another instance on the same stores and Redis as `stack`'s (shared set-up). */
export function otherInstance(context: Mocha.Context, stack: OidcStack): Promise<TestServer> {
  return startTestServer(testEnv(requireServices(context), 'unused', { JWT_ALGORITHM: 'ES256', KEY_ENCRYPTION_KEY, DB_NAME: dbNameOf(stack.server.config) }));
}
