/**
 * /account/delete: what deleting the account does (DeleteMyAccount's cascade), then the
 * password again to confirm; and the page shown once the account is gone.
 */
import type { FormError } from '../pages/form.js';
import { AccountLayout } from './account-layout.js';
import { Button, ErrorSummary, PostForm, TextField } from './form.js';
import { Layout } from './layout.js';
import type { PageFrame } from './page-frame.js';

export interface DeleteAccountViewProps {
  frame: PageFrame;
  errors?: readonly FormError[];
}

export function DeleteAccountView({ frame, errors = [] }: DeleteAccountViewProps) {
  const words = frame.locale.t.accountPages.deleteAccount;
  return (
    <AccountLayout frame={frame} title={words.title} current="/account/delete" hasErrors={errors.length > 0}>
      <ErrorSummary frame={frame} errors={errors} />
      <p>{words.intro}</p>
      <ul class="cascade">
        {words.cascade.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <PostForm action="/account/delete">
        <TextField
          frame={frame}
          name="password"
          type="password"
          label={words.password}
          hint={words.passwordHint}
          errors={errors}
          autocomplete="current-password"
        />
        <Button>{words.submit}</Button>
      </PostForm>
    </AccountLayout>
  );
}

/** After the deletion: nobody is signed in any more, so the page has no account sections. */
export function AccountDeletedView({ frame }: { frame: PageFrame }) {
  const { t } = frame.locale;
  const words = t.accountPages.deleteAccount;
  return (
    <Layout frame={frame} title={words.deletedTitle}>
      <h1>{words.deletedTitle}</h1>
      <div class="notice" role="status">
        <p>{words.deleted}</p>
      </div>
      <p>
        <a href="/sign-in">{t.errorPage.toSignIn}</a>
      </p>
    </Layout>
  );
}
