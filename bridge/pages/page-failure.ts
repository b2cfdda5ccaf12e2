/**
 * What a failed call means on a page: the status, the reason the catalogue has a message
 * for, the wait before a retry, and the field at fault. It reads the one mapping of
 * failures to HTTP (middleware/error-middleware.ts), so pages and JSON routes never
 * disagree about a status; only the words differ.
 */
import type { Locale } from '../messages/catalogue.js';
import { en, type PageReason } from '../messages/en.js';
import { type HttpFailure, toHttpError } from '../middleware/error-middleware.js';
import { type AdviceKey, adviceSentence, strengthAdviceIn } from './strength-advice.js';

export interface PageFailure {
  status: number;
  reason: PageReason;
  /** From Retry-After: how long the service asks the browser to wait. */
  retryAfterSeconds?: number;
  /** The request field the service named, when it named one. */
  field?: string;
  /** For PASSWORD_TOO_WEAK: the estimator's advice the service gave. */
  advice?: AdviceKey[];
}

/** Every way of being not (or no longer) signed in reads the same on a page. */
const SIGNED_OUT = new Set(['TOKEN_MISSING', 'TOKEN_INVALID', 'TOKEN_EXPIRED', 'SESSION_REVOKED', 'REFRESH_TOKEN_REUSED']);
/** Waits a page states even when the service named none. */
const DEFAULT_WAIT_SECONDS = 30;

export function pageFailureOf(error: unknown): PageFailure {
  return pageFailureFrom(toHttpError(error));
}

/**
 * The failure of a call a page shows beside its form. An unexpected one is thrown on, to
 * the error middleware, which logs it and renders the error page.
 */
export function expectedFailureOf(error: unknown): PageFailure {
  const failure = pageFailureOf(error);
  if (failure.reason === 'INTERNAL') throw error;
  return failure;
}

/** The page's reading of an HTTP failure (as the error middleware mapped it). */
export function pageFailureFrom({ status, body, retryAfterSeconds }: HttpFailure): PageFailure {
  const failure: PageFailure = { status, reason: pageReasonOf(body.reason, status) };
  if (retryAfterSeconds !== undefined) failure.retryAfterSeconds = retryAfterSeconds;
  if (body.field !== undefined) failure.field = body.field;
  if (failure.reason === 'PASSWORD_TOO_WEAK') failure.advice = strengthAdviceIn(body.message);
  return failure;
}

/** The words of a failure in the page's language. */
export function failureMessage(locale: Locale, failure: PageFailure): string {
  const message = locale.t.reasons[failure.reason];
  const words = typeof message === 'function' ? message(locale.wait(failure.retryAfterSeconds ?? DEFAULT_WAIT_SECONDS)) : message;
  return [words, ...(failure.advice ?? []).map((key) => adviceSentence(locale, key))].join(' ');
}

/** Whether a failure means the browser holds no working session. */
export function isSignedOut(failure: PageFailure): boolean {
  return failure.reason === 'SESSION_ENDED' || failure.reason === 'CLIENT_SUSPENDED' || failure.reason === 'CLIENT_DELETED';
}

function pageReasonOf(reason: string, status: number): PageReason {
  if (SIGNED_OUT.has(reason)) return 'SESSION_ENDED';
  if (isPageReason(reason)) return reason;
  if (status === 401) return 'SESSION_ENDED';
  return status >= 400 && status < 500 ? 'INVALID_ARGUMENT' : 'INTERNAL';
}

function isPageReason(reason: string): reason is PageReason {
  // Every catalogue has English's reasons: their type is English's.
  return Object.hasOwn(en.reasons, reason);
}
