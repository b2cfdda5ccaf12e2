import type { ClientAuthServer } from '../../gen/clientauth/v1/client_auth';
import type { UseCases } from '../domain/use-cases';
import { clientToProto } from './convert';
import { bearerToken, unary, type UnaryOptions } from './unary';

type RecoveryMethods = Pick<ClientAuthServer, 'requestPasswordReset' | 'resetPassword' | 'sendEmailVerification' | 'verifyEmail'>;

/** The handlers of password reset and email verification: decode, call one use case, encode. */
export function recoveryHandlers(useCases: UseCases, options: UnaryOptions): RecoveryMethods {
  const { passwordReset, emailVerification, tokenValidation } = useCases;
  return {
    requestPasswordReset: unary('RequestPasswordReset', async (request, context) => {
      await passwordReset.requestPasswordReset({ email: request.email, clientIp: context.clientIp });
      return {};
    }, options),

    resetPassword: unary('ResetPassword', async (request) => {
      await passwordReset.resetPassword({ token: request.token, newPassword: request.newPassword });
      return {};
    }, options),

    sendEmailVerification: unary('SendEmailVerification', async (_request, context) => {
      await emailVerification.sendEmailVerification(await tokenValidation.authenticate(bearerToken(context.metadata)));
      return {};
    }, options),

    verifyEmail: unary('VerifyEmail', async (request) => {
      return { client: clientToProto(await emailVerification.verifyEmail({ token: request.token })) };
    }, options),
  };
}
