/** The use cases of the signing keys: publishing the public keys and rotating on demand. */

import type { AuditRecorder } from '../audit/ports.js';
import { type Principal, requireAdmin } from '../kernel/client.js';
import type { Logger } from '../kernel/logger.js';
import { NO_REQUEST, type RequestContext } from '../kernel/request.js';
import type { KeyInventory, PublicJwk, SigningKeySet, SigningKeyView } from './ports.js';

export interface PublishedKeys {
  keys: PublicJwk[];
  /** How long a verifier may cache this set and still learn of a new key before it signs. */
  cacheSeconds: number;
}

export interface SigningKeyAdministrationDeps {
  keys: SigningKeySet;
  log: Logger;
  audit: AuditRecorder;
}

export class SigningKeyAdministration {
  constructor(private readonly deps: SigningKeyAdministrationDeps) {}

  /** The public keys verifiers may trust now; anyone may ask. Empty with HS256. */
  publishedKeys(): PublishedKeys {
    return { keys: this.deps.keys.publicKeys(), cacheSeconds: this.deps.keys.cacheSeconds };
  }

  /** The published keys with what each does now and its dates (ListSigningKeys); admins only. */
  async listKeys(caller: Principal): Promise<KeyInventory> {
    requireAdmin(caller);
    return this.deps.keys.inventory();
  }

  /**
   * Publishes a new signing key at once; it signs after the publish-ahead time, and the
   * current key stays published until its last token has expired, so nobody is logged out.
   */
  rotate(caller: Principal, request: RequestContext = NO_REQUEST): Promise<SigningKeyView> {
    const attempt = { type: 'signing_key.rotated', actor: caller.clientId, target: '' } as const;
    return this.deps.audit.refusals(request, attempt, () => this.rotateNow(caller, request));
  }

  private async rotateNow(caller: Principal, request: RequestContext): Promise<SigningKeyView> {
    requireAdmin(caller);
    const key = await this.deps.keys.rotate();
    this.deps.log.info({ kid: key.kid, by: caller.clientId, activatesAt: key.activatesAt.toISOString() }, 'signing key rotation requested');
    this.deps.audit.record({ type: 'signing_key.rotated', outcome: 'success', actor: caller.clientId, target: '', details: { keyId: key.kid } }, request);
    return key;
  }
}
