/**
 * /forgot-password (RequestPasswordReset) and /password-reset, the page the mailed link
 * opens (`?token=`; ResetPassword). The request is answered the same whether or not an
 * account has the address, as the service answers it. The reset page carries the token in
 * its form and is answered with no Referer (carriesToken); opening it spends nothing, the
 * post that sets the password does. Why the token is in the query: docs/adr/0012-reset-link-query.md.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { type FormError, missingFields, readForm } from '../pages/form.js';
import { formFailure } from '../pages/form-failure.js';
import { ForgotPasswordView } from '../views/forgot-password-view.js';
import type { PageFrame } from '../views/page-frame.js';
import { type PasswordResetState, PasswordResetView } from '../views/password-reset-view.js';
import { callOptionsOf } from './call-options.js';
import type { PageRouteDependencies } from './page-dependencies.js';

const RESET_FIELDS = ['token', 'new_password', 'confirm_password'] as const;

export function passwordResetPages(router: Router, deps: PageRouteDependencies): void {
  const { api, renderer } = deps;

  router.get('/forgot-password', (ctx) => {
    renderer.render(ctx, <ForgotPasswordView frame={renderer.frame(ctx)} sent={ctx.query['notice'] === 'sent'} />);
  });

  router.post('/forgot-password', async (ctx) => {
    const form = await readForm(ctx, deps.bodyLimitBytes, ['email']);
    const frame = renderer.frame(ctx);
    const { t } = frame.locale;
    const again = (errors: FormError[], status: number) =>
      renderer.render(ctx, <ForgotPasswordView frame={frame} email={form.email} errors={errors} />, { status });
    const missing = missingFields(form, { email: t.forgotPassword.emailMissing });
    if (missing.length > 0) return again(missing, 400);
    try {
      await api.requestPasswordReset({ email: form.email }, callOptionsOf(ctx, deps.callTimeoutMs));
    } catch (error) {
      const { errors, failure } = formFailure(ctx, frame.locale, error, { invalid: { email: t.forgotPassword.emailInvalid } });
      return again(errors, failure.status);
    }
    renderer.redirect(ctx, '/forgot-password?notice=sent');
  });

  const resetPage = (ctx: Context, frame: PageFrame, state: PasswordResetState, errors: FormError[] = [], status = 200) =>
    renderer.render(
      ctx,
      <PasswordResetView
        frame={frame}
        state={state}
        errors={errors}
        script={renderer.assets.href('password-reset.js')}
        hintScript={renderer.assets.href('password-strength.js')}
      />,
      {
        status,
        carriesToken: true,
      },
    );

  router.get('/password-reset', (ctx) => {
    const token = ctx.query['token'];
    resetPage(ctx, renderer.frame(ctx), { kind: 'form', token: typeof token === 'string' ? token : '' });
  });

  router.post('/password-reset', async (ctx) => {
    const form = await readForm(ctx, deps.bodyLimitBytes, RESET_FIELDS);
    const frame = renderer.frame(ctx);
    const { t } = frame.locale;
    const state: PasswordResetState = { kind: 'form', token: form.token };
    if (form.token === '') return resetPage(ctx, frame, state, [], 400);
    const missing = missingFields(form, { new_password: t.passwordReset.newPasswordMissing, confirm_password: t.passwordReset.confirmMissing });
    if (missing.length > 0) return resetPage(ctx, frame, state, missing, 400);
    if (form.new_password !== form.confirm_password)
      return resetPage(ctx, frame, state, [{ field: 'confirm_password', message: t.passwordReset.mismatch }], 400);
    try {
      await api.resetPassword({ token: form.token, newPassword: form.new_password }, callOptionsOf(ctx, deps.callTimeoutMs));
    } catch (error) {
      const { errors, failure } = formFailure(ctx, frame.locale, error, { invalid: { new_password: t.newPassword.invalid } });
      // The link itself does not work: the page offers a new one instead of the form.
      if (failure.reason === 'FEATURE_DISABLED') return resetPage(ctx, frame, { kind: 'invalid', message: errors[0]!.message }, [], failure.status);
      if (failure.reason === 'RESET_TOKEN_INVALID' || failure.field === 'token') {
        return resetPage(ctx, frame, { kind: 'invalid', message: t.reasons.RESET_TOKEN_INVALID }, [], failure.status);
      }
      return resetPage(ctx, frame, state, errors, failure.status);
    }
    renderer.redirect(ctx, '/sign-in?notice=password-changed');
  });
}
