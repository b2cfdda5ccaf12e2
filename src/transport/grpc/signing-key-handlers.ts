import type { ClientAuthServer } from '../../../gen/clientauth/v1/client_auth.js';
import type { Principal } from '../../domain/kernel/client.js';
import type { SigningKeyAdministration } from '../../domain/signing-keys/key-administration.js';
import { type CallContext, type UnaryOptions, unary } from './unary.js';

/** GetJwks and RotateSigningKey: decode, call the signing-key use case, encode. */
export function signingKeyHandlers(
  signingKeys: SigningKeyAdministration,
  caller: (context: CallContext) => Promise<Principal>,
  options: UnaryOptions,
): Pick<ClientAuthServer, 'getJwks' | 'rotateSigningKey'> {
  return {
    getJwks: unary(
      'GetJwks',
      async () => {
        const published = signingKeys.publishedKeys();
        return {
          keys: published.keys.map((key) => ({ ...key, y: key.y ?? '' })),
          cacheMaxAgeSeconds: published.cacheSeconds,
        };
      },
      options,
    ),

    rotateSigningKey: unary(
      'RotateSigningKey',
      async (_request, context) => {
        const key = await signingKeys.rotate(await caller(context), context.request);
        return { kid: key.kid, algorithm: key.algorithm, publishTime: key.publishedAt, activateTime: key.activatesAt };
      },
      options,
    ),
  };
}
