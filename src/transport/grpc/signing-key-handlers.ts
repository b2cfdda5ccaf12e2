import type { ClientAuthServer } from '../../../gen/clientauth/v1/client_auth.js';
import { type SigningKey, SigningKeySource, SigningKeyState } from '../../../gen/clientauth/v1/signing_keys.js';
import type { Principal } from '../../domain/kernel/client.js';
import type { SigningKeyAdministration } from '../../domain/signing-keys/key-administration.js';
import type { KeySource, KeyState, KeyStatus } from '../../domain/signing-keys/ports.js';
import { type CallContext, type UnaryOptions, unary } from './unary.js';

/** GetJwks, RotateSigningKey and ListSigningKeys: decode, call the signing-key use case, encode. */
export function signingKeyHandlers(
  signingKeys: SigningKeyAdministration,
  caller: (context: CallContext) => Promise<Principal>,
  options: UnaryOptions,
): Pick<ClientAuthServer, 'getJwks' | 'rotateSigningKey' | 'listSigningKeys'> {
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

    listSigningKeys: unary(
      'ListSigningKeys',
      async (_request, context) => {
        const inventory = await signingKeys.listKeys(await caller(context));
        return { source: SOURCES[inventory.source], keys: inventory.keys.map(signingKeyToProto) };
      },
      options,
    ),
  };
}

export function keySourceToProto(source: KeySource): SigningKeySource {
  return SOURCES[source];
}

const SOURCES: Record<KeySource, SigningKeySource> = {
  stored: SigningKeySource.SIGNING_KEY_SOURCE_STORED,
  file: SigningKeySource.SIGNING_KEY_SOURCE_FILE,
  secret: SigningKeySource.SIGNING_KEY_SOURCE_SECRET,
};

const STATES: Record<KeyState, SigningKeyState> = {
  active: SigningKeyState.SIGNING_KEY_STATE_ACTIVE,
  next: SigningKeyState.SIGNING_KEY_STATE_NEXT,
  retired: SigningKeyState.SIGNING_KEY_STATE_RETIRED,
};

/** A key as ListSigningKeys and GetAdminOverview show it. */
export function signingKeyToProto(key: KeyStatus): SigningKey {
  return {
    kid: key.kid,
    algorithm: key.algorithm,
    state: STATES[key.state],
    createTime: key.createdAt ?? undefined,
    activateTime: key.activatesAt ?? undefined,
    retireTime: key.retiredAt ?? undefined,
    expireTime: key.expiresAt ?? undefined,
  };
}
