/**
 * Choosing a new password with the mailed link. The link's token travels in a hidden field
 * of the form, which posts it back; the page is sent with no Referer policy and never cached
 * (docs/recovery.md). Without a token (a link cut short, or one of an earlier release whose
 * token is in the fragment) the form is hidden and the page says how to get a link; the
 * optional script password-reset.js fills and shows the form from such a fragment.
 */
import type { FormError } from '../pages/form.js';
import { Button, ErrorSummary, PostForm, TextField } from './form.js';
import { Layout } from './layout.js';
import type { PageFrame } from './page-frame.js';
import { PasswordMeter } from './password-meter.js';

export type PasswordResetState =
  /** The form; `token` is '' when the address carried none. */
  | { kind: 'form'; token: string }
  /** A link that does not work (used, expired, unknown): the way to a new one. */
  | { kind: 'invalid'; message: string };

export interface PasswordResetViewProps {
  frame: PageFrame;
  state: PasswordResetState;
  errors?: readonly FormError[];
  /** The script file that reads a token from the fragment and tidies the address bar. */
  script: string;
  /** The live strength hint's script (assets/password-strength.js). */
  hintScript: string;
}

export function PasswordResetView({ frame, state, errors = [], script, hintScript }: PasswordResetViewProps) {
  const { t } = frame.locale;
  const askAgain = (
    <p>
      <a href="/forgot-password">{t.passwordReset.askAgain}</a>
    </p>
  );
  if (state.kind === 'invalid') {
    return (
      <Layout frame={frame} title={t.passwordReset.invalidTitle}>
        <h1>{t.passwordReset.invalidTitle}</h1>
        <p>{state.message}</p>
        {askAgain}
      </Layout>
    );
  }
  const hasToken = state.token !== '';
  return (
    <Layout frame={frame} title={t.passwordReset.title} hasErrors={errors.length > 0} scripts={[script, hintScript]}>
      <ErrorSummary frame={frame} errors={errors} />
      <h1>{t.passwordReset.title}</h1>
      <div id="reset-missing" hidden={hasToken}>
        <p>{t.passwordReset.noToken}</p>
        {askAgain}
      </div>
      <div id="reset-form" hidden={!hasToken}>
        <p>{t.passwordReset.intro}</p>
        <PostForm action="/password-reset" hidden={{ token: state.token }}>
          <TextField
            frame={frame}
            name="new_password"
            type="password"
            label={t.passwordReset.newPassword}
            hint={t.newPassword.hint}
            errors={errors}
            autocomplete="new-password"
          />
          <PasswordMeter field="new_password" />
          <TextField
            frame={frame}
            name="confirm_password"
            type="password"
            label={t.passwordReset.confirmPassword}
            errors={errors}
            autocomplete="new-password"
          />
          <Button>{t.passwordReset.submit}</Button>
        </PostForm>
      </div>
    </Layout>
  );
}
