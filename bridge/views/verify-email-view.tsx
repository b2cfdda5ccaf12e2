/**
 * The email-verification page: the mailed link's button that confirms the address (the
 * token travels in its form, so opening the link spends nothing), what the post did
 * (confirmed, or a link that does not work), or, for a signed-in person whose address is
 * not confirmed yet, where the link went and a button for a new one.
 */
import type { FormError } from '../pages/form.js';
import { Button, ErrorSummary, Notice, PostForm } from './form.js';
import { Layout } from './layout.js';
import type { PageFrame } from './page-frame.js';

export type VerifyEmailState =
  /** The mailed link opened: a button posts its token. */
  | { kind: 'confirm'; token: string }
  /** The address is confirmed (by this link, or before); `email` when signed in; `continueTo` is where to go on. */
  | { kind: 'verified'; email?: string | undefined; continueTo: string }
  /** Signed in, not confirmed yet: the mail went to `email`; `notice` says what just happened. */
  | { kind: 'pending'; email: string; continueTo: string; notice?: 'signed-up' | 'sent' | undefined }
  /** A link that does not work; a new one can be asked for when signed in, else after signing in. */
  | { kind: 'invalid'; message: string; signedIn: boolean };

export interface VerifyEmailViewProps {
  frame: PageFrame;
  state: VerifyEmailState;
  errors?: readonly FormError[];
  returnTo?: string | undefined;
}

export function VerifyEmailView({ frame, state, errors = [], returnTo }: VerifyEmailViewProps) {
  const { t } = frame.locale;
  if (state.kind === 'verified') {
    return (
      <Layout frame={frame} title={t.verifyEmail.verifiedTitle}>
        <h1>{t.verifyEmail.verifiedTitle}</h1>
        <p>{state.email !== undefined ? t.verifyEmail.verified(state.email) : t.verifyEmail.verifiedSignedOut}</p>
        <p>
          <a href={state.continueTo}>{t.verifyEmail.continue}</a>
        </p>
      </Layout>
    );
  }
  if (state.kind === 'confirm') {
    return (
      <Layout frame={frame} title={t.verifyEmail.title}>
        <h1>{t.verifyEmail.title}</h1>
        <p>{t.verifyEmail.confirmIntro}</p>
        <PostForm action="/verify-email" hidden={{ token: state.token }}>
          <Button>{t.verifyEmail.confirm}</Button>
        </PostForm>
      </Layout>
    );
  }
  const newLink = (
    <PostForm action="/verify-email/new-link" returnTo={returnTo}>
      <Button secondary>{t.verifyEmail.newLink}</Button>
    </PostForm>
  );
  if (state.kind === 'invalid') {
    return (
      <Layout frame={frame} title={t.verifyEmail.invalidTitle} hasErrors={errors.length > 0}>
        <ErrorSummary frame={frame} errors={errors} />
        <h1>{t.verifyEmail.invalidTitle}</h1>
        <p>{state.message}</p>
        {state.signedIn ? (
          newLink
        ) : (
          <p>
            <a href="/sign-in?return_to=%2Fverify-email">{t.verifyEmail.signInForNewLink}</a>
          </p>
        )}
      </Layout>
    );
  }
  const notice = state.notice === 'signed-up' ? t.verifyEmail.signedUp : state.notice === 'sent' ? t.verifyEmail.sent(state.email) : undefined;
  return (
    <Layout frame={frame} title={t.verifyEmail.title} hasErrors={errors.length > 0}>
      <ErrorSummary frame={frame} errors={errors} />
      {notice ? <Notice frame={frame} message={notice} /> : null}
      <h1>{t.verifyEmail.title}</h1>
      <p>{t.verifyEmail.pending(state.email)}</p>
      <p>{t.verifyEmail.noMail}</p>
      {newLink}
      <p class="other-ways">
        <a href={state.continueTo}>{t.verifyEmail.continue}</a>
      </p>
    </Layout>
  );
}
