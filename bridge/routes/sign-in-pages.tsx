/**
 * /sign-in: email and password, then, when the account has one, the second step on the
 * page the password was posted to (a code from the authenticator app or a recovery code).
 * A finished sign-in sets the session cookies and answers 303 to return_to when
 * UI_RETURN_TO_ORIGINS allows it (pages/return-to.ts), else to /account.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { LoginResponse } from '../../gen/clientauth/v1/client_auth.js';
import type { CompleteLoginResponse, LoginChallenge } from '../../gen/clientauth/v1/second_factor.js';
import { type FormError, missingFields, readForm } from '../pages/form.js';
import { expectedFailureOf, failureMessage, type PageFailure } from '../pages/page-failure.js';
import { returnTarget } from '../pages/return-to.js';
import type { PageFrame } from '../views/page-frame.js';
import { type SecondStepMethod, SecondStepView } from '../views/second-step-view.js';
import { SignInView } from '../views/sign-in-view.js';
import { callOptionsOf } from './call-options.js';
import type { PageRouteDependencies } from './page-dependencies.js';
import { FACTOR_NAMES } from './second-factor-routes.js';

const SIGN_IN_FIELDS = ['email', 'password', 'return_to'] as const;
const SECOND_STEP_FIELDS = ['challenge_token', 'factors', 'email', 'method', 'switch_to', 'totp_code', 'recovery_code', 'return_to'] as const;
/** Where the summary points for a failure the service reports on no field. */
const FIELD_OF_REASON: Partial<Record<string, string>> = { INVALID_CREDENTIALS: 'password' };

