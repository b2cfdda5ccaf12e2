/**
 * Where a call comes from, as the audit trail records it: the client's IP, its user agent
 * and the request id. A proxy (the bridge) names its browser's user agent in
 * `x-client-user-agent`; anyone else is recorded with the user agent its gRPC library sent.
 * A user agent proves nothing either way, so whoever sends the key is believed. The call's
 * deadline goes with it, so the domain can refuse work it could not finish in time.
 */
import type { Deadline, Metadata } from '@grpc/grpc-js';
import type { RequestContext } from '../../domain/kernel/request.js';
import { CLIENT_USER_AGENT_KEY } from '../../sdk/call-metadata.js';
import { recordedUserAgent } from '../shared/user-agent.js';

/** `deadline` as grpc-js gives it (`call.getDeadline()`): a Date or ms since the epoch, Infinity when the caller set none. */
export function requestContextOf(metadata: Metadata, requestId: string, ip: string, deadline: Deadline = Infinity): RequestContext {
  const forwarded = metadata.get(CLIENT_USER_AGENT_KEY)[0];
  const own = metadata.get('user-agent')[0];
  const userAgent = typeof forwarded === 'string' && forwarded !== '' ? forwarded : typeof own === 'string' ? own : '';
  const until = deadline instanceof Date ? deadline.getTime() : deadline;
  return {
    ip,
    userAgent: recordedUserAgent(userAgent),
    requestId,
    ...(Number.isFinite(until) ? { deadline: until } : {}),
  };
}
