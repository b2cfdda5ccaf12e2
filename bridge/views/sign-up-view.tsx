/**
 * The sign-up page: email, password and, if the person wants, a name. The password's hint
 * is the guidance that passes the service's strength estimator; with script, a live hint
 * under the field gives the estimator's verdict as the person types (password-meter.tsx);
 * a refused password comes back with the estimator's own advice (pages/strength-advice.ts).
 * A password is never written back into the form.
 */
import type { FormError } from '../pages/form.js';
import { withReturn } from '../pages/return-to.js';
import { Button, ErrorSummary, PostForm, TextField } from './form.js';
import { Layout } from './layout.js';
import type { PageFrame } from './page-frame.js';
import { PasswordMeter } from './password-meter.js';

export interface SignUpViewProps {
  frame: PageFrame;
  values?: { email: string; first_name: string; last_name: string };
  errors?: readonly FormError[];
  returnTo?: string | undefined;
  /** The live strength hint's script (assets/password-strength.js). */
  hintScript: string;
}

export function SignUpView({ frame, values = { email: '', first_name: '', last_name: '' }, errors = [], returnTo, hintScript }: SignUpViewProps) {
  const { t } = frame.locale;
  return (
    <Layout frame={frame} title={t.signUp.title} hasErrors={errors.length > 0} scripts={[hintScript]}>
      <ErrorSummary frame={frame} errors={errors} />
      <h1>{t.signUp.title}</h1>
      <PostForm action="/sign-up" returnTo={returnTo}>
        <TextField
          frame={frame}
          name="email"
          type="email"
          label={t.signUp.email}
          hint={t.signUp.emailHint}
          value={values.email}
          errors={errors}
          autocomplete="username"
          spellcheck={false}
        />
        <TextField
          frame={frame}
          name="password"
          type="password"
          label={t.signUp.password}
          hint={t.newPassword.hint}
          errors={errors}
          autocomplete="new-password"
        />
        <PasswordMeter field="password" />
        <TextField frame={frame} name="first_name" label={t.signUp.firstName} value={values.first_name} errors={errors} autocomplete="given-name" />
        <TextField frame={frame} name="last_name" label={t.signUp.lastName} value={values.last_name} errors={errors} autocomplete="family-name" />
        <Button>{t.signUp.submit}</Button>
      </PostForm>
      <p class="other-ways">
        {t.signUp.haveAccount} <a href={withReturn('/sign-in', returnTo)}>{t.signUp.signIn}</a>
      </p>
    </Layout>
  );
}
