/**
 * A failure the service reports on a form's post, as the form shows it: beside the field at
 * fault when the form has that field (bad input in the form's own words for the field, any
 * other reason in the catalogue's), else at the top; the wait passed on as Retry-After. The
 * unexpected is thrown on, to the error page (page-failure.ts, expectedFailureOf).
 */
import type { Context } from 'koa';
import type { Locale } from '../messages/catalogue.js';
import type { PageReason } from '../messages/en.js';
import type { FormError } from './form.js';
import { expectedFailureOf, failureMessage, type PageFailure } from './page-failure.js';

export interface FormFields {
  /** The form's fields the service may name, each with what to say when the service finds it not valid. */
  invalid: Readonly<Record<string, string>>;
  /** The field a reason is about when the service names none (EMAIL_TAKEN: the email). */
  byReason?: Partial<Record<PageReason, string>>;
}

export function formFailure(ctx: Context, locale: Locale, error: unknown, fields: FormFields): { errors: FormError[]; failure: PageFailure } {
  const failure = expectedFailureOf(error);
  if (failure.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(failure.retryAfterSeconds));
  const named = failure.field !== undefined && Object.hasOwn(fields.invalid, failure.field) ? failure.field : undefined;
  const field = named ?? fields.byReason?.[failure.reason];
  const message = failure.reason === 'INVALID_ARGUMENT' && named !== undefined ? fields.invalid[named]! : failureMessage(locale, failure);
  return { errors: [field !== undefined ? { field, message } : { message }], failure };
}
