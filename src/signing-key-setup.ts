/**
 * Chooses where the signing keys come from, from the configuration: the HS256 secret,
 * an operator's PEM file, or the shared store with sealed private keys.
 */
import type { Config } from './config';
import type { Logger } from './domain/logger';
import type { SigningKeySet, SigningKeyStore } from './domain/signing-keys';
import { HmacKeySet, PemKeySet } from './adapters/crypto/fixed-key-sets';
import { KeyEncryption } from './adapters/crypto/key-encryption';
import { StoredKeySet } from './adapters/crypto/stored-key-set';
import { developmentKeyEncryptionKey, developmentSecret } from './adapters/embedded/development-secret';

export async function openSigningKeys(config: Config, store: SigningKeyStore, log: Logger): Promise<SigningKeySet> {
  const embedded = config.mongo === null;
  const { algorithm } = config.jwt;
  if (algorithm === 'HS256') {
    // loadConfig allows a missing secret only in the embedded set-up outside production.
    const secret = config.jwt.secret ?? (embedded ? developmentSecret(config.dataDir, log) : null);
    if (secret === null) throw new Error('JWT_SECRET_KEY is not set');
    if (!config.jwt.algorithmChosen) {
      log.warn(
        {},
        'signing tokens HS256 with JWT_SECRET_KEY, as JWT_ALGORITHM is not set: every service that verifies them holds the secret and could mint tokens. ' +
          'Asymmetric signing is recommended: set JWT_ALGORITHM=ES256 (and KEY_ENCRYPTION_KEY) to publish a JWKS instead',
      );
    }
    return new HmacKeySet(secret);
  }
  if (config.signingKeys.privateKeyFile !== null) {
    return new PemKeySet(config.signingKeys.privateKeyFile, config.jwt.algorithmChosen ? algorithm : null);
  }
  const given = config.signingKeys.encryptionKey;
  const encryptionKey = given ?? (embedded ? developmentKeyEncryptionKey(config.dataDir, log) : null);
  if (encryptionKey === null) throw new Error('KEY_ENCRYPTION_KEY is not set');
  const longestTokenSeconds = Math.max(config.jwt.accessTokenTtlSeconds, config.jwt.serviceTokenTtlSeconds);
  return StoredKeySet.open({
    store,
    encryption: new KeyEncryption(encryptionKey),
    algorithm,
    policy: {
      rotationMs: config.signingKeys.rotationSeconds * 1000,
      publishAheadMs: config.signingKeys.publishAheadSeconds * 1000,
      retainMs: (longestTokenSeconds + config.jwt.clockSkewSeconds) * 1000,
    },
    encryptionKeySource: given !== null ? 'KEY_ENCRYPTION_KEY' : `the file generated in DATA_DIR ${config.dataDir}`,
    log,
  });
}
