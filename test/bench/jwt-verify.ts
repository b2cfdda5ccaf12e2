/**
 * How fast an HS256 token verifies: jsonwebtoken with a string secret (which it turns
 * into a key on every call), with a KeyObject made once, and through JwtTokenIssuer.verify,
 * the ValidateToken hot path, both for tokens it has not seen (a new one each call) and
 * for the same token again (as a gateway checks one session's token on every request),
 * awaited as its callers await it.
 * Started by run.ts on the server's core; announces the verifications per second of each.
 */
import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { HmacKeySet } from '../../src/adapters/crypto/fixed-key-sets.js';
import { JwtTokenIssuer, VERIFIED_TOKENS_REMEMBERED } from '../../src/adapters/crypto/jwt-token-issuer.js';
import { announce, rate, rateAwaited, stopWithRunner } from './child.js';

interface Settings {
  secret: string;
  issuer: string;
  audience: string;
  warmUpSeconds: number;
  seconds: number;
}

/** More distinct tokens than JwtTokenIssuer remembers, so cycling through them never finds one it knows. */
const DISTINCT_TOKENS = 2 * VERIFIED_TOKENS_REMEMBERED;

async function main(): Promise<void> {
  stopWithRunner(async () => {});
  const settings = JSON.parse(process.argv[2]!) as Settings;
  const issuer = new JwtTokenIssuer(
    { issuer: settings.issuer, audience: settings.audience, clockSkewSeconds: 30, maxLifetimeSeconds: { user: 3600, service: 3600 } },
    new HmacKeySet(settings.secret),
  );
  const tokens = Array.from(
    { length: DISTINCT_TOKENS },
    (_, i) => issuer.issue({ clientId: `bench-client-${i}`, kind: 'user', groups: ['user'], sessionId: `bench-session-${i}` }, 3600).token,
  );
  const token = tokens[0]!;
  const options: jwt.VerifyOptions = { algorithms: ['HS256'], issuer: settings.issuer, audience: settings.audience };
  const key = createSecretKey(Buffer.from(settings.secret, 'utf8'));
  let next = 0;
  announce({
    stringSecret: rate(() => jwt.verify(token, settings.secret, options), settings.warmUpSeconds, settings.seconds),
    keyObject: rate(() => jwt.verify(token, key, options), settings.warmUpSeconds, settings.seconds),
    tokenIssuerNewToken: await rateAwaited(() => issuer.verify(tokens[next++ % tokens.length]!), settings.warmUpSeconds, settings.seconds),
    tokenIssuerSameToken: await rateAwaited(() => issuer.verify(token), settings.warmUpSeconds, settings.seconds),
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`jwt verify: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
