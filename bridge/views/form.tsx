/**
 * The form helper's markup, GOV.UK style: labels always visible; each error both in a
 * summary at the top (role=alert, focused when the page loads, so it is announced, with a
 * link to each field at fault) and beside its field (tied to it by aria-describedby).
 * Forms post to the bridge and work without script; `novalidate` leaves the checks to the
 * server, so every error reads the same way. The reading half is bridge/pages/form.ts.
 */
import type { ComponentChildren } from 'preact';
import type { FormError } from '../pages/form.js';
import type { PageFrame } from './page-frame.js';

export function ErrorSummary({ frame, errors }: { frame: PageFrame; errors: readonly FormError[] }) {
  if (errors.length === 0) return null;
  return (
    <div class="error-summary" id="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} autofocus>
      <h2 id="error-summary-title">{frame.locale.t.form.errorSummaryTitle}</h2>
      <ul>
        {errors.map((error) => (
          <li key={`${error.field ?? ''}:${error.message}`}>{error.field ? <a href={`#${error.field}`}>{error.message}</a> : error.message}</li>
        ))}
      </ul>
    </div>
  );
}

/** A confirmation after something succeeded (signed out, saved). */
export function Notice({ frame, message }: { frame: PageFrame; message: string }) {
  return (
    <div class="notice" role="status" aria-labelledby="notice-title">
      <h2 id="notice-title">{frame.locale.t.form.noticeTitle}</h2>
      <p>{message}</p>
    </div>
  );
}

export interface PostFormProps {
  action: string;
  /** Where to go once done (return_to), carried through the post; none when absent. */
  returnTo?: string | undefined;
  /** Hidden fields the next step needs (challenge tokens and the like). */
  hidden?: Readonly<Record<string, string>>;
  class?: string;
  children: ComponentChildren;
}

export function PostForm({ action, returnTo, hidden = {}, children, ...rest }: PostFormProps) {
  return (
    <form method="post" action={action} novalidate class={rest.class}>
      {returnTo ? <input type="hidden" name="return_to" value={returnTo} /> : null}
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {children}
    </form>
  );
}

export interface TextFieldProps {
  frame: PageFrame;
  /** The input's name, and its id unless `id` is given: the error summary links to it by id. */
  name: string;
  /** An id of its own, when several forms of a page have a field of the same name. */
  id?: string;
  label: string;
  type?: 'text' | 'email' | 'password';
  value?: string;
  hint?: string;
  errors?: readonly FormError[];
  autocomplete?: string;
  inputMode?: 'text' | 'numeric';
  spellcheck?: boolean;
}

export function TextField({ frame, name, id = name, label, type = 'text', value, hint, errors = [], autocomplete, inputMode, spellcheck }: TextFieldProps) {
  return (
    <FieldFrame frame={frame} id={id} label={label} hint={hint} errors={errors}>
      {(ties) => (
        <input
          id={id}
          name={name}
          // preact types each input type apart; these three take the same attributes.
          type={type as 'text'}
          value={value}
          autocomplete={autocomplete}
          inputMode={inputMode}
          spellcheck={spellcheck}
          {...ties}
        />
      )}
    </FieldFrame>
  );
}

/** What ties a field's control to its hint and error, for screen readers. */
export interface FieldTies {
  'aria-invalid': 'true' | undefined;
  'aria-describedby': string | undefined;
}

interface FieldFrameProps {
  frame: PageFrame;
  /** The control's id; the hint and error take it as their prefix. */
  id: string;
  label: string;
  hint?: string | undefined;
  errors: readonly FormError[];
  children: (ties: FieldTies) => ComponentChildren;
}

/** One field of every form: its label, hint and error (the one whose field is `id`), then the control, tied to them. */
export function FieldFrame({ frame, id, label, hint, errors, children }: FieldFrameProps) {
  const error = errors.find((candidate) => candidate.field === id);
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={error ? 'field field-error' : 'field'}>
      <label for={id}>{label}</label>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p class="error-message" id={`${id}-error`}>
          <span class="visually-hidden">{frame.locale.t.form.errorPrefix} </span>
          {error.message}
        </p>
      ) : null}
      {children({ 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': describedBy || undefined })}
    </div>
  );
}

/** A form's submit button; `name` and `value` say which of a form's buttons was pressed (the post carries the pressed one's). */
export function Button({ children, secondary = false, name, value }: { children: ComponentChildren; secondary?: boolean; name?: string; value?: string }) {
  return (
    <button type="submit" class={secondary ? 'secondary' : undefined} name={name} value={value}>
      {children}
    </button>
  );
}
