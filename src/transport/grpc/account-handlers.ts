/** The handlers of what a client does with its own account (profile, sessions, deletion): decode, call one use case once, encode. */
import type { Session } from '../../../gen/clientauth/v1/account.js';
import type { ClientAuthServer } from '../../../gen/clientauth/v1/client_auth.js';
import type { UseCases } from '../../bootstrap/use-cases.js';
import type { Principal } from '../../domain/kernel/client.js';
import type { MySessionView } from '../../domain/sessions/my-sessions.js';
import { clientToProto, deletionRequestToProto } from './convert.js';
import { type CallContext, type UnaryOptions, unary } from './unary.js';

type AccountMethods = 'updateMyProfile' | 'listMySessions' | 'endMySession' | 'endMyOtherSessions' | 'deleteMyAccount';

export function accountHandlers(
  useCases: UseCases,
  caller: (context: CallContext) => Promise<Principal>,
  options: UnaryOptions,
): Pick<ClientAuthServer, AccountMethods> {
  const { account, mySessions, selfDeletion } = useCases;
  return {
    updateMyProfile: unary(
      'UpdateMyProfile',
      async (request, context) => {
        const names = {
          ...(request.firstName === undefined ? {} : { firstName: request.firstName }),
          ...(request.lastName === undefined ? {} : { lastName: request.lastName }),
        };
        return { client: clientToProto(await account.updateProfile(await caller(context), names, context.request)) };
      },
      options,
    ),

    listMySessions: unary(
      'ListMySessions',
      async (_request, context) => {
        return { sessions: (await mySessions.list(await caller(context))).map(sessionToProto) };
      },
      options,
    ),

    endMySession: unary(
      'EndMySession',
      async (request, context) => {
        return mySessions.end(await caller(context), { sessionId: request.sessionId }, context.request);
      },
      options,
    ),

    endMyOtherSessions: unary(
      'EndMyOtherSessions',
      async (_request, context) => {
        return { endedSessionCount: await mySessions.endOthers(await caller(context), context.request) };
      },
      options,
    ),

    deleteMyAccount: unary(
      'DeleteMyAccount',
      async (request, context) => {
        const requested = await selfDeletion.deleteMyAccount(await caller(context), { password: request.password, source: context.clientIp }, context.request);
        return { deletionRequest: deletionRequestToProto(requested) };
      },
      options,
    ),
  };
}

export function sessionToProto(session: MySessionView): Session {
  return {
    id: session.id,
    createTime: session.createdAt,
    lastUseTime: session.lastUsedAt,
    expireTime: session.expiresAt,
    userAgent: session.userAgent,
    clientIp: session.clientIp,
    amr: session.amr,
    current: session.current,
  };
}
