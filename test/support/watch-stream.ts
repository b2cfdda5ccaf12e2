/** A raw WatchRevocations stream, as the suites open it: its messages as they come, its first answer and its end. */
import { Metadata, type ServiceError } from '@grpc/grpc-js';
import { AssertionError } from 'chai';
import { RevocationEventType, type WatchRevocationsResponse } from '../../gen/clientauth/v1/revocation_feed.js';
import { errorDetailOf } from '../../src/sdk/error-details.js';
import type { ClientAuthPromiseClient } from '../../src/sdk/typed-client.js';

export interface WatchStream {
  call: ReturnType<ClientAuthPromiseClient['raw']['watchRevocations']>;
  messages: WatchRevocationsResponse[];
  /** How the stream ended: its error, or null when it ended with OK. */
  ended: Promise<ServiceError | null>;
  /** The stream's first answer: its first message, or its end when that came first. */
  answer: Promise<{ message: WatchRevocationsResponse } | { ended: ServiceError | null }>;
  /** The first message that `predicate` accepts, waiting up to `timeoutMs` for it. */
  next(predicate: (message: WatchRevocationsResponse) => boolean, timeoutMs?: number): Promise<WatchRevocationsResponse>;
}

export function openWatchStream(api: ClientAuthPromiseClient, token: string, cursor = ''): WatchStream {
  const messages: WatchRevocationsResponse[] = [];
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  const call = api.raw.watchRevocations({ cursor }, metadata);
  const ended = new Promise<ServiceError | null>((resolve) => {
    call.on('error', (error: ServiceError) => resolve(error));
    call.on('end', () => resolve(null));
  });
  const answer = new Promise<{ message: WatchRevocationsResponse } | { ended: ServiceError | null }>((resolve) => {
    call.once('data', (message: WatchRevocationsResponse) => resolve({ message }));
    void ended.then((error) => resolve({ ended: error }));
  });
  call.on('data', (message: WatchRevocationsResponse) => messages.push(message));
  const next = async (predicate: (message: WatchRevocationsResponse) => boolean, timeoutMs = 3000) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = messages.find(predicate);
      if (found) return found;
      if (Date.now() > until) throw new Error(`no such message within ${timeoutMs} ms; got ${JSON.stringify(messages)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  return { call, messages, ended, answer, next };
}

/** How a stream that must be refused ended; fails at once, naming it, when the stream answered with a message instead. */
export async function refusalOf(stream: WatchStream): Promise<ServiceError> {
  const answer = await stream.answer;
  if ('message' in answer) {
    stream.call.cancel();
    throw new AssertionError(`the stream was opened (it sent ${answer.message.message?.$case ?? 'a message'}) where it must be refused`);
  }
  if (answer.ended === null) throw new AssertionError('the stream ended with OK where it must be refused');
  return answer.ended;
}

/** How an open stream ended; fails when it ended with OK. */
export async function endOf(stream: WatchStream): Promise<ServiceError> {
  const error = await stream.ended;
  if (error === null) throw new AssertionError('the stream ended with OK where it must end with an error');
  return error;
}

/**
 * The code and reason a stream ended with, once its caller lost its right to it; fails as
 * soon as the stream shows it is still open instead: it delivers a message `alive` accepts
 * (such as a change made after the one that should have ended it).
 */
export async function endingOf(stream: WatchStream, alive: (message: WatchRevocationsResponse) => boolean): Promise<{ code: number; reason: string }> {
  const delivered = stream.next(alive, 20_000).then(
    (message) => message,
    () => null,
  );
  const outcome = await Promise.race([endOf(stream), delivered]);
  if (!(outcome instanceof Error)) {
    stream.call.cancel();
    throw new AssertionError(`the stream is still open: it delivered ${JSON.stringify(outcome)}`);
  }
  return { code: outcome.code, reason: errorDetailOf(outcome)?.reason ?? '' };
}

/** Whether a message is the event of `clientId`'s suspension. */
export const suspensionOf = (clientId: string) => (message: WatchRevocationsResponse) =>
  message.message?.$case === 'event' &&
  message.message.value.type === RevocationEventType.REVOCATION_EVENT_TYPE_CLIENT_SUSPENDED &&
  message.message.value.clientId === clientId;
