/**
 * Asking for a password-reset link: the email form, and the answer after it, which is the
 * same whether or not an account has the address (the service's answer is too), so the page
 * tells nobody who has an account.
 */
import type { FormError } from '../pages/form.js';
import { Button, ErrorSummary, PostForm, TextField } from './form.js';
import { Layout } from './layout.js';
import type { PageFrame } from './page-frame.js';

export interface ForgotPasswordViewProps {
  frame: PageFrame;
  /** The answer after a request: check your email. */
  sent?: boolean;
  email?: string;
  errors?: readonly FormError[];
}

export function ForgotPasswordView({ frame, sent = false, email = '', errors = [] }: ForgotPasswordViewProps) {
  const { t } = frame.locale;
  const back = (
    <p class="other-ways">
      <a href="/sign-in">{t.forgotPassword.backToSignIn}</a>
    </p>
  );
  if (sent) {
    return (
      <Layout frame={frame} title={t.forgotPassword.sentTitle}>
        <h1>{t.forgotPassword.sentTitle}</h1>
        <p>{t.forgotPassword.sent}</p>
        <p>{t.forgotPassword.noMail}</p>
        <p>
          <a href="/forgot-password">{t.forgotPassword.askAgain}</a>
        </p>
        {back}
      </Layout>
    );
  }
  return (
    <Layout frame={frame} title={t.forgotPassword.title} hasErrors={errors.length > 0}>
      <ErrorSummary frame={frame} errors={errors} />
      <h1>{t.forgotPassword.title}</h1>
      <p>{t.forgotPassword.intro}</p>
      <PostForm action="/forgot-password">
        <TextField
          frame={frame}
          name="email"
          type="email"
          label={t.forgotPassword.email}
          value={email}
          errors={errors}
          autocomplete="username"
          spellcheck={false}
        />
        <Button>{t.forgotPassword.submit}</Button>
      </PostForm>
      {back}
    </Layout>
  );
}
