/**
 * The admin console's re-authentication: the password (and the second factor's code when
 * the admin has one) before an action, posted back to the action's own address with the
 * action's fields carried as they were (pages/console-action.tsx). It is a page of its own,
 * so a glance tells the operator why the action has not happened yet.
 *
 * An admin with a passkey confirms as the sign-in page's second step does: the password
 * first, then, on this page again, the passkey (its ceremony is the sign-in page's script,
 * views/passkey-form.tsx), with the service's challenge in a hidden field. Only that step
 * runs script; the password and the code need none.
 */
import type { FormError } from '../pages/form.js';
import { ConsoleLayout } from './console-layout.js';
import type { ConsoleSectionKey } from './console-nav.js';
import { Button, ErrorSummary, PostForm, TextField } from './form.js';
import type { PageFrame } from './page-frame.js';
import { PasskeyForm } from './passkey-form.js';

/** What the passkey step needs: the challenge the password earned, and the passkey scripts' hrefs. */
export interface ReauthPasskeyStep {
  challengeToken: string;
  scripts: readonly string[];
}

export interface ConsoleReauthViewProps {
  frame: PageFrame;
  adminEmail: string;
  section: ConsoleSectionKey;
  /** The action's address: the form posts back to it. */
  action: string;
  /** The action's own fields, as first posted. */
  carried: Readonly<Record<string, string>>;
  /** Whether the admin has an authenticator app, so the sign-in needs its code too. */
  askCode: boolean;
  /** Whether the admin has a passkey, offered as the second step. */
  offerPasskey: boolean;
  /** Set once the password was right and the passkey is to be used: the page asks for it alone. */
  passkeyStep?: ReauthPasskeyStep | undefined;
  /** ADMIN_REAUTH_MIN in words. */
  window: string;
  cancel: string;
  errors?: readonly FormError[];
}

export function ConsoleReauthView(props: ConsoleReauthViewProps) {
  const { frame, adminEmail, section, passkeyStep, errors = [] } = props;
  return (
    <ConsoleLayout
      frame={frame}
      title={frame.locale.t.console.reauth.title}
      current={section}
      adminEmail={adminEmail}
      hasErrors={errors.length > 0}
      scripts={passkeyStep?.scripts ?? []}
    >
      <ErrorSummary frame={frame} errors={errors} />
      {passkeyStep ? <PasskeyStep {...props} passkeyStep={passkeyStep} /> : <PasswordStep {...props} errors={errors} />}
    </ConsoleLayout>
  );
}

function PasswordStep({ frame, action, carried, askCode, offerPasskey, window, cancel, errors = [] }: ConsoleReauthViewProps) {
  const words = frame.locale.t.console.reauth;
  const passkeyWords = frame.locale.t.consoleReauth;
  const passkeyOnly = offerPasskey && !askCode;
  return (
    <>
      <p>{words.intro(window)}</p>
      {passkeyOnly ? <p>{passkeyWords.thenPasskey}</p> : null}
      <PostForm action={action} hidden={carried}>
        <TextField frame={frame} name="reauth_password" label={words.password} type="password" autocomplete="current-password" errors={errors} />
        {askCode ? (
          <TextField
            frame={frame}
            name="reauth_code"
            label={words.code}
            hint={words.codeHint}
            autocomplete="one-time-code"
            spellcheck={false}
            errors={errors}
          />
        ) : null}
        <div class="actions">
          {/* The first button is the one Enter presses: the code's, when there is a code. */}
          <Button>{passkeyOnly ? passkeyWords.continue : words.submit}</Button>
          {offerPasskey && askCode ? (
            <Button secondary name="reauth_with" value="passkey">
              {passkeyWords.usePasskey}
            </Button>
          ) : null}
          <a href={cancel}>{words.cancel}</a>
        </div>
      </PostForm>
      {passkeyOnly ? (
        <noscript>
          <p class="passkey-note">{passkeyWords.noScriptOnly}</p>
        </noscript>
      ) : null}
    </>
  );
}

function PasskeyStep({ frame, action, carried, askCode, cancel, passkeyStep }: ConsoleReauthViewProps & { passkeyStep: ReauthPasskeyStep }) {
  const words = frame.locale.t.consoleReauth;
  return (
    <>
      <p>{words.passkeyIntro}</p>
      <PasskeyForm
        frame={frame}
        action={action}
        hidden={{ ...carried, challenge_token: passkeyStep.challengeToken }}
        button={words.passkeyButton}
        failed={words.passkeyFailed}
        noScript={askCode ? words.noScript : words.noScriptOnly}
        unsupported={askCode ? words.unsupported : words.unsupportedOnly}
      >
        <p>{frame.locale.t.secondStep.passkeyHint}</p>
      </PasskeyForm>
      {/* The challenge is not carried back: a code starts again from the password. */}
      {askCode ? (
        <div class="alternatives">
          <PostForm action={action} hidden={carried}>
            <Button secondary>{words.useCode}</Button>
          </PostForm>
        </div>
      ) : null}
      <p class="reauth-cancel">
        <a href={cancel}>{frame.locale.t.console.reauth.cancel}</a>
      </p>
    </>
  );
}
