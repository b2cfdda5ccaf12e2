/**
 * /account/two-factor: the authenticator app (TOTP) as the service reports it. Off: a
 * button that starts an enrolment. Enrolling: the QR code and the key to type, then the
 * code that turns it on. On: new recovery codes for a current code, or turning it off. Every
 * form posts without script; the recovery codes themselves are recovery-codes-view.tsx.
 */
import type { FormError } from '../pages/form.js';
import { AccountLayout } from './account-layout.js';
import { Button, ErrorSummary, Notice, PostForm, TextField } from './form.js';
import type { PageFrame } from './page-frame.js';
import { QrCode, type QrMatrix } from './qr-code.js';

export const TWO_FACTOR_PATH = '/account/two-factor';

/** A new secret to show: only in the answer to the post that began the enrolment. */
export interface Enrolment {
  secret: string;
  matrix: QrMatrix;
}

export type TwoFactorState = { kind: 'off' } | { kind: 'on' } | { kind: 'enrolling'; enrolment: Enrolment | null };

export interface TwoFactorViewProps {
  frame: PageFrame;
  state: TwoFactorState;
  errors?: readonly FormError[];
  notice?: string | undefined;
}

export function TwoFactorView({ frame, state, errors = [], notice }: TwoFactorViewProps) {
  const { t } = frame.locale;
  return (
    <AccountLayout frame={frame} title={t.twoFactor.title} current={TWO_FACTOR_PATH} hasErrors={errors.length > 0}>
      <ErrorSummary frame={frame} errors={errors} />
      {notice ? <Notice frame={frame} message={notice} /> : null}
      {state.kind === 'off' ? <Off frame={frame} /> : null}
      {state.kind === 'enrolling' ? <Enrolling frame={frame} enrolment={state.enrolment} errors={errors} /> : null}
      {state.kind === 'on' ? <On frame={frame} errors={errors} /> : null}
    </AccountLayout>
  );
}

function Off({ frame }: { frame: PageFrame }) {
  const { t } = frame.locale;
  return (
    <>
      <p>{t.twoFactor.offIntro}</p>
      <PostForm action={`${TWO_FACTOR_PATH}/enrol`}>
        <Button>{t.twoFactor.turnOn}</Button>
      </PostForm>
    </>
  );
}

function Enrolling({ frame, enrolment, errors }: { frame: PageFrame; enrolment: Enrolment | null; errors: readonly FormError[] }) {
  const { t } = frame.locale;
  return (
    <>
      {enrolment ? (
        <section aria-labelledby="scan-title">
          <h2 id="scan-title">{t.twoFactor.scanTitle}</h2>
          <p>{t.twoFactor.scan}</p>
          <QrCode matrix={enrolment.matrix} label={t.twoFactor.qrLabel} />
          <p>{t.twoFactor.manual}</p>
          <p>
            <code class="secret" id="totp-secret">
              {enrolment.secret}
            </code>
          </p>
        </section>
      ) : (
        <p>{t.twoFactor.confirmAgain}</p>
      )}
      <section aria-labelledby="confirm-title">
        <h2 id="confirm-title">{t.twoFactor.confirmTitle}</h2>
        <PostForm action={`${TWO_FACTOR_PATH}/confirm`}>
          <CodeField frame={frame} name="code" errors={errors} />
          <Button>{t.twoFactor.confirm}</Button>
        </PostForm>
      </section>
      <PostForm action={`${TWO_FACTOR_PATH}/enrol`} class="alternatives">
        <Button secondary>{t.twoFactor.startAgain}</Button>
      </PostForm>
    </>
  );
}

function On({ frame, errors }: { frame: PageFrame; errors: readonly FormError[] }) {
  const { t } = frame.locale;
  return (
    <>
      <p>{t.twoFactor.onIntro}</p>
      <section aria-labelledby="regenerate-title">
        <h2 id="regenerate-title">{t.twoFactor.regenerateTitle}</h2>
        <p>{t.twoFactor.regenerateIntro}</p>
        <PostForm action={`${TWO_FACTOR_PATH}/recovery-codes`}>
          <CodeField frame={frame} name="regenerate_code" errors={errors} />
          <Button>{t.twoFactor.regenerate}</Button>
        </PostForm>
      </section>
      <section aria-labelledby="off-title" class="alternatives">
        <h2 id="off-title">{t.twoFactor.offTitle}</h2>
        <p>{t.twoFactor.offIntro2}</p>
        <PostForm action={`${TWO_FACTOR_PATH}/disable`}>
          <TextField frame={frame} name="disable_code" label={t.twoFactor.offCodeLabel} errors={errors} autocomplete="off" spellcheck={false} />
          <Button secondary>{t.twoFactor.turnOff}</Button>
        </PostForm>
      </section>
    </>
  );
}

function CodeField({ frame, name, errors }: { frame: PageFrame; name: string; errors: readonly FormError[] }) {
  const { t } = frame.locale;
  return (
    <TextField
      frame={frame}
      name={name}
      label={t.twoFactor.codeLabel}
      hint={t.twoFactor.codeHint}
      errors={errors}
      autocomplete="one-time-code"
      inputMode="numeric"
      spellcheck={false}
    />
  );
}
