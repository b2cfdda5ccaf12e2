/**
 * A passkey's button and what goes with it, on the sign-in page and on the second step.
 * A passkey needs the browser's WebAuthn API, so it needs script
 * (assets/passkey-sign-in.js): everything inside the `data-scripted="passkey"` block is
 * hidden until that script runs and finds WebAuthn. Then a press of the button begins a
 * ceremony (POST /passkeys/login/begin), asks the authenticator, puts the ceremony token
 * and the assertion into the form's hidden fields and posts the form: the page route
 * finishes the sign-in, sets the cookies and redirects, as for a code. Without script a
 * <noscript> note says why there is no passkey, where the page needs to say it; a browser
 * without WebAuthn gets the `unsupported` note.
 */
import type { ComponentChildren } from 'preact';
import { Button, PostForm } from './form.js';
import type { PageFrame } from './page-frame.js';

/** The fields the script fills before it posts the form. */
export const PASSKEY_FIELDS = { ceremony_token: '', passkey_response: '' } as const;

export interface PasskeyFormProps {
  frame: PageFrame;
  action: string;
  /** Fields the post carries besides the ceremony and the assertion. */
  hidden?: Readonly<Record<string, string>>;
  returnTo?: string | undefined;
  button: string;
  secondary?: boolean;
  /** What the script shows (as an alert, focused) when the ceremony fails or is cancelled. */
  failed: string;
  /** Shown when script is off; nothing when the page has other ways. */
  noScript?: string | undefined;
  /** Shown by the script when the browser has no WebAuthn. */
  unsupported?: string | undefined;
  /** Classes of the block besides `passkey` (`alternatives` sets it apart from a form above). */
  class?: string;
  /** Shown with the button (a heading, a hint). */
  children?: ComponentChildren;
}

export function PasskeyForm({
  frame,
  action,
  hidden = {},
  returnTo,
  button,
  secondary = false,
  failed,
  noScript,
  unsupported,
  children,
  ...rest
}: PasskeyFormProps) {
  return (
    <>
      <div class={rest.class ? `passkey ${rest.class}` : 'passkey'} hidden data-scripted="passkey">
        {children}
        <div class="error-summary" id="passkey-error" role="alert" aria-labelledby="passkey-error-title" tabindex={-1} hidden data-passkey-failed>
          <h2 id="passkey-error-title">{frame.locale.t.form.errorSummaryTitle}</h2>
          <p>{failed}</p>
        </div>
        <PostForm action={action} returnTo={returnTo} hidden={{ ...hidden, ...PASSKEY_FIELDS }}>
          <Button secondary={secondary}>{button}</Button>
        </PostForm>
      </div>
      {unsupported ? (
        <p class="passkey-note" hidden data-passkey-unsupported>
          {unsupported}
        </p>
      ) : null}
      {noScript ? (
        <noscript>
          <p class="passkey-note">{noScript}</p>
        </noscript>
      ) : null}
    </>
  );
}
