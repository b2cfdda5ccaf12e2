/** The signed-in landing page: who is signed in, the account's sections, and the way out. */
import { AccountLayout } from './account-layout.js';
import { Button, PostForm } from './form.js';
import type { PageFrame } from './page-frame.js';

export interface AccountViewProps {
  frame: PageFrame;
  client: { firstName: string; lastName: string; email: string };
}

export function AccountView({ frame, client }: AccountViewProps) {
  const { t } = frame.locale;
  const name = [client.firstName, client.lastName].filter((part) => part !== '').join(' ');
  return (
    <AccountLayout frame={frame} title={t.account.title} current="/account">
      <dl class="summary-list">
        <dt>{t.account.name}</dt>
        <dd>{name || t.account.noName}</dd>
        <dt>{t.account.email}</dt>
        <dd>{client.email}</dd>
      </dl>
      <PostForm action="/sign-out">
        <Button secondary>{t.account.signOut}</Button>
      </PostForm>
    </AccountLayout>
  );
}
