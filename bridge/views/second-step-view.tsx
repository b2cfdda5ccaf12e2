/**
 * The second step of a sign-in, on the page the password was posted to: a code from the
 * authenticator app, or a recovery code. The challenge token the service issued travels
 * in a hidden field, never in an address (so no Referer or log holds it; the page is
 * never cached); the service uses it up at the first try, right or wrong.
 */
import type { FormError } from '../pages/form.js';
import { Button, ErrorSummary, PostForm, TextField } from './form.js';
import { Layout } from './layout.js';
import type { PageFrame } from './page-frame.js';

/** The second steps a page can take without script; passkeys need the browser's API. */
export type SecondStepMethod = 'totp' | 'recovery_code';

export interface SecondStepViewProps {
  frame: PageFrame;
  method: SecondStepMethod;
  /** What the next post carries: the challenge, the factors it allows, the email (to refill the sign-in form if the challenge is spent). */
  carried: { challenge_token: string; factors: string; email: string };
  /** The other method offered, when the challenge allows it. */
  alternative: SecondStepMethod | null;
  errors?: readonly FormError[];
  returnTo?: string | undefined;
}

export function SecondStepView({ frame, method, carried, alternative, errors = [], returnTo }: SecondStepViewProps) {
  const { t } = frame.locale;
  const field =
    method === 'totp' ? (
      <TextField
        frame={frame}
        name="totp_code"
        label={t.secondStep.totpLabel}
        hint={t.secondStep.totpHint}
        errors={errors}
        autocomplete="one-time-code"
        inputMode="numeric"
        spellcheck={false}
      />
    ) : (
      <TextField
        frame={frame}
        name="recovery_code"
        label={t.secondStep.recoveryLabel}
        hint={t.secondStep.recoveryHint}
        errors={errors}
        autocomplete="off"
        spellcheck={false}
      />
    );
  return (
    <Layout frame={frame} title={t.secondStep.title} hasErrors={errors.length > 0}>
      <ErrorSummary frame={frame} errors={errors} />
      <h1>{t.secondStep.title}</h1>
      <p>{t.secondStep.intro}</p>
      <PostForm action="/sign-in/second-step" returnTo={returnTo} hidden={{ ...carried, method }}>
        {field}
        <Button>{t.secondStep.submit}</Button>
      </PostForm>
      {alternative ? (
        <PostForm action="/sign-in/second-step" returnTo={returnTo} hidden={{ ...carried, switch_to: alternative }} class="alternatives">
          <Button secondary>{alternative === 'totp' ? t.secondStep.useTotp : t.secondStep.useRecoveryCode}</Button>
        </PostForm>
      ) : null}
    </Layout>
  );
}
