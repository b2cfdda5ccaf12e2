/**
 * A failure of an account section's call, as its form shows it (form-failure.ts), except
 * that a session found ended is thrown on: signedInPage then sends the browser to sign
 * in, as for any page of a signed-out browser, rather than showing "not signed in" on a
 * form it can no longer use.
 */
import type { Context } from 'koa';
import type { Locale } from '../messages/catalogue.js';
import type { FormError } from './form.js';
import { type FormFields, formFailure } from './form-failure.js';
import { isSignedOut, type PageFailure, pageFailureOf } from './page-failure.js';

export function sectionFailure(ctx: Context, locale: Locale, error: unknown, fields: FormFields): { errors: FormError[]; failure: PageFailure } {
  if (isSignedOut(pageFailureOf(error))) throw error;
  return formFailure(ctx, locale, error, fields);
}
