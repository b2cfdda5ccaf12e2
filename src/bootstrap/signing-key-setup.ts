/**
 * Opens the signing keys the configuration names: the HS256 secret, an operator's PEM
 * file, or the shared store with sealed private keys.
 */

import { HmacKeySet, PemKeySet } from '../adapters/crypto/fixed-key-sets.js';
import { KeyEncryption } from '../adapters/crypto/key-encryption.js';
import { StoredKeySet } from '../adapters/crypto/stored-key-set.js';
import {
  developmentKeyEncryptionKey,
  developmentSecret,
  NOTHING_SEALED,
  type SealedData,
  type SealedRecords,
} from '../adapters/embedded/development-secret.js';
import type { Config } from '../config/index.js';
import type { Logger } from '../domain/kernel/logger.js';
import type { SigningKeySet, SigningKeyStore } from '../domain/signing-keys/ports.js';

/**
 * `now` is this instance's clock (tests move it); stored keys change by the store's clock, whatever it says.
 * `sealed` is what the embedded store holds sealed, so that no key file is generated over it.
 */
export async function openSigningKeys(
  config: Config,
  store: SigningKeyStore,
  log: Logger,
  now: () => number = Date.now,
  sealed: SealedData = NOTHING_SEALED,
): Promise<SigningKeySet> {
  const { signing, stores } = config;
  // loadConfig leaves a secret or an encryption key unset only in the embedded set-up outside production.
  const generated = (make: (dataDir: string) => string, variable: string) => {
    if (stores.kind !== 'embedded') throw new Error(`${variable} is not set`);
    return make(stores.dataDir);
  };
  if (signing.algorithm === 'HS256') {
    const secret = signing.secret ?? generated((dataDir) => developmentSecret(dataDir, log, sealedWith(config, SECRET, sealed)), 'JWT_SECRET_KEY');
    if (!signing.chosen) {
      log.warn(
        {},
        'signing tokens HS256 with JWT_SECRET_KEY, as JWT_ALGORITHM is not set: every service that verifies them holds the secret and could mint tokens. ' +
          'Asymmetric signing is recommended: set JWT_ALGORITHM=ES256 (and KEY_ENCRYPTION_KEY) to publish a JWKS instead',
      );
    }
    return new HmacKeySet(secret);
  }
  if (signing.keys.kind === 'file') return new PemKeySet(signing.keys.path, signing.chosen ? signing.algorithm : null);
  const given = signing.keys.encryptionKey;
  // Counted first: a key file lost over stored keys must stop start-up before a new one is written.
  const signingKeys = given === null ? (await store.list()).length : 0;
  const encryptionKey =
    given ?? generated((dataDir) => developmentKeyEncryptionKey(dataDir, log, sealedWith(config, KEK, { ...sealed, signingKeys })), 'KEY_ENCRYPTION_KEY');
  const longestTokenSeconds = Math.max(config.jwt.accessTokenTtlSeconds, config.jwt.serviceTokenTtlSeconds);
  return StoredKeySet.open({
    store,
    encryption: new KeyEncryption(encryptionKey),
    algorithm: signing.algorithm,
    policy: {
      rotationMs: signing.rotationSeconds * 1000,
      publishAheadMs: signing.publishAheadSeconds * 1000,
      retainMs: (longestTokenSeconds + config.jwt.clockSkewSeconds) * 1000,
    },
    encryptionKeySource: given !== null ? 'KEY_ENCRYPTION_KEY' : 'the key-encryption-key file generated in DATA_DIR',
    log,
    now,
  });
}

/**
 * The key that seals second-factor secrets and queued mail: KEY_ENCRYPTION_KEY, or else the key the
 * signing set-up already has, so that a deployment that predates second factors keeps
 * starting: the HS256 secret (then a leaked JWT secret also opens the stored TOTP secrets,
 * hence the warning), or the embedded set-up's generated key-encryption key.
 */
export function secondFactorSealingKey(config: Config, log: Logger, sealed: SealedData = NOTHING_SEALED): string {
  const { signing, stores } = config;
  if (config.secondFactor.keyEncryptionKey !== null) return config.secondFactor.keyEncryptionKey;
  if (signing.algorithm === 'HS256') {
    log.warn({}, 'KEY_ENCRYPTION_KEY is not set: TOTP secrets and queued mail are sealed with a key derived from the JWT secret; set KEY_ENCRYPTION_KEY');
    if (signing.secret !== null) return signing.secret;
  }
  // loadConfig requires KEY_ENCRYPTION_KEY wherever nothing can be generated, except with a key file.
  if (stores.kind !== 'embedded')
    throw new Error('KEY_ENCRYPTION_KEY is required to seal second-factor secrets when tokens are signed with JWT_PRIVATE_KEY_FILE');
  return signing.algorithm === 'HS256'
    ? developmentSecret(stores.dataDir, log, sealedWith(config, SECRET, sealed))
    : developmentKeyEncryptionKey(stores.dataDir, log, sealedWith(config, KEK, sealed));
}

const SECRET = 'jwt-secret';
const KEK = 'key-encryption-key';

/**
 * What of `sealed` a generated file seals: the signing keys, under the key-encryption key
 * when KEY_ENCRYPTION_KEY is unset; TOTP secrets and queued mail, under whatever
 * secondFactorSealingKey picks when it is unset (the JWT secret on HS256, else the key-encryption key).
 */
function sealedWith(config: Config, file: typeof SECRET | typeof KEK, sealed: SealedData): SealedRecords {
  const { signing } = config;
  const signingKeysFile = signing.algorithm !== 'HS256' && signing.keys.kind === 'stored' && signing.keys.encryptionKey === null ? KEK : null;
  const secondFactorFile = config.secondFactor.keyEncryptionKey !== null ? null : signing.algorithm !== 'HS256' ? KEK : signing.secret === null ? SECRET : null;
  return {
    'signing key(s)': signingKeysFile === file ? sealed.signingKeys : 0,
    'TOTP secret(s)': secondFactorFile === file ? sealed.totpSecrets : 0,
    'queued mail message(s)': secondFactorFile === file ? sealed.queuedMail : 0,
  };
}
