/** The WatchRevocations server stream: authenticate, start a watch, encode its messages, beat. */
import { type handleServerStreamingCall, type ServerWritableStream, status } from '@grpc/grpc-js';
import {
  type RevocationEvent as ProtoEvent,
  RevocationEventType,
  type RevokedEntry,
  type WatchRevocationsRequest,
  type WatchRevocationsResponse,
} from '../../../gen/clientauth/v1/revocation_feed.js';
import type { Principal } from '../../domain/kernel/client.js';
import type { RevocationEventType as EventType, RevocationEvent } from '../../domain/revocation/ports.js';
import type { RevocationWatch, WatchMessage } from '../../domain/revocation/watch.js';
import { REASON_KEY } from '../../sdk/error-details.js';
import { shuttingDown } from './call-gate.js';
import { toServiceError } from './status-mapping.js';
import { bearerToken, type UnaryOptions } from './unary.js';

const EVENT_TYPES: Record<EventType, RevocationEventType> = {
  'client.suspended': RevocationEventType.REVOCATION_EVENT_TYPE_CLIENT_SUSPENDED,
  'client.reinstated': RevocationEventType.REVOCATION_EVENT_TYPE_CLIENT_REINSTATED,
  'client.deleted': RevocationEventType.REVOCATION_EVENT_TYPE_CLIENT_DELETED,
  'session.revoked': RevocationEventType.REVOCATION_EVENT_TYPE_SESSION_REVOKED,
  'client.groups_changed': RevocationEventType.REVOCATION_EVENT_TYPE_CLIENT_GROUPS_CHANGED,
};

export function watchRevocationsHandler(
  watch: RevocationWatch,
  authenticate: (token: string) => Promise<Principal>,
  options: UnaryOptions,
): handleServerStreamingCall<WatchRevocationsRequest, WatchRevocationsResponse> {
  return (call: ServerWritableStream<WatchRevocationsRequest, WatchRevocationsResponse>) => {
    const started = process.hrtime.bigint();
    let stop = () => {};
    let release = () => {};
    let finished = false;
    const finish = (code: status, reason: string) => {
      if (finished) return false;
      finished = true;
      stop();
      release();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      options.observe?.('WatchRevocations', code, seconds, reason);
      options.log.info({ method: 'WatchRevocations', code: status[code], ms: Math.round(seconds * 1e3) }, 'rpc');
      return true;
    };
    /** Ends the stream with the status `error` maps to, unless it has ended already. */
    const fail = (error: unknown) => {
      const serviceError = toServiceError(error, options.log, 'WatchRevocations');
      if (finish(serviceError.code, String(serviceError.metadata?.get(REASON_KEY)[0] ?? ''))) call.emit('error', serviceError);
    };
    call.once('cancelled', () => finish(status.CANCELLED, ''));

    const gate = options.gate;
    if (gate && !gate.admits(call.metadata)) return fail(shuttingDown());
    // Running while it reads the stores (the caller, the feed); once started it only listens.
    gate?.enter();
    void (async () => {
      try {
        const caller = await authenticate(bearerToken(call.metadata));
        if (finished) return;
        release = options.revocationWatches?.admit(caller.clientId, fail) ?? release;
        const send = (message: WatchMessage) => {
          if (!call.cancelled) call.write(toProto(message));
        };
        stop = await watch.start(caller, call.request.cursor, send, fail);
        if (finished) stop();
      } catch (error) {
        fail(error);
      } finally {
        gate?.leave();
      }
    })();
  };
}

function toProto(message: WatchMessage): WatchRevocationsResponse {
  if (message.kind === 'heartbeat') return { message: { $case: 'heartbeat', value: { cursor: message.cursor, time: new Date(message.at) } } };
  if (message.kind === 'event') return { message: { $case: 'event', value: eventToProto(message.event) } };
  const { suspended, deleted, sessions } = message.snapshot;
  return {
    message: {
      $case: 'snapshot',
      value: {
        cursor: message.cursor,
        suspendedClients: suspended.map(entryToProto),
        deletedClients: deleted.map(entryToProto),
        revokedSessions: sessions.map(entryToProto),
      },
    },
  };
}

function entryToProto(entry: { id: string; until: number }): RevokedEntry {
  return { id: entry.id, expireTime: Number.isFinite(entry.until) ? new Date(entry.until) : undefined };
}

function eventToProto(event: RevocationEvent): ProtoEvent {
  return {
    cursor: event.cursor,
    type: EVENT_TYPES[event.type],
    clientId: event.clientId,
    sessionId: event.sessionId,
    expireTime: event.until === null ? undefined : new Date(event.until),
    groups: event.groups,
    eventTime: new Date(event.at),
  };
}
