/** Second-factor values to and from their generated protobuf shapes. */

import type { LoginResponse } from '../../../gen/clientauth/v1/client_auth.js';
import {
  type LoginChallenge as LoginChallengeProto,
  type Passkey,
  type PasskeyAssertion as PasskeyAssertionProto,
  SecondFactorKind,
} from '../../../gen/clientauth/v1/second_factor.js';
import type { PasskeyAssertion, PasskeyView } from '../../domain/second-factor/passkeys.js';
import { isLoginChallenge, type SecondFactorKind as Kind, type LoginChallenge, type TokenPair } from '../../domain/sessions/ports.js';
import { tokenPairToProto } from './convert.js';

const KIND_TO_PROTO: Record<Kind, SecondFactorKind> = {
  totp: SecondFactorKind.SECOND_FACTOR_KIND_TOTP,
  recovery_code: SecondFactorKind.SECOND_FACTOR_KIND_RECOVERY_CODE,
  passkey: SecondFactorKind.SECOND_FACTOR_KIND_PASSKEY,
};

/** Login's answer: the token pair, or only the challenge of a second factor. */
export function loginResultToProto(result: TokenPair | LoginChallenge): LoginResponse {
  if (!isLoginChallenge(result)) return tokenPairToProto(result);
  return {
    accessToken: '',
    accessTokenExpireTime: undefined,
    refreshToken: '',
    refreshTokenExpireTime: undefined,
    client: undefined,
    secondFactorChallenge: loginChallengeToProto(result),
  };
}

function loginChallengeToProto(challenge: LoginChallenge): LoginChallengeProto {
  return { challengeToken: challenge.challengeToken, expireTime: challenge.expiresAt, factors: challenge.factors.map((kind) => KIND_TO_PROTO[kind]) };
}

export function passkeyToProto(passkey: PasskeyView): Passkey {
  return {
    id: passkey.id,
    name: passkey.name,
    transports: passkey.transports,
    backedUp: passkey.backedUp,
    createTime: passkey.createdAt,
    lastUseTime: passkey.lastUsedAt ?? undefined,
  };
}

/** A passkey assertion, or null when the request carries none. */
export function passkeyAssertionFromProto(assertion: PasskeyAssertionProto | undefined): PasskeyAssertion | null {
  if (!assertion) return null;
  return { ceremonyToken: assertion.ceremonyToken, response: assertion.response ?? {} };
}
