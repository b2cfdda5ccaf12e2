/**
 * /sign-up: creates a user (RegisterUser) and signs it in (Login), as the sign-in page does.
 * When the service mails a verification link (EMAIL_VERIFICATION), the browser goes to the
 * verification page, which says where the link went; else to return_to or /account. When
 * the service lets nobody in before the address is confirmed (REQUIRE_VERIFIED_EMAIL), to
 * the sign-in page, which says so.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { LoginResponse } from '../../gen/clientauth/v1/client_auth.js';
import { missingFields, readForm } from '../pages/form.js';
import { formFailure } from '../pages/form-failure.js';
import { pageFailureOf } from '../pages/page-failure.js';
import { returnTarget, withReturn } from '../pages/return-to.js';
import { SignUpView } from '../views/sign-up-view.js';
import { callOptionsOf } from './call-options.js';
import type { PageRouteDependencies } from './page-dependencies.js';

const SIGN_UP_FIELDS = ['email', 'password', 'first_name', 'last_name', 'return_to'] as const;

export function signUpPages(router: Router, deps: PageRouteDependencies): void {
  const { api, cookies, renderer } = deps;
  const checkedReturn = (value: unknown) => returnTarget(value, deps.ui.returnToOrigins) ?? undefined;
  const hintScript = renderer.assets.href('password-strength.js');
  /** A sign-up on the way back into an OpenID interaction lets its form end at that client (PageRouteDependencies.formOriginsOf). */
  const formOrigins = async (returnTo: string | undefined) => (await deps.formOriginsOf?.(returnTo)) ?? [];

  /** The account exists: sign it in, or say on the sign-in page why that waits. */
  const signInNew = async (ctx: Context, email: string, password: string, returnTo: string | undefined) => {
    let session: LoginResponse;
    try {
      session = await api.login({ email, password }, callOptionsOf(ctx, deps.callTimeoutMs));
    } catch (error) {
      const failure = pageFailureOf(error);
      if (failure.reason === 'INTERNAL') throw error;
      const notice = failure.reason === 'EMAIL_NOT_VERIFIED' ? 'confirm-email' : 'signed-up';
      return renderer.redirect(ctx, withReturn('/sign-in', returnTo, { notice }));
    }
    // A new account has no second factor; should one be asked for, the sign-in page takes it.
    if (session.secondFactorChallenge) return renderer.redirect(ctx, withReturn('/sign-in', returnTo, { notice: 'signed-up' }));
    cookies.setSession(
      ctx,
      { value: session.accessToken, expiresAt: session.accessTokenExpireTime },
      { value: session.refreshToken, expiresAt: session.refreshTokenExpireTime },
    );
    renderer.redirect(ctx, deps.ui.emailVerification ? withReturn('/verify-email', returnTo, { notice: 'signed-up' }) : (returnTo ?? '/account'));
  };

  router.get('/sign-up', async (ctx) => {
    const returnTo = checkedReturn(ctx.query['return_to']);
    renderer.render(ctx, <SignUpView frame={renderer.frame(ctx)} returnTo={returnTo} hintScript={hintScript} />, { formOrigins: await formOrigins(returnTo) });
  });

  router.post('/sign-up', async (ctx) => {
    const form = await readForm(ctx, deps.bodyLimitBytes, SIGN_UP_FIELDS);
    const frame = renderer.frame(ctx);
    const { t } = frame.locale;
    const returnTo = checkedReturn(form.return_to);
    const values = { email: form.email, first_name: form.first_name, last_name: form.last_name };
    const missing = missingFields(form, { email: t.signUp.emailMissing, password: t.signUp.passwordMissing });
    if (missing.length > 0)
      return renderer.render(ctx, <SignUpView frame={frame} values={values} errors={missing} returnTo={returnTo} hintScript={hintScript} />, {
        status: 400,
        formOrigins: await formOrigins(returnTo),
      });
    try {
      await api.registerUser(
        { email: form.email, password: form.password, firstName: form.first_name, lastName: form.last_name, phoneNumber: '', attributes: {} },
        callOptionsOf(ctx, deps.callTimeoutMs),
      );
    } catch (error) {
      const { errors, failure } = formFailure(ctx, frame.locale, error, {
        invalid: { email: t.signUp.emailInvalid, password: t.newPassword.invalid, first_name: t.signUp.firstNameInvalid, last_name: t.signUp.lastNameInvalid },
        byReason: { EMAIL_TAKEN: 'email' },
      });
      return renderer.render(ctx, <SignUpView frame={frame} values={values} errors={errors} returnTo={returnTo} hintScript={hintScript} />, {
        status: failure.status,
        formOrigins: await formOrigins(returnTo),
      });
    }
    await signInNew(ctx, form.email, form.password, returnTo);
  });
}
