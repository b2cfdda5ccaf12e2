/** The use cases of the signing keys: publishing the public keys and rotating on demand. */
import { isAdmin, type Principal } from './client';
import { permissionDenied } from './errors';
import type { Logger } from './logger';
import type { PublicJwk, SigningKeySet, SigningKeyView } from './signing-keys';

export interface PublishedKeys {
  keys: PublicJwk[];
  /** How long a verifier may cache this set and still learn of a new key before it signs. */
  cacheSeconds: number;
}

export class SigningKeyAdministration {
  constructor(
    private readonly keys: SigningKeySet,
    private readonly log: Logger,
  ) {}

  /** The public keys verifiers may trust now; anyone may ask. Empty with HS256. */
  publishedKeys(): PublishedKeys {
    return { keys: this.keys.publicKeys(), cacheSeconds: this.keys.cacheSeconds };
  }

  /**
   * Publishes a new signing key at once; it signs after the publish-ahead time, and the
   * current key stays published until its last token has expired, so nobody is logged out.
   */
  async rotate(caller: Principal): Promise<SigningKeyView> {
    if (!isAdmin(caller)) throw permissionDenied();
    const key = await this.keys.rotate();
    this.log.info({ kid: key.kid, by: caller.clientId, activatesAt: key.activatesAt.toISOString() }, 'signing key rotation requested');
    return key;
  }
}
