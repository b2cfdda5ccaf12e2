/**
 * The variables of token signing (the algorithm, the HS256 secret, the stored or file keys
 * and their rotation); read by `loadConfig` (src/config/index.ts), which owns the environment.
 */
import { ConfigError, type Reader } from './reader.js';

const MIN_PRODUCTION_SECRET_BYTES = 32;
const MIN_KEY_ENCRYPTION_KEY_BYTES = 32;

/**
 * How access tokens are signed, and where the keys come from. `chosen` says whether
 * JWT_ALGORITHM was set rather than inferred. A null secret or encryption key happens only
 * in the embedded set-up outside production, which keeps a generated one in DATA_DIR.
 */
export type SigningConfig =
  | { readonly algorithm: 'HS256'; readonly chosen: boolean; readonly secret: string | null }
  | {
      readonly algorithm: 'ES256' | 'EdDSA';
      readonly chosen: boolean;
      /** An operator's PEM file (nothing stored or rotated), or keys in the store sealed with the encryption key. */
      readonly keys: { readonly kind: 'file'; readonly path: string } | { readonly kind: 'stored'; readonly encryptionKey: string | null };
      readonly rotationSeconds: number;
      readonly publishAheadSeconds: number;
    };

/**
 * ES256 unless JWT_ALGORITHM says otherwise, or HS256 when only JWT_SECRET_KEY is set (the
 * original deployments). Whatever signs must be given wherever nothing can be generated
 * for it: in production, and when instances share MongoDB (each must sign and verify
 * alike, and open the keys the others stored).
 */
export function signingFrom(read: Reader, production: boolean, shared: boolean): SigningConfig {
  const secret = read.optional('JWT_SECRET_KEY');
  if (secret !== null && production && Buffer.byteLength(secret, 'utf8') < MIN_PRODUCTION_SECRET_BYTES) {
    throw new ConfigError(`JWT_SECRET_KEY must be at least ${MIN_PRODUCTION_SECRET_BYTES} bytes when NODE_ENV=production`);
  }
  const chosen = read.optional('JWT_ALGORITHM') !== null;
  const algorithm = read.oneOf('JWT_ALGORITHM', ['ES256', 'EdDSA', 'HS256'] as const, secret !== null ? 'HS256' : 'ES256');
  const privateKeyFile = read.optional('JWT_PRIVATE_KEY_FILE');
  const encryptionKey = read.optional('KEY_ENCRYPTION_KEY');
  if (encryptionKey !== null && Buffer.byteLength(encryptionKey, 'utf8') < MIN_KEY_ENCRYPTION_KEY_BYTES) {
    throw new ConfigError(`KEY_ENCRYPTION_KEY must be at least ${MIN_KEY_ENCRYPTION_KEY_BYTES} bytes`);
  }
  const where = production ? 'when NODE_ENV=production' : 'with MongoDB and Redis';
  if (algorithm === 'HS256') {
    if (privateKeyFile !== null) throw new ConfigError('JWT_PRIVATE_KEY_FILE holds an asymmetric key; it cannot be used with JWT_ALGORITHM=HS256');
    if (secret === null && (production || shared)) {
      throw new ConfigError(`JWT_SECRET_KEY is required ${where} and JWT_ALGORITHM=HS256: every instance must sign with the same secret`);
    }
    return { algorithm, chosen, secret };
  }
  const rotation = {
    rotationSeconds: read.int('SIGNING_KEY_ROTATION_DAYS', 30, 1, 365) * 24 * 3600,
    publishAheadSeconds: read.duration('SIGNING_KEY_PUBLISH_AHEAD', 3600, 1, 7 * 24 * 3600),
  };
  if (privateKeyFile !== null) return { algorithm, chosen, keys: { kind: 'file', path: privateKeyFile }, ...rotation };
  if (encryptionKey === null && (production || shared)) {
    throw new ConfigError(
      `KEY_ENCRYPTION_KEY (${MIN_KEY_ENCRYPTION_KEY_BYTES}+ bytes) is required ${where} and JWT_ALGORITHM=${algorithm}: ` +
        'it encrypts the stored signing keys, and every instance must hold the same one (or set JWT_PRIVATE_KEY_FILE)',
    );
  }
  return { algorithm, chosen, keys: { kind: 'stored', encryptionKey }, ...rotation };
}