export function signInPages(router: Router, deps: PageRouteDependencies): void {
  const { api, cookies, renderer } = deps;
  /** A return_to we may follow, else nothing: an unchecked one is never carried on. */
  const checkedReturn = (value: unknown) => returnTarget(value, deps.ui.returnToOrigins) ?? undefined;

  const signInAgain = (ctx: Context, frame: PageFrame, input: { email: string; returnTo?: string | undefined }, errors: FormError[], status: number) => {
    renderer.render(ctx, <SignInView frame={frame} email={input.email} errors={errors} returnTo={input.returnTo} passwordReset={deps.ui.passwordReset} />, {
      status,
    });
  };
  const failed = (ctx: Context, frame: PageFrame, failure: PageFailure): FormError[] => {
    if (failure.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(failure.retryAfterSeconds));
    const field = FIELD_OF_REASON[failure.reason] ?? (failure.field === 'email' || failure.field === 'password' ? failure.field : undefined);
    const message = failureMessage(frame.locale, failure);
    return [field ? { field, message } : { message }];
  };
  const signedIn = (ctx: Context, session: LoginResponse | CompleteLoginResponse, returnTo: string | undefined) => {
    cookies.setSession(
      ctx,
      { value: session.accessToken, expiresAt: session.accessTokenExpireTime },
      { value: session.refreshToken, expiresAt: session.refreshTokenExpireTime },
    );
    renderer.redirect(ctx, returnTo ?? '/account');
  };

  router.get('/sign-in', (ctx) => {
    const frame = renderer.frame(ctx);
    const notice = noticeOf(frame, ctx.query['notice']);
    renderer.render(ctx, <SignInView frame={frame} returnTo={checkedReturn(ctx.query['return_to'])} notice={notice} passwordReset={deps.ui.passwordReset} />);
  });

  router.post('/sign-in', async (ctx) => {
    const form = await readForm(ctx, deps.bodyLimitBytes, SIGN_IN_FIELDS);
    const frame = renderer.frame(ctx);
    const input = { email: form.email, returnTo: checkedReturn(form.return_to) };
    const missing = missingFields(form, { email: frame.locale.t.signIn.emailMissing, password: frame.locale.t.signIn.passwordMissing });
    if (missing.length > 0) return signInAgain(ctx, frame, input, missing, 400);
    let session: LoginResponse;
    try {
      session = await api.login({ email: form.email, password: form.password }, callOptionsOf(ctx, deps.callTimeoutMs));
    } catch (error) {
      const failure = expectedFailureOf(error);
      return signInAgain(ctx, frame, input, failed(ctx, frame, failure), failure.status);
    }
    if (!session.secondFactorChallenge) return signedIn(ctx, session, input.returnTo);
    const methods = methodsOf(factorNames(session.secondFactorChallenge));
    if (methods.length === 0) throw new Error('the service asked for a second factor these pages cannot take yet (a passkey alone)');
    const carried = { challenge_token: session.secondFactorChallenge.challengeToken, factors: factorNames(session.secondFactorChallenge), email: form.email };
    renderer.render(ctx, <SecondStepView frame={frame} method={methods[0]!} alternative={methods[1] ?? null} carried={carried} returnTo={input.returnTo} />);
  });

  router.post('/sign-in/second-step', async (ctx) => {
    const form = await readForm(ctx, deps.bodyLimitBytes, SECOND_STEP_FIELDS);
    const frame = renderer.frame(ctx);
    const { t } = frame.locale;
    const returnTo = checkedReturn(form.return_to);
    const methods = methodsOf(form.factors);
    const carried = { challenge_token: form.challenge_token, factors: form.factors, email: form.email };
    const step = (method: SecondStepMethod, errors: FormError[] = [], status = 200) => {
      const alternative = methods.find((other) => other !== method) ?? null;
      renderer.render(ctx, <SecondStepView frame={frame} method={method} alternative={alternative} carried={carried} errors={errors} returnTo={returnTo} />, {
        status,
      });
    };
    const switchTo = methods.find((method) => method === form.switch_to);
    if (switchTo) return step(switchTo);
    const method = methods.find((candidate) => candidate === form.method) ?? methods[0] ?? 'totp';
    const missing =
      method === 'totp' ? missingFields(form, { totp_code: t.secondStep.totpMissing }) : missingFields(form, { recovery_code: t.secondStep.recoveryMissing });
    if (missing.length > 0) return step(method, missing, 400);
    let session: CompleteLoginResponse;
    try {
      const code = method === 'totp' ? { totpCode: form.totp_code.trim(), recoveryCode: '' } : { totpCode: '', recoveryCode: form.recovery_code.trim() };
      session = await api.completeLogin({ challengeToken: form.challenge_token, ...code, passkey: undefined }, callOptionsOf(ctx, deps.callTimeoutMs));
    } catch (error) {
      // The service spends the challenge at the first try, right or wrong: the way on is the password again.
      const failure = expectedFailureOf(error);
      return signInAgain(ctx, frame, { email: form.email, returnTo }, failed(ctx, frame, { ...failure, field: undefined }), failure.status);
    }
    signedIn(ctx, session, returnTo);
  });
}

/** The notice another page sends the browser here with (`?notice=`): only these words, never the query's. */
function noticeOf(frame: PageFrame, notice: unknown): string | undefined {
  const { signIn } = frame.locale.t;
  const notices: Readonly<Record<string, string>> = {
    'signed-out': signIn.signedOut,
    'password-changed': signIn.passwordChanged,
    'signed-up': signIn.signedUp,
    'confirm-email': signIn.confirmEmail,
  };
  return typeof notice === 'string' && Object.hasOwn(notices, notice) ? notices[notice] : undefined;
}

/** The challenge's factors by name ('totp,recovery_code,passkey'), as the next post carries them. */
function factorNames(challenge: LoginChallenge): string {
  return challenge.factors.map((kind) => FACTOR_NAMES[kind]).join(',');
}

/** The methods these pages offer of a challenge's factors, the first one first; passkeys are not among them yet. */
function methodsOf(factors: string): SecondStepMethod[] {
  const named = factors.split(',');
  return (['totp', 'recovery_code'] as const).filter((method) => named.includes(method));
}
