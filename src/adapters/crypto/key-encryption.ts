import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** The key-encryption key must carry at least this much: it guards every signing key. */
export const MIN_KEY_ENCRYPTION_KEY_BYTES = 32;

const VERSION = 'v1';
const IV_BYTES = 12;

/** A sealed value that the key-encryption key given cannot open (a wrong key, or tampering). */
export class KeyDecryptionError extends Error {
  override readonly name = 'KeyDecryptionError';
}

/**
 * Seals private keys at rest with AES-256-GCM under a key derived (HKDF-SHA256) from
 * KEY_ENCRYPTION_KEY. Each sealed value is bound to its kid as associated data, so a
 * sealed private key copied onto another key's record does not open.
 */
export class KeyEncryption {
  private readonly key: Buffer;

  constructor(secret: string) {
    const material = Buffer.from(secret, 'utf8');
    if (material.length < MIN_KEY_ENCRYPTION_KEY_BYTES) {
      throw new Error(`the key-encryption key must be at least ${MIN_KEY_ENCRYPTION_KEY_BYTES} bytes`);
    }
    this.key = Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), 'client-auth signing keys v1', 32));
  }

  seal(plaintext: Buffer, boundTo: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return [VERSION, iv.toString('base64url'), sealed.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  open(sealed: string, boundTo: string): Buffer {
    const [version, iv, ciphertext, tag] = sealed.split('.');
    if (version !== VERSION || iv === undefined || ciphertext === undefined || tag === undefined) {
      throw new KeyDecryptionError('the sealed key is not in a format this build knows');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(boundTo, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
    } catch {
      throw new KeyDecryptionError('the key-encryption key does not open this sealed key');
    }
  }
}
