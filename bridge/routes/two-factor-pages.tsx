/**
 * /account/two-factor: turning the authenticator app (TOTP) on, new recovery codes, and
 * turning it off, each a form that posts without script. The service decides everything
 * (GetMySecondFactors says which state to show); the pages say it in words.
 *
 * Two answers are pages rather than 303s: the one that began an enrolment (it shows the new
 * secret, which exists nowhere the browser could fetch it from again) and the ones that
 * made recovery codes (shown this once). Both are never cached, and a reload posts again,
 * which either starts over or is refused: nothing is shown twice.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { ClientAuthCallOptions } from '../../src/sdk/typed-client.js';
import { type FormError, missingFields, readForm } from '../pages/form.js';
import { expectedFailureOf, failureMessage } from '../pages/page-failure.js';
import { signedInPage } from '../pages/signed-in.js';
import type { PageFrame } from '../views/page-frame.js';
import { qrMatrixOf } from '../views/qr-code.js';
import { RecoveryCodesView } from '../views/recovery-codes-view.js';
import { TWO_FACTOR_PATH, type TwoFactorState, TwoFactorView } from '../views/two-factor-view.js';
import type { PageRouteDependencies } from './page-dependencies.js';

export const TWO_FACTOR_PATHS = [TWO_FACTOR_PATH, ...['enrol', 'confirm', 'recovery-codes', 'disable'].map((step) => `${TWO_FACTOR_PATH}/${step}`)];

/** A code from the app is six digits; anything else offered to turn TOTP off is read as a recovery code. */
const APP_CODE = /^\d{6}$/;

export function twoFactorPages(router: Router, deps: PageRouteDependencies): void {
  const { api, renderer } = deps;

  const show = async (ctx: Context, call: ClientAuthCallOptions, options: { errors?: FormError[]; status?: number; notice?: string } = {}) => {
    const { totpEnabled } = await api.getMySecondFactors({}, call);
    const state: TwoFactorState = totpEnabled ? { kind: 'on' } : { kind: 'off' };
    renderer.render(ctx, <TwoFactorView frame={renderer.frame(ctx)} state={state} errors={options.errors} notice={options.notice} />, {
      status: options.status ?? 200,
    });
  };
  /** A refused call, worded beside `field` (or on the form when the service names no field of ours). */
  const refused = (ctx: Context, frame: PageFrame, error: unknown, field: string | undefined) => {
    const failure = expectedFailureOf(error);
    if (failure.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(failure.retryAfterSeconds));
    const message = failureMessage(frame.locale, failure);
    const onField = failure.reason === 'CODE_INVALID' || failure.reason === 'INVALID_ARGUMENT' || failure.reason === 'TOO_MANY_ATTEMPTS';
    return { errors: [onField && field ? { field, message } : { message }], status: failure.status, reason: failure.reason };
  };

  router.get(
    TWO_FACTOR_PATH,
    signedInPage(deps, async (ctx, call) => {
      const notice = ctx.query['notice'] === 'off' ? renderer.frame(ctx).locale.t.twoFactor.turnedOff : undefined;
      await show(ctx, call, { notice });
    }),
  );

  router.post(
    `${TWO_FACTOR_PATH}/enrol`,
    signedInPage(deps, async (ctx, call) => {
      await readForm(ctx, deps.bodyLimitBytes, []);
      const frame = renderer.frame(ctx);
      let begun: { secret: string; otpauthUri: string };
      try {
        begun = await api.beginTotpEnrollment({}, call);
      } catch (error) {
        const { errors, status } = refused(ctx, frame, error, undefined);
        return show(ctx, call, { errors, status });
      }
      const enrolment = { secret: begun.secret, matrix: await qrMatrixOf(begun.otpauthUri) };
      renderer.render(ctx, <TwoFactorView frame={frame} state={{ kind: 'enrolling', enrolment }} />);
    }),
  );

  router.post(
    `${TWO_FACTOR_PATH}/confirm`,
    signedInPage(deps, async (ctx, call) => {
      const form = await readForm(ctx, deps.bodyLimitBytes, ['code']);
      const frame = renderer.frame(ctx);
      const again = (errors: FormError[], status: number) =>
        renderer.render(ctx, <TwoFactorView frame={frame} state={{ kind: 'enrolling', enrolment: null }} errors={errors} />, { status });
      const missing = missingFields(form, { code: frame.locale.t.twoFactor.codeMissing });
      if (missing.length > 0) return again(missing, 400);
      let recoveryCodes: string[];
      try {
        ({ recoveryCodes } = await api.confirmTotpEnrollment({ code: form.code.trim() }, call));
      } catch (error) {
        const { errors, status, reason } = refused(ctx, frame, error, 'code');
        // Already on (a second tab), or never begun: the page of the state there is.
        if (reason === 'TOTP_ALREADY_ENABLED' || reason === 'TOTP_NOT_ENABLED') return show(ctx, call, { errors, status });
        return again(errors, status);
      }
      renderer.render(ctx, <RecoveryCodesView frame={frame} codes={recoveryCodes} occasion="enrolled" />);
    }),
  );

  router.post(
    `${TWO_FACTOR_PATH}/recovery-codes`,
    signedInPage(deps, async (ctx, call) => {
      const form = await readForm(ctx, deps.bodyLimitBytes, ['regenerate_code']);
      const frame = renderer.frame(ctx);
      const missing = missingFields(form, { regenerate_code: frame.locale.t.twoFactor.codeMissing });
      if (missing.length > 0) return show(ctx, call, { errors: missing, status: 400 });
      let recoveryCodes: string[];
      try {
        ({ recoveryCodes } = await api.regenerateRecoveryCodes({ code: form.regenerate_code.trim() }, call));
      } catch (error) {
        return show(ctx, call, refused(ctx, frame, error, 'regenerate_code'));
      }
      renderer.render(ctx, <RecoveryCodesView frame={frame} codes={recoveryCodes} occasion="replaced" />);
    }),
  );

  router.post(
    `${TWO_FACTOR_PATH}/disable`,
    signedInPage(deps, async (ctx, call) => {
      const form = await readForm(ctx, deps.bodyLimitBytes, ['disable_code']);
      const frame = renderer.frame(ctx);
      const missing = missingFields(form, { disable_code: frame.locale.t.twoFactor.offCodeMissing });
      if (missing.length > 0) return show(ctx, call, { errors: missing, status: 400 });
      const code = form.disable_code.trim();
      try {
        await api.disableTotp(APP_CODE.test(code) ? { code, recoveryCode: '' } : { code: '', recoveryCode: code }, call);
      } catch (error) {
        return show(ctx, call, refused(ctx, frame, error, 'disable_code'));
      }
      renderer.redirect(ctx, `${TWO_FACTOR_PATH}?notice=off`);
    }),
  );
}
