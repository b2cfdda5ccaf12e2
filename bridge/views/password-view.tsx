/**
 * /account/password: the current password and the new one twice. No value is ever written
 * back into a password field, not even after an error.
 */
import type { FormError } from '../pages/form.js';
import { AccountLayout } from './account-layout.js';
import { Button, ErrorSummary, Notice, PostForm, TextField } from './form.js';
import type { PageFrame } from './page-frame.js';

export interface PasswordViewProps {
  frame: PageFrame;
  errors?: readonly FormError[];
  notice?: string | undefined;
}

export function PasswordView({ frame, errors = [], notice }: PasswordViewProps) {
  const words = frame.locale.t.accountPages.password;
  return (
    <AccountLayout frame={frame} title={words.title} current="/account/password" hasErrors={errors.length > 0}>
      <ErrorSummary frame={frame} errors={errors} />
      {notice ? <Notice frame={frame} message={notice} /> : null}
      <p>{words.intro}</p>
      <PostForm action="/account/password">
        <TextField frame={frame} name="current_password" type="password" label={words.current} errors={errors} autocomplete="current-password" />
        <TextField
          frame={frame}
          name="new_password"
          type="password"
          label={words.newPassword}
          hint={words.newHint}
          errors={errors}
          autocomplete="new-password"
        />
        <TextField frame={frame} name="confirm_password" type="password" label={words.confirm} errors={errors} autocomplete="new-password" />
        <Button>{words.submit}</Button>
      </PostForm>
    </AccountLayout>
  );
}
