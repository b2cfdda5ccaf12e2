/**
 * The attacker's tools for the abuse suites: bounded bursts of concurrent calls, and a
 * tally of how they ended. Every burst is small and local (127.0.0.1) and ends on its own.
 */
import type { ServiceError } from '@grpc/grpc-js';
import { type ClientAuthPromiseClient, errorDetailOf, RETRY_AFTER_KEY, richStatusOf } from '../../src/sdk/typed-client.js';

export const PASSWORD = 'correct horse battery';
export const WRONG = 'wrong horse battery';

/** How a call ended: 'OK' or its reason, with the retry-after metadata (seconds) if any. */
export interface Outcome {
  reason: string;
  code: number;
  retryAfter: number | null;
  /** The google.rpc.RetryInfo delay of the rich status, in seconds, if any. */
  retryDelay: number | null;
}

export async function outcomeOf(call: Promise<unknown>): Promise<Outcome> {
  try {
    await call;
    return { reason: 'OK', code: 0, retryAfter: null, retryDelay: null };
  } catch (error) {
    const serviceError = error as ServiceError;
    const retryAfter = serviceError.metadata?.get(RETRY_AFTER_KEY)[0];
    return {
      reason: errorDetailOf(serviceError)?.reason ?? `code ${serviceError.code}`,
      code: serviceError.code,
      retryAfter: retryAfter === undefined ? null : Number(retryAfter),
      retryDelay: Number(richStatusOf(serviceError)?.retryInfo?.retryDelay?.seconds ?? Number.NaN) || null,
    };
  }
}

/** Runs `count` calls at once and counts their outcomes by reason. */
export async function burst(count: number, call: (index: number) => Promise<unknown>): Promise<{ tally: Record<string, number>; outcomes: Outcome[] }> {
  const outcomes = await Promise.all(Array.from({ length: count }, (_, index) => outcomeOf(call(index))));
  const tally: Record<string, number> = {};
  for (const outcome of outcomes) tally[outcome.reason] = (tally[outcome.reason] ?? 0) + 1;
  return { tally, outcomes };
}

let counter = 0;

/** An email no other test uses. */
export function freshEmail(label: string): string {
  return `${label}${++counter}.${Date.now().toString(36)}@example.com`;
}

/** A documentation address (TEST-NET-3) per index, to act as many sources. */
export function sourceIp(index: number): string {
  return `203.0.113.${(index % 250) + 1}`;
}

/** Registers a user with PASSWORD, from `source` when given. */
export async function registerUser(api: ClientAuthPromiseClient, email: string, source?: string) {
  const { client } = await api.registerUser(
    { email, password: PASSWORD, firstName: '', lastName: '', phoneNumber: '', attributes: {} },
    source ? { clientIp: source } : {},
  );
  return client!;
}

/** A Login as the trusted bridge would send it for a browser at `source`. */
export function loginFrom(api: ClientAuthPromiseClient, email: string, password: string, source: string) {
  return api.login({ email, password }, { clientIp: source });
}
