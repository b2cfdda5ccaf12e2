import { type ClientAuthServer, ClientAuthService, ValidateTokenResponse } from '../../../gen/clientauth/v1/client_auth.js';
import type { UseCases } from '../../bootstrap/use-cases.js';
import type { Principal } from '../../domain/kernel/client.js';
import { invalidArgument } from '../../domain/kernel/errors.js';
import { accountHandlers } from './account-handlers.js';
import { auditFiltersFromProto, auditPageToProto } from './audit-convert.js';
import { consoleHandlers } from './console-handlers.js';
import { clientToProto, deletionRequestToProto, kindFromProto, kindToProto, tokenPairToProto } from './convert.js';
import { oidcHandlers } from './oidc-handlers.js';
import { recoveryHandlers } from './recovery-handlers.js';
import { ReusedResponses } from './reused-responses.js';
import { loginResultToProto } from './second-factor-convert.js';
import { secondFactorHandlers } from './second-factor-handlers.js';
import { signingKeyHandlers } from './signing-key-handlers.js';
import { strengthHandlers } from './strength-handlers.js';
import { bearerToken, type CallContext, type UnaryOptions, unary } from './unary.js';
import { watchRevocationsHandler } from './watch-revocations.js';

/** The ClientAuth service: its definition (with ValidateToken's answers encoded once per token) and handlers. */
export function clientAuthService(useCases: UseCases, options: UnaryOptions): { definition: typeof ClientAuthService; handlers: ClientAuthServer } {
  const validated = new ReusedResponses(validateTokenResponse, (response: ValidateTokenResponse) =>
    Buffer.from(ValidateTokenResponse.encode(response).finish()),
  );
  return {
    definition: { ...ClientAuthService, validateToken: { ...ClientAuthService.validateToken, responseSerialize: validated.serialize } },
    handlers: clientAuthHandlers(useCases, options, validated),
  };
}

function validateTokenResponse(principal: Principal): ValidateTokenResponse {
  return {
    clientId: principal.clientId,
    kind: kindToProto(principal.kind),
    groups: principal.groups,
    sessionId: principal.sessionId,
    expireTime: principal.expiresAt,
    amr: principal.amr,
  };
}

