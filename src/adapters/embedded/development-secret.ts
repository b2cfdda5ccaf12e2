import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../../domain/kernel/logger.js';
import { ensureDataDir } from './data-dir.js';

export const SECRET_FILE_NAME = 'jwt-secret';
export const KEY_ENCRYPTION_KEY_FILE_NAME = 'key-encryption-key';

/** 48 random bytes: above the 32 that production demands, base64url so it survives copy-paste. */
const GENERATED_SECRET_BYTES = 48;
const MIN_SECRET_BYTES = 32;

/**
 * The JWT signing secret of an embedded HS256 set-up started without JWT_SECRET_KEY: read
 * from DATA_DIR/jwt-secret, or generated there once (mode 0600) so tokens survive a
 * restart. Warns every time, since a secret chosen by no one must never reach production.
 */
export function developmentSecret(dataDir: string, log: Logger): string {
  return generatedSecret(dataDir, SECRET_FILE_NAME, 'JWT_SECRET_KEY', 'signing tokens with a secret', log);
}

/**
 * The key that encrypts the stored signing keys of an embedded set-up started without
 * KEY_ENCRYPTION_KEY, kept like the development secret. Losing the file loses the keys:
 * with `sealedKeys` stored, a missing file stops start-up, naming it, and no new one is
 * written (a new key would open none of them, and would have to be deleted by hand before
 * the old one could be put back).
 */
export function developmentKeyEncryptionKey(dataDir: string, log: Logger, sealedKeys = 0): string {
  const use = 'encrypting the signing keys with a key';
  if (sealedKeys === 0) return generatedSecret(dataDir, KEY_ENCRYPTION_KEY_FILE_NAME, 'KEY_ENCRYPTION_KEY', use, log);
  const file = path.join(ensureDataDir(dataDir), KEY_ENCRYPTION_KEY_FILE_NAME);
  if (!fs.existsSync(file)) {
    throw new Error(
      `the key-encryption key file ${file} generated in DATA_DIR is missing, but the store holds ${sealedKeys} signing key(s) sealed with it: ` +
        'put the file back (from a backup), or set KEY_ENCRYPTION_KEY to its content. No new key set is generated over an existing one, and no new file is written',
    );
  }
  return generatedSecret(dataDir, KEY_ENCRYPTION_KEY_FILE_NAME, 'KEY_ENCRYPTION_KEY', use, log);
}

function generatedSecret(dataDir: string, fileName: string, variable: string, use: string, log: Logger): string {
  const file = path.join(ensureDataDir(dataDir), fileName);
  let created = false;
  try {
    // 'wx' fails if the file exists, so two starts at once cannot each write a different secret.
    fs.writeFileSync(file, randomBytes(GENERATED_SECRET_BYTES).toString('base64url'), { mode: 0o600, flag: 'wx' });
    created = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if (!created && (fs.statSync(file).mode & 0o077) !== 0) {
    log.warn({ file }, `${file} can be read by other users of this machine; restrict it with chmod 600`);
  }
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
    throw new Error(`${file} holds fewer than ${MIN_SECRET_BYTES} bytes; delete it to have a new secret generated, or set ${variable}`);
  }
  log.warn({ file }, `${variable} is not set: ${use} ${created ? 'generated into' : 'read from'} ${file}. ` + `You MUST set ${variable} in production`);
  return secret;
}
