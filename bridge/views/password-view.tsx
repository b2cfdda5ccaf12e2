/**
 * /account/password: the current password and the new one twice. No value is ever written
 * back into a password field, not even after an error. With script, a live hint under the
 * new password gives the service's verdict on it for this account (password-meter.tsx).
 */
import type { FormError } from '../pages/form.js';
import { AccountLayout } from './account-layout.js';
import { Button, ErrorSummary, Notice, PostForm, TextField } from './form.js';
import type { PageFrame } from './page-frame.js';
import { PasswordMeter, type PasswordMeterProps } from './password-meter.js';

export interface PasswordViewProps {
  frame: PageFrame;
  errors?: readonly FormError[];
  notice?: string | undefined;
  /** The live strength hint's script (assets/password-strength.js). */
  hintScript: string;
  /** The signed-in account's words, which the service judges the new password with. */
  account?: PasswordMeterProps['account'];
}

export function PasswordView({ frame, errors = [], notice, hintScript, account }: PasswordViewProps) {
  const words = frame.locale.t.accountPages.password;
  return (
    <AccountLayout frame={frame} title={words.title} current="/account/password" hasErrors={errors.length > 0} scripts={[hintScript]}>
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
        <PasswordMeter field="new_password" account={account} />
        <TextField frame={frame} name="confirm_password" type="password" label={words.confirm} errors={errors} autocomplete="new-password" />
        <Button>{words.submit}</Button>
      </PostForm>
    </AccountLayout>
  );
}
