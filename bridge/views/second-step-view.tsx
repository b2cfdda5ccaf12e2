/**
 * The second step of a sign-in, on the page the password was posted to: a passkey, a code
 * from the authenticator app, or a recovery code, with a button for each other way the
 * challenge allows. The challenge token the service issued travels in a hidden field,
 * never in an address (so no Referer or log holds it; the page is never cached); the
 * service uses it up at the first try, right or wrong. A passkey needs script
 * (passkey-form.tsx); without it the page says so and the other ways still work.
 */
import type { FormError } from '../pages/form.js';
import { Button, ErrorSummary, PostForm, TextField } from './form.js';
import { Layout } from './layout.js';
import type { PageFrame } from './page-frame.js';
import { PasskeyForm } from './passkey-form.js';

export type SecondStepMethod = 'passkey' | 'totp' | 'recovery_code';

export interface SecondStepViewProps {
  frame: PageFrame;
  method: SecondStepMethod;
  /** What the next post carries: the challenge, the factors it allows, the email (to refill the sign-in form if the challenge is spent). */
  carried: { challenge_token: string; factors: string; email: string };
  /** The other methods the challenge allows, each offered with a button. */
  alternatives: readonly SecondStepMethod[];
  /** The passkey scripts' hrefs, loaded when the method is a passkey. */
  passkeyScripts: readonly string[];
  errors?: readonly FormError[];
  returnTo?: string | undefined;
}

export function SecondStepView({ frame, method, carried, alternatives, passkeyScripts, errors = [], returnTo }: SecondStepViewProps) {
  const { t } = frame.locale;
  const others = alternatives.length > 0;
  const switchLabel = { passkey: t.secondStep.usePasskey, totp: t.secondStep.useTotp, recovery_code: t.secondStep.useRecoveryCode };
  return (
    <Layout frame={frame} title={t.secondStep.title} hasErrors={errors.length > 0} scripts={method === 'passkey' ? passkeyScripts : []}>
      <ErrorSummary frame={frame} errors={errors} />
      <h1>{t.secondStep.title}</h1>
      <p>{t.secondStep.intro}</p>
      {method === 'passkey' ? (
        <PasskeyForm
          frame={frame}
          action="/sign-in/second-step"
          hidden={{ ...carried, method }}
          returnTo={returnTo}
          button={t.secondStep.passkeyButton}
          failed={t.secondStep.passkeyFailed}
          noScript={others ? t.secondStep.passkeyNoScript : t.secondStep.passkeyNoScriptOnly}
          unsupported={others ? t.secondStep.passkeyUnsupported : t.secondStep.passkeyUnsupportedOnly}
        >
          <p>{t.secondStep.passkeyHint}</p>
        </PasskeyForm>
      ) : (
        <PostForm action="/sign-in/second-step" returnTo={returnTo} hidden={{ ...carried, method }}>
          <CodeField frame={frame} method={method} errors={errors} />
          <Button>{t.secondStep.submit}</Button>
        </PostForm>
      )}
      {others ? (
        <div class="alternatives">
          {alternatives.map((alternative) => (
            <PostForm key={alternative} action="/sign-in/second-step" returnTo={returnTo} hidden={{ ...carried, switch_to: alternative }}>
              <Button secondary>{switchLabel[alternative]}</Button>
            </PostForm>
          ))}
        </div>
      ) : null}
    </Layout>
  );
}

function CodeField({ frame, method, errors }: { frame: PageFrame; method: 'totp' | 'recovery_code'; errors: readonly FormError[] }) {
  const { t } = frame.locale;
  return method === 'totp' ? (
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
}
