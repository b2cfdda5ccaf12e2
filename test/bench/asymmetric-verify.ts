/**
 * How fast ES256 and EdDSA tokens verify on the ValidateToken path (JwtTokenIssuer.verify),
 * for tokens it has not seen and for the same token again, against raw `crypto.verify` of
 * the same algorithm on the same signature: the floor no JWT code can go below. Started by
 * run.ts on the server's core; announces the verifications per second of each.
 */
import { createPublicKey, verify } from 'node:crypto';
import { asymmetricSigner, asymmetricVerifier, generatePrivateKey, publicJwkOf } from '../../src/adapters/crypto/jws.js';
import { JwtTokenIssuer, VERIFIED_TOKENS_REMEMBERED } from '../../src/adapters/crypto/jwt-token-issuer.js';
import type { AsymmetricAlgorithm } from '../../src/domain/signing-keys/ports.js';
import { announce, rate, rateAwaited, stopWithRunner } from './child.js';

interface Settings {
  issuer: string;
  audience: string;
  warmUpSeconds: number;
  seconds: number;
}

/** More distinct tokens than JwtTokenIssuer remembers, so cycling through them never finds one it knows. */
const DISTINCT_TOKENS = 2 * VERIFIED_TOKENS_REMEMBERED;
const ROUNDS = 3;

async function measure(algorithm: AsymmetricAlgorithm, settings: Settings) {
  const privateKey = generatePrivateKey(algorithm);
  const publicKey = createPublicKey(privateKey);
  const { kid } = publicJwkOf(privateKey, algorithm);
  const signer = asymmetricSigner(kid, algorithm, privateKey);
  const verifier = asymmetricVerifier(algorithm, publicKey);
  const issuer = new JwtTokenIssuer(
    { issuer: settings.issuer, audience: settings.audience, clockSkewSeconds: 30, maxLifetimeSeconds: { user: 3600, service: 3600 } },
    { signer: () => signer, verifier: (tokenKid) => (tokenKid === kid ? verifier : null) },
  );
  const tokens = Array.from(
    { length: DISTINCT_TOKENS },
    (_, i) => issuer.issue({ clientId: `bench-client-${i}`, kind: 'user', groups: ['user'], sessionId: `bench-session-${i}` }, 3600).token,
  );
  const token = tokens[0]!;
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const data = Buffer.from(`${header}.${payload}`);
  const rawSignature = Buffer.from(signature, 'base64url');
  const digest = algorithm === 'ES256' ? 'sha256' : null;
  let next = 0;
  const seconds = settings.seconds / ROUNDS;
  // The floor is a plain call; the token issuer is awaited, as ValidateToken awaits it.
  const kinds = {
    rawVerify: async () => rate(() => verify(digest, data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, rawSignature), settings.warmUpSeconds, seconds),
    newToken: () => rateAwaited(() => issuer.verify(tokens[next++ % tokens.length]!), settings.warmUpSeconds, seconds),
    sameToken: () => rateAwaited(() => issuer.verify(token), settings.warmUpSeconds, seconds),
  };
  // Alternating rounds, best of each: on a shared machine one slow second would decide a single-shot ratio.
  const best = { rawVerify: 0, newToken: 0, sameToken: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [kind, measureKind] of Object.entries(kinds) as Array<[keyof typeof kinds, () => Promise<number>]>) {
      best[kind] = Math.max(best[kind], await measureKind());
    }
  }
  return best;
}

async function main(): Promise<void> {
  stopWithRunner(async () => {});
  const settings = JSON.parse(process.argv[2]!) as Settings;
  announce({ ES256: await measure('ES256', settings), EdDSA: await measure('EdDSA', settings) });
}

main().catch((error: unknown) => {
  process.stderr.write(`asymmetric verify: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
