import type { ClientAuthServer } from '../../gen/clientauth/v1/client_auth';
import type { Principal } from '../domain/client';
import type { UseCases } from '../domain/use-cases';
import { clientToProto, tokenPairToProto } from './convert';
import { passkeyAssertionFromProto, passkeyToProto } from './second-factor-convert';
import { unary, type CallContext, type UnaryOptions } from './unary';

type SecondFactorMethods =
  | 'beginTotpEnrollment'
  | 'confirmTotpEnrollment'
  | 'disableTotp'
  | 'completeLogin'
  | 'beginPasskeyRegistration'
  | 'finishPasskeyRegistration'
  | 'listPasskeys'
  | 'deletePasskey'
  | 'beginPasskeyLogin'
  | 'finishPasskeyLogin'
  | 'resetSecondFactor';

/** The second-factor handlers: decode, call one use case once, encode. */
export function secondFactorHandlers(
  useCases: UseCases,
  caller: (context: CallContext) => Promise<Principal>,
  options: UnaryOptions,
): Pick<ClientAuthServer, SecondFactorMethods> {
  const { totp, passkeys, secondFactorLogin, secondFactorAdministration } = useCases;
  const ceremonyToProto = (ceremony: { options: Record<string, unknown>; ceremonyToken: string; expiresAt: Date }) => ({
    options: ceremony.options,
    ceremonyToken: ceremony.ceremonyToken,
    expireTime: ceremony.expiresAt,
  });

  return {
    beginTotpEnrollment: unary('BeginTotpEnrollment', async (_request, context) => {
      const { secret, uri } = await totp.beginEnrollment(await caller(context));
      return { secret, otpauthUri: uri };
    }, options),

    confirmTotpEnrollment: unary('ConfirmTotpEnrollment', async (request, context) => {
      return totp.confirmEnrollment(await caller(context), { code: request.code });
    }, options),

    disableTotp: unary('DisableTotp', async (request, context) => {
      await totp.disable(await caller(context), { code: request.code, recoveryCode: request.recoveryCode });
      return {};
    }, options),

    completeLogin: unary('CompleteLogin', async (request) => {
      const pair = await secondFactorLogin.completeLogin({
        challengeToken: request.challengeToken,
        totpCode: request.totpCode,
        recoveryCode: request.recoveryCode,
        passkey: passkeyAssertionFromProto(request.passkey),
      });
      const { secondFactorChallenge: _none, ...response } = tokenPairToProto(pair);
      return response;
    }, options),

    beginPasskeyRegistration: unary('BeginPasskeyRegistration', async (_request, context) => {
      return ceremonyToProto(await passkeys.beginRegistration(await caller(context)));
    }, options),

    finishPasskeyRegistration: unary('FinishPasskeyRegistration', async (request, context) => {
      const passkey = await passkeys.finishRegistration(await caller(context), {
        ceremonyToken: request.ceremonyToken,
        response: request.response ?? {},
        name: request.name,
      });
      return { passkey: passkeyToProto(passkey) };
    }, options),

    listPasskeys: unary('ListPasskeys', async (_request, context) => {
      return { passkeys: (await passkeys.list(await caller(context))).map(passkeyToProto) };
    }, options),

    deletePasskey: unary('DeletePasskey', async (request, context) => {
      await passkeys.delete(await caller(context), { passkeyId: request.passkeyId });
      return {};
    }, options),

    beginPasskeyLogin: unary('BeginPasskeyLogin', async (request) => {
      return ceremonyToProto(await passkeys.beginLogin({ challengeToken: request.challengeToken }));
    }, options),

    finishPasskeyLogin: unary('FinishPasskeyLogin', async (request) => {
      const pair = await passkeys.finishLogin({ ceremonyToken: request.ceremonyToken, response: request.response ?? {} });
      const { secondFactorChallenge: _none, ...response } = tokenPairToProto(pair);
      return response;
    }, options),

    resetSecondFactor: unary('ResetSecondFactor', async (request, context) => {
      const client = await secondFactorAdministration.resetSecondFactor(await caller(context), { clientId: request.clientId });
      return { client: clientToProto(client) };
    }, options),
  };
}
