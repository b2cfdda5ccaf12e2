import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { MailSealer } from '../../domain/recovery/ports.js';
import { SealError, type SecretSealer } from '../../domain/second-factor/ports.js';

const VERSION = 's1';
const IV_BYTES = 12;

/** The uses a sealer serves; each gets its own key, derived from the key-encryption key. */
export const SEALING_PURPOSES = {
  /** TOTP secrets at rest, login tickets in transit. */
  secondFactors: 'client-auth second factors v1',
  /** The values (one-time links) of mail waiting in the mail outbox. */
  queuedMail: 'client-auth mail outbox v1',
} as const;

/**
 * Seals values with AES-256-GCM, under a key derived (HKDF-SHA256) from the key-encryption
 * key for one purpose alone, so the same KEY_ENCRYPTION_KEY can guard other things without
 * one sealed kind opening as another. The binding is the associated data: a value sealed
 * for one client or purpose does not open for another. Serves second factors (SecretSealer)
 * and the mail outbox (MailSealer).
 */
export class AesGcmSecretSealer implements SecretSealer, MailSealer {
  private readonly key: Buffer;

  constructor(keyEncryptionKey: string, purpose: (typeof SEALING_PURPOSES)[keyof typeof SEALING_PURPOSES] = SEALING_PURPOSES.secondFactors) {
    this.key = Buffer.from(hkdfSync('sha256', Buffer.from(keyEncryptionKey, 'utf8'), Buffer.alloc(0), purpose, 32));
  }

  seal(plaintext: string, boundTo: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), sealed.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  open(sealed: string, boundTo: string): string {
    const [version, iv, ciphertext, tag, extra] = sealed.split('.');
    if (version !== VERSION || iv === undefined || ciphertext === undefined || tag === undefined || extra !== undefined) {
      throw new SealError('not a sealed value of this build');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(boundTo, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SealError('the key-encryption key does not open this value');
    }
  }
}
