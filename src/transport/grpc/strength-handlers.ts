import type { ClientAuthServer } from '../../../gen/clientauth/v1/client_auth.js';
import type { UseCases } from '../../bootstrap/use-cases.js';
import { type UnaryOptions, unary } from './unary.js';

type StrengthMethods = Pick<ClientAuthServer, 'estimatePasswordStrength'>;

/** EstimatePasswordStrength: decode, call the use case once, encode. Public: no token is read. */
export function strengthHandlers(useCases: UseCases, options: UnaryOptions): StrengthMethods {
  const { strengthEstimates } = useCases;
  return {
    estimatePasswordStrength: unary(
      'EstimatePasswordStrength',
      async (request, context) => {
        return await strengthEstimates.estimatePasswordStrength({
          password: request.password,
          email: request.email,
          firstName: request.firstName,
          lastName: request.lastName,
          source: context.clientIp,
        });
      },
      options,
    ),
  };
}
