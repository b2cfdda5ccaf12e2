import type { ClientAuthServer } from '../../../gen/clientauth/v1/client_auth.js';
import type { UseCases } from '../../bootstrap/use-cases.js';
import type { Principal } from '../../domain/kernel/client.js';
import { clientToProto, tokenPairToProto } from './convert.js';
import { passkeyAssertionFromProto, passkeyToProto } from './second-factor-convert.js';
import { type CallContext, type UnaryOptions, unary } from './unary.js';

type SecondFactorMethods =
  | 'beginTotpEnrollment'
  | 'confirmTotpEnrollment'
  | 'disableTotp'
  | 'regenerateRecoveryCodes'
  | 'getMySecondFactors'
  | 'completeLogin'
  | 'beginPasskeyRegistration'
  | 'finishPasskeyRegistration'
  | 'listPasskeys'
  | 'renamePasskey'
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
  const { totp, recoveryCodeRegeneration, passkeys, secondFactorLogin, secondFactorAdministration } = useCases;
  const ceremonyToProto = (ceremony: { options: Record<string, unknown>; ceremonyToken: string; expiresAt: Date }) => ({
    options: ceremony.options,
    ceremonyToken: ceremony.ceremonyToken,
    expireTime: ceremony.expiresAt,
  });

  return {
    beginTotpEnrollment: unary(
      'BeginTotpEnrollment',
      async (_request, context) => {
        const { secret, uri } = await totp.beginEnrollment(await caller(context));
        return { secret, otpauthUri: uri };
      },
      options,
    ),

    confirmTotpEnrollment: unary(
      'ConfirmTotpEnrollment',
      async (request, context) => {
        return totp.confirmEnrollment(await caller(context), { code: request.code }, context.request);
      },
      options,
    ),

    disableTotp: unary(
      'DisableTotp',
      async (request, context) => {
        await totp.disable(await caller(context), { code: request.code, recoveryCode: request.recoveryCode, source: context.clientIp }, context.request);
        return {};
      },
      options,
    ),

    regenerateRecoveryCodes: unary(
      'RegenerateRecoveryCodes',
      async (request, context) => {
        return recoveryCodeRegeneration.regenerate(await caller(context), { code: request.code, source: context.clientIp }, context.request);
      },
      options,
    ),

    getMySecondFactors: unary('GetMySecondFactors', async (_request, context) => totp.status(await caller(context)), options),

    completeLogin: unary(
      'CompleteLogin',
      async (request, context) => {
        const pair = await secondFactorLogin.completeLogin(
          {
            source: context.clientIp,
            challengeToken: request.challengeToken,
            totpCode: request.totpCode,
            recoveryCode: request.recoveryCode,
            passkey: passkeyAssertionFromProto(request.passkey),
          },
          context.request,
        );
        const { secondFactorChallenge: _none, ...response } = tokenPairToProto(pair);
        return response;
      },
      options,
    ),

    beginPasskeyRegistration: unary(
      'BeginPasskeyRegistration',
      async (_request, context) => {
        return ceremonyToProto(await passkeys.beginRegistration(await caller(context)));
      },
      options,
    ),

    finishPasskeyRegistration: unary(
      'FinishPasskeyRegistration',
      async (request, context) => {
        const passkey = await passkeys.finishRegistration(
          await caller(context),
          {
            ceremonyToken: request.ceremonyToken,
            response: request.response ?? {},
            name: request.name,
          },
          context.request,
        );
        return { passkey: passkeyToProto(passkey) };
      },
      options,
    ),

    listPasskeys: unary(
      'ListPasskeys',
      async (_request, context) => {
        return { passkeys: (await passkeys.list(await caller(context))).map(passkeyToProto) };
      },
      options,
    ),

    renamePasskey: unary(
      'RenamePasskey',
      async (request, context) => {
        const passkey = await passkeys.rename(await caller(context), { passkeyId: request.passkeyId, name: request.name }, context.request);
        return { passkey: passkeyToProto(passkey) };
      },
      options,
    ),

    deletePasskey: unary(
      'DeletePasskey',
      async (request, context) => {
        await passkeys.delete(
          await caller(context),
          { passkeyId: request.passkeyId, currentPassword: request.currentPassword, source: context.clientIp },
          context.request,
        );
        return {};
      },
      options,
    ),

    beginPasskeyLogin: unary(
      'BeginPasskeyLogin',
      async (request) => {
        return ceremonyToProto(await passkeys.beginLogin({ challengeToken: request.challengeToken }));
      },
      options,
    ),

    finishPasskeyLogin: unary(
      'FinishPasskeyLogin',
      async (request, context) => {
        const pair = await passkeys.finishLogin({ ceremonyToken: request.ceremonyToken, response: request.response ?? {} }, context.request);
        const { secondFactorChallenge: _none, ...response } = tokenPairToProto(pair);
        return response;
      },
      options,
    ),

    resetSecondFactor: unary(
      'ResetSecondFactor',
      async (request, context) => {
        const client = await secondFactorAdministration.resetSecondFactor(await caller(context), { clientId: request.clientId }, context.request);
        return { client: clientToProto(client) };
      },
      options,
    ),
  };
}
