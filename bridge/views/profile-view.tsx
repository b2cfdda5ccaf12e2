/** /account/profile: the first and last name, filled in, and a notice once saved. */
import type { FormError } from '../pages/form.js';
import { AccountLayout } from './account-layout.js';
import { Button, ErrorSummary, Notice, PostForm, TextField } from './form.js';
import type { PageFrame } from './page-frame.js';

export interface ProfileViewProps {
  frame: PageFrame;
  firstName: string;
  lastName: string;
  errors?: readonly FormError[];
  notice?: string | undefined;
}

export function ProfileView({ frame, firstName, lastName, errors = [], notice }: ProfileViewProps) {
  const words = frame.locale.t.accountPages.profile;
  return (
    <AccountLayout frame={frame} title={words.title} current="/account/profile" hasErrors={errors.length > 0}>
      <ErrorSummary frame={frame} errors={errors} />
      {notice ? <Notice frame={frame} message={notice} /> : null}
      <p>{words.intro}</p>
      <PostForm action="/account/profile">
        <TextField frame={frame} name="first_name" label={words.firstName} hint={words.hint} value={firstName} errors={errors} autocomplete="given-name" />
        <TextField frame={frame} name="last_name" label={words.lastName} hint={words.hint} value={lastName} errors={errors} autocomplete="family-name" />
        <Button>{words.submit}</Button>
      </PostForm>
    </AccountLayout>
  );
}
