/**
 * The sign-in page: email and password, with the errors of the last try or a notice (signed
 * out, password changed, account created), and the ways to a forgotten password and to a new
 * account; and, when passkeys are on, a sign-in with a passkey alone (shown by script only:
 * passkey-form.tsx).
 */
import type { FormError } from '../pages/form.js';
import { withReturn } from '../pages/return-to.js';
import { Button, ErrorSummary, Notice, PostForm, TextField } from './form.js';
import { Layout } from './layout.js';
import type { PageFrame } from './page-frame.js';
import { PasskeyForm } from './passkey-form.js';

export interface SignInViewProps {
  frame: PageFrame;
  email?: string;
  errors?: readonly FormError[];
  returnTo?: string | undefined;
  notice?: string | undefined;
  /** Whether the service resets forgotten passwords (PASSWORD_RESET): the link to it shows only then. */
  passwordReset?: boolean;
  /** The passkey scripts' hrefs when the page offers a sign-in with a passkey; none: no passkey. */
  passkeyScripts?: readonly string[] | undefined;
}

export function SignInView({ frame, email = '', errors = [], returnTo, notice, passwordReset = true, passkeyScripts }: SignInViewProps) {
  const { t } = frame.locale;
  return (
    <Layout frame={frame} title={t.signIn.title} hasErrors={errors.length > 0} scripts={passkeyScripts ?? []}>
      <ErrorSummary frame={frame} errors={errors} />
      {notice ? <Notice frame={frame} message={notice} /> : null}
      <h1>{t.signIn.title}</h1>
      <PostForm action="/sign-in" returnTo={returnTo}>
        <TextField frame={frame} name="email" type="email" label={t.signIn.email} value={email} errors={errors} autocomplete="username" spellcheck={false} />
        <TextField frame={frame} name="password" type="password" label={t.signIn.password} errors={errors} autocomplete="current-password" />
        <Button>{t.signIn.submit}</Button>
      </PostForm>
      {passwordReset ? (
        <p class="other-ways">
          <a href="/forgot-password">{t.signIn.forgotPassword}</a>
        </p>
      ) : null}
      {passkeyScripts ? (
        <PasskeyForm
          frame={frame}
          action="/sign-in/passkey"
          returnTo={returnTo}
          button={t.signIn.passkeyButton}
          secondary
          failed={t.signIn.passkeyFailed}
          class="alternatives"
        >
          <h2>{t.signIn.passkeyTitle}</h2>
          <p>{t.signIn.passkeyHint}</p>
        </PasskeyForm>
      ) : null}
      <p class="other-ways">
        {t.signIn.noAccount} <a href={withReturn('/sign-up', returnTo)}>{t.signIn.signUp}</a>
      </p>
    </Layout>
  );
}
