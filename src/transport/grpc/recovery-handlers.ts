import type { ClientAuthServer } from '../../../gen/clientauth/v1/client_auth.js';
import type { UseCases } from '../../bootstrap/use-cases.js';
import { clientToProto } from './convert.js';
import { bearerToken, type UnaryOptions, unary } from './unary.js';

type RecoveryMethods = Pick<ClientAuthServer, 'requestPasswordReset' | 'resetPassword' | 'sendEmailVerification' | 'verifyEmail'>;

/** The handlers of password reset and email verification: decode, call one use case, encode. */
export function recoveryHandlers(useCases: UseCases, options: UnaryOptions): RecoveryMethods {
  const { passwordReset, emailVerification, tokenValidation } = useCases;
  return {
    requestPasswordReset: unary(
      'RequestPasswordReset',
      async (request, context) => {
        await passwordReset.requestPasswordReset({ email: request.email, clientIp: context.clientIp });
        return {};
      },
      options,
    ),

    resetPassword: unary(
      'ResetPassword',
      async (request, context) => {
        await passwordReset.resetPassword({ token: request.token, newPassword: request.newPassword }, context.request);
        return {};
      },
      options,
    ),

    sendEmailVerification: unary(
      'SendEmailVerification',
      async (_request, context) => {
        await emailVerification.sendEmailVerification(await tokenValidation.authenticate(bearerToken(context.metadata)));
        return {};
      },
      options,
    ),

    verifyEmail: unary(
      'VerifyEmail',
      async (request, context) => {
        return { client: clientToProto(await emailVerification.verifyEmail({ token: request.token }, context.request)) };
      },
      options,
    ),
  };
}