/** The ClientAuth handlers: decode, call one use case once, encode. No logic of their own. */
function clientAuthHandlers(useCases: UseCases, options: UnaryOptions, validated: ReusedResponses<Principal, ValidateTokenResponse>): ClientAuthServer {
  const { registration, sessionTokens, serviceTokens, tokenValidation, account, administration, suspension, deletion, auditTrail } = useCases;
  const caller = (context: CallContext) => tokenValidation.authenticate(bearerToken(context.metadata));

  return {
    ...signingKeyHandlers(useCases.signingKeys, caller, options),
    ...oidcHandlers(useCases.oidcClientRegistrations, caller, options),
    watchRevocations: watchRevocationsHandler(useCases.revocationWatch, (token) => tokenValidation.authenticate(token), options),

    registerUser: unary(
      'RegisterUser',
      async (request, context) => {
        const client = await registration.registerUser(
          {
            email: request.email,
            password: request.password,
            firstName: request.firstName,
            lastName: request.lastName,
            phoneNumber: request.phoneNumber,
            attributes: request.attributes,
            source: context.clientIp,
          },
          context.request,
        );
        return { client: clientToProto(client) };
      },
      options,
    ),

    registerService: unary(
      'RegisterService',
      async (request, context) => {
        const result = await registration.registerService(
          await caller(context),
          {
            email: request.email,
            name: request.name,
            groups: request.groups,
          },
          context.request,
        );
        return { client: clientToProto(result.client), clientSecret: result.clientSecret };
      },
      options,
    ),

    issueServiceToken: unary(
      'IssueServiceToken',
      async (request, context) => {
        const issued = await serviceTokens.issueServiceToken(
          { clientId: request.clientId, clientSecret: request.clientSecret, source: context.clientIp },
          context.request,
        );
        return { accessToken: issued.token, accessTokenExpireTime: issued.expiresAt };
      },
      options,
    ),

    login: unary(
      'Login',
      async (request, context) => {
        return loginResultToProto(await sessionTokens.login({ email: request.email, password: request.password, source: context.clientIp }, context.request));
      },
      options,
    ),

    refreshToken: unary(
      'RefreshToken',
      async (request, context) => {
        return tokenPairToProto(await sessionTokens.refresh({ refreshToken: request.refreshToken }, context.request));
      },
      options,
    ),

    logout: unary(
      'Logout',
      async (_request, context) => {
        await sessionTokens.logout(bearerToken(context.metadata), context.request);
        return {};
      },
      options,
    ),

    validateToken: unary('ValidateToken', async (request) => validated.of(await tokenValidation.validateToken(request.token)), options),

    getMe: unary(
      'GetMe',
      async (_request, context) => {
        return { client: clientToProto(await account.getMe(await caller(context))) };
      },
      options,
    ),

    changePassword: unary(
      'ChangePassword',
      async (request, context) => {
        await account.changePassword(
          await caller(context),
          {
            currentPassword: request.currentPassword,
            newPassword: request.newPassword,
            source: context.clientIp,
          },
          context.request,
        );
        return {};
      },
      options,
    ),

    deleteClient: unary(
      'DeleteClient',
      async (request, context) => {
        const requested = await deletion.deleteClient(await caller(context), { clientId: request.clientId }, context.request);
        return { deletionRequest: deletionRequestToProto(requested) };
      },
      options,
    ),

    getClient: unary(
      'GetClient',
      async (request, context) => {
        return { client: clientToProto(await administration.getClient(await caller(context), { clientId: request.clientId })) };
      },
      options,
    ),

    listClients: unary(
      'ListClients',
      async (request, context) => {
        const principal = await caller(context);
        const kind = kindFromProto(request.kind);
        if (kind === 'invalid') throw invalidArgument('kind', 'kind is not a known client kind');
        const query = {
          pageSize: request.pageSize,
          pageToken: request.pageToken,
          emailPrefix: request.emailPrefix,
          ...(kind ? { kind } : {}),
          ...(request.suspended !== undefined ? { suspended: request.suspended } : {}),
          ...(request.emailVerified !== undefined ? { emailVerified: request.emailVerified } : {}),
          ...(request.group !== '' ? { group: request.group } : {}),
          ...(request.newestFirst ? { newestFirst: true } : {}),
        };
        const page =
          request.hasSecondFactor === undefined
            ? await administration.listClients(principal, query)
            : await useCases.secondFactorAdministration.listClients(principal, { ...query, hasSecondFactor: request.hasSecondFactor });
        return { clients: page.clients.map(clientToProto), nextPageToken: page.nextPageToken };
      },
      options,
    ),

    setClientGroups: unary(
      'SetClientGroups',
      async (request, context) => {
        const client = await administration.setClientGroups(await caller(context), { clientId: request.clientId, groups: request.groups }, context.request);
        return { client: clientToProto(client) };
      },
      options,
    ),

    suspendClient: unary(
      'SuspendClient',
      async (request, context) => {
        const client = await suspension.suspendClient(await caller(context), { clientId: request.clientId, reason: request.reason }, context.request);
        return { client: clientToProto(client) };
      },
      options,
    ),

    reinstateClient: unary(
      'ReinstateClient',
      async (request, context) => {
        const client = await suspension.reinstateClient(await caller(context), { clientId: request.clientId }, context.request);
        return { client: clientToProto(client) };
      },
      options,
    ),

    listDeletionRequests: unary(
      'ListDeletionRequests',
      async (request, context) => {
        const page = await administration.listDeletionRequests(await caller(context), {
          pageSize: request.pageSize,
          pendingOnly: request.pendingOnly,
          pageToken: request.pageToken,
        });
        return { deletionRequests: page.requests.map(deletionRequestToProto), nextPageToken: page.nextPageToken };
      },
      options,
    ),

    listAuditEvents: unary(
      'ListAuditEvents',
      async (request, context) => {
        return auditPageToProto(await auditTrail.listAuditEvents(await caller(context), auditFiltersFromProto(request)));
      },
      options,
    ),

    listMySignIns: unary(
      'ListMySignIns',
      async (request, context) => {
        const page = auditPageToProto(await auditTrail.listMySignIns(await caller(context), { pageSize: request.pageSize, pageToken: request.pageToken }));
        return { signIns: page.events, nextPageToken: page.nextPageToken };
      },
      options,
    ),

    resetServiceSecret: unary(
      'ResetServiceSecret',
      async (request, context) => {
        const result = await useCases.serviceSecrets.resetServiceSecret(await caller(context), { clientId: request.clientId }, context.request);
        return { client: clientToProto(result.client), clientSecret: result.clientSecret };
      },
      options,
    ),

    ...accountHandlers(useCases, caller, options),
    ...consoleHandlers(useCases, caller, options),
    ...secondFactorHandlers(useCases, caller, options),
    ...recoveryHandlers(useCases, options),
    ...strengthHandlers(useCases, options),
  };
}
