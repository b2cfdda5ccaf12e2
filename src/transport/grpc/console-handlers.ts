/** The handlers of the RPCs the admin console added to the admin RPCs: decode, call one use case once, encode. */
import type { ClientAuthServer } from '../../../gen/clientauth/v1/client_auth.js';
import type { UseCases } from '../../bootstrap/use-cases.js';
import type { Principal } from '../../domain/kernel/client.js';
import { sessionToProto } from './account-handlers.js';
import { keySourceToProto, signingKeyToProto } from './signing-key-handlers.js';
import { type CallContext, type UnaryOptions, unary } from './unary.js';

type ConsoleMethods = 'checkRecentSignIn' | 'listClientSessions' | 'endClientSessions' | 'getAdminOverview';

export function consoleHandlers(
  useCases: UseCases,
  caller: (context: CallContext) => Promise<Principal>,
  options: UnaryOptions,
): Pick<ClientAuthServer, ConsoleMethods> {
  const { recentSignIn, clientSessions, adminOverview } = useCases;
  return {
    checkRecentSignIn: unary(
      'CheckRecentSignIn',
      async (_request, context) => {
        const answer = await recentSignIn.check(await caller(context));
        return { recent: answer.recent, signInTime: answer.signedInAt ?? undefined, recentUntilTime: answer.recentUntil ?? undefined };
      },
      options,
    ),

    listClientSessions: unary(
      'ListClientSessions',
      async (request, context) => {
        return { sessions: (await clientSessions.list(await caller(context), { clientId: request.clientId })).map(sessionToProto) };
      },
      options,
    ),

    endClientSessions: unary(
      'EndClientSessions',
      async (request, context) => {
        const input = { clientId: request.clientId, sessionId: request.sessionId };
        return { endedSessionCount: await clientSessions.end(await caller(context), input, context.request) };
      },
      options,
    ),

    getAdminOverview: unary(
      'GetAdminOverview',
      async (_request, context) => {
        const figures = await adminOverview.figures(await caller(context));
        return {
          countTime: figures.countedAt,
          userCount: figures.users,
          serviceCount: figures.services,
          suspendedClientCount: figures.suspended,
          activeSessionCount: figures.activeSessions,
          signInCount: figures.signIns,
          failedSignInCount: figures.failedSignIns,
          pendingDeletionRequestCount: figures.pendingDeletionRequests,
          signingKeySource: keySourceToProto(figures.keySource),
          signingKey: figures.signingKey ? signingKeyToProto(figures.signingKey) : undefined,
        };
      },
      options,
    ),
  };
}
