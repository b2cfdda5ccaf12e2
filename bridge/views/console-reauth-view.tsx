/**
 * The admin console's re-authentication: the password (and the second factor's code when
 * the admin has one) before an action, posted back to the action's own address with the
 * action's fields carried as they were (pages/console-action.tsx). It is a page of its own,
 * so a glance tells the operator why the action has not happened yet.
 */
import type { FormError } from '../pages/form.js';
import { ConsoleLayout } from './console-layout.js';
import type { ConsoleSectionKey } from './console-nav.js';
import { Button, ErrorSummary, PostForm, TextField } from './form.js';
import type { PageFrame } from './page-frame.js';

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
  /** ADMIN_REAUTH_MIN in words. */
  window: string;
  cancel: string;
  errors?: readonly FormError[];
}

export function ConsoleReauthView({ frame, adminEmail, section, action, carried, askCode, window, cancel, errors = [] }: ConsoleReauthViewProps) {
  const words = frame.locale.t.console.reauth;
  return (
    <ConsoleLayout frame={frame} title={words.title} current={section} adminEmail={adminEmail} hasErrors={errors.length > 0}>
      <ErrorSummary frame={frame} errors={errors} />
      <p>{words.intro(window)}</p>
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
          <Button>{words.submit}</Button>
          <a href={cancel}>{words.cancel}</a>
        </div>
      </PostForm>
    </ConsoleLayout>
  );
}
