/** The sign-in page: email and password, with the errors of the last try and the notice of a sign-out. */
import type { FormError } from '../pages/form.js';
import { Button, ErrorSummary, Notice, PostForm, TextField } from './form.js';
import { Layout } from './layout.js';
import type { PageFrame } from './page-frame.js';

export interface SignInViewProps {
  frame: PageFrame;
  email?: string;
  errors?: readonly FormError[];
  returnTo?: string | undefined;
  notice?: string | undefined;
}

export function SignInView({ frame, email = '', errors = [], returnTo, notice }: SignInViewProps) {
  const { t } = frame.locale;
  return (
    <Layout frame={frame} title={t.signIn.title} hasErrors={errors.length > 0}>
      <ErrorSummary frame={frame} errors={errors} />
      {notice ? <Notice frame={frame} message={notice} /> : null}
      <h1>{t.signIn.title}</h1>
      <PostForm action="/sign-in" returnTo={returnTo}>
        <TextField frame={frame} name="email" type="email" label={t.signIn.email} value={email} errors={errors} autocomplete="username" spellcheck={false} />
        <TextField frame={frame} name="password" type="password" label={t.signIn.password} errors={errors} autocomplete="current-password" />
        <Button>{t.signIn.submit}</Button>
      </PostForm>
    </Layout>
  );
}
