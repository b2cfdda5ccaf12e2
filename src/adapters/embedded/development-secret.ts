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
 * What the store holds sealed with a generated key, by what it is (`'signing key(s)': 2`).
 * Over any of it, a missing key file stops start-up, naming the file and what it seals,
 * and no new file is written: a new key would open none of it, and would have to be
 * deleted by hand before the old one could be put back.
 */
export type SealedRecords = Readonly<Record<string, number>>;

/** What an embedded store holds sealed, whichever key seals it. */
export interface SealedData {
  readonly signingKeys: number;
  readonly totpSecrets: number;
  readonly queuedMail: number;
}

export const NOTHING_SEALED: SealedData = { signingKeys: 0, totpSecrets: 0, queuedMail: 0 };

/**
 * The JWT signing secret of an embedded HS256 set-up started without JWT_SECRET_KEY: read
 * from DATA_DIR/jwt-secret, or generated there once (mode 0600) so tokens survive a
 * restart. Warns every time, since a secret chosen by no one must never reach production.
 */
export function developmentSecret(dataDir: string, log: Logger, sealed: SealedRecords = {}): string {
  return generatedSecret(
    dataDir,
    { fileName: SECRET_FILE_NAME, title: 'JWT secret', variable: 'JWT_SECRET_KEY', use: 'signing tokens with a secret' },
    log,
    sealed,
  );
}

/**
 * The key that encrypts the stored signing keys of an embedded set-up started without
 * KEY_ENCRYPTION_KEY, kept like the development secret. Losing the file loses what it seals.
 */
export function developmentKeyEncryptionKey(dataDir: string, log: Logger, sealed: SealedRecords = {}): string {
  const use = 'encrypting the signing keys with a key';
  return generatedSecret(dataDir, { fileName: KEY_ENCRYPTION_KEY_FILE_NAME, title: 'key-encryption key', variable: 'KEY_ENCRYPTION_KEY', use }, log, sealed);
}

interface GeneratedFile {
  fileName: string;
  /** What the file holds, for the messages. */
  title: string;
  /** The variable that replaces the file. */
  variable: string;
  use: string;
}

/** Refuses before anything is written: DATA_DIR stays as it was, so putting the file back is all it takes. */
function refuseOverSealedRecords(file: string, { title, variable }: GeneratedFile, sealed: SealedRecords): void {
  const held = Object.entries(sealed)
    .filter(([, count]) => count > 0)
    .map(([what, count]) => `${count} ${what}`);
  if (held.length === 0 || fs.existsSync(file)) return;
  const list = held.length === 1 ? held[0] : `${held.slice(0, -1).join(', ')} and ${held.at(-1)}`;
  throw new Error(
    `the ${title} file ${file} generated in DATA_DIR is missing, but the store holds ${list} sealed with it: ` +
      `put the file back (from a backup), or set ${variable} to its content. No new file is written over what the old one sealed`,
  );
}

function generatedSecret(dataDir: string, generated: GeneratedFile, log: Logger, sealed: SealedRecords): string {
  const { fileName, variable, use } = generated;
  refuseOverSealedRecords(path.resolve(dataDir, fileName), generated, sealed);
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
