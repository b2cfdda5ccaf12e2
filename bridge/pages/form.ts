/**
 * The form helper's server half: reading a posted form and saying what is missing. The
 * markup half (labels always visible, the error summary linked to the fields and focused)
 * is bridge/views/form.tsx.
 *
 * Forms are posted as application/x-www-form-urlencoded, as browsers post them without
 * script. They need no token of their own against cross-site posts: the cross-site guard
 * (middleware/cross-site-guard.ts) refuses every state-changing request another site
 * makes, forms included, before any route reads its body.
 */
import type { Context } from 'koa';
import { hasBody, readLimited } from '../json/request-body.js';
import { HttpError } from '../middleware/http-error.js';

/** The fields a page reads, each as one string ('' when absent). */
export type FormValues<Name extends string> = Record<Name, string>;

/** A problem to show: on a field (linked from the summary) or on the form as a whole. */
export interface FormError {
  /** The id of the input at fault, when one is. */
  field?: string;
  message: string;
}

/** A body posted as a browser posts a form without script. */
export function isFormPost(ctx: Context): boolean {
  return ctx.is('application/x-www-form-urlencoded') === 'application/x-www-form-urlencoded';
}

/** Reads the named fields of a posted form; other fields are ignored, a repeated one counts once (its first value). */
export async function readForm<Name extends string>(ctx: Context, limitBytes: number, names: readonly Name[]): Promise<FormValues<Name>> {
  const values = Object.fromEntries(names.map((name) => [name, ''])) as FormValues<Name>;
  if (!hasBody(ctx)) return values;
  if (!ctx.is('application/x-www-form-urlencoded')) {
    throw new HttpError('UNSUPPORTED_MEDIA_TYPE', 'a form must be posted as application/x-www-form-urlencoded');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(await readLimited(ctx, limitBytes));
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError('INVALID_ARGUMENT', 'the form is not valid UTF-8');
  }
  const posted = new URLSearchParams(text);
  for (const name of names) values[name] = posted.get(name) ?? '';
  return values;
}

/** An error for each required field left empty, in the order given (the order of the form). */
export function missingFields<Name extends string>(values: FormValues<Name>, required: Partial<Record<Name, string>>): FormError[] {
  return (Object.entries(required) as [Name, string][]).filter(([name]) => values[name].trim() === '').map(([field, message]) => ({ field, message }));
}
