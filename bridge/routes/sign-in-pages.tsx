/**
 * /sign-in: email and password, then, when the account has one, the second step on the
 * page the password was posted to (a passkey, a code from the authenticator app or a
 * recovery code); or, when passkeys are on, a passkey alone (POST /sign-in/passkey). A
 * finished sign-in sets the session cookies and answers 303 to return_to when
 * UI_RETURN_TO_ORIGINS allows it (pages/return-to.ts), else to /account. A passkey's
 * ceremony runs in the browser (views/passkey-form.tsx); its assertion is posted here
 * like a code.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { LoginResponse } from '../../gen/clientauth/v1/client_auth.js';
import type { LoginChallenge } from '../../gen/clientauth/v1/second_factor.js';
import { type FormError, missingFields, readForm } from '../pages/form.js';
import { expectedFailureOf, failureMessage, type PageFailure } from '../pages/page-failure.js';
import { PASSKEY_ASSERTION_FIELDS, passkeyAssertionOf } from '../pages/passkey-assertion.js';
import { returnTarget } from '../pages/return-to.js';
import type { PageFrame } from '../views/page-frame.js';
import { type SecondStepMethod, SecondStepView } from '../views/second-step-view.js';
import { SignInView } from '../views/sign-in-view.js';
import { callOptionsOf } from './call-options.js';
import type { PageRouteDependencies } from './page-dependencies.js';
import { FACTOR_NAMES } from './second-factor-routes.js';

const SIGN_IN_FIELDS = ['email', 'password', 'return_to'] as const;
const SECOND_STEP_FIELDS = [
  'challenge_token',
  'factors',
  'email',
  'method',
  'switch_to',
  'totp_code',
  'recovery_code',
  ...PASSKEY_ASSERTION_FIELDS,
  'return_to',
] as const;
/** What a finished sign-in hands the browser, whichever way it went. */
type IssuedSession = Pick<LoginResponse, 'accessToken' | 'accessTokenExpireTime' | 'refreshToken' | 'refreshTokenExpireTime'>;
/** Where the summary points for a failure the service reports on no field. */
const FIELD_OF_REASON: Partial<Record<string, string>> = { INVALID_CREDENTIALS: 'password' };
/** The order the second step offers the methods in: a passkey first, the strongest and quickest. */
const METHOD_ORDER: readonly SecondStepMethod[] = ['passkey', 'totp', 'recovery_code'];

export function signInPages(router: Router, deps: PageRouteDependencies): void {
  const { api, cookies, renderer } = deps;
  /** A return_to we may follow, else nothing: an unchecked one is never carried on. */
  const checkedReturn = (value: unknown) => returnTarget(value, deps.ui.returnToOrigins) ?? undefined;
  /** A page leading back into an OpenID interaction lets its form end at that client (PageRouteDependencies.formOriginsOf). */
  const formOriginsOf = async (returnTo: string | undefined) => ({ formOrigins: (await deps.formOriginsOf?.(returnTo)) ?? [] });

  /** The scripts of the passwordless passkey, when the service takes passkeys (UiConfig.passkeys). */
  const passkeyScripts = deps.ui.passkeys ? renderer.passkeyScripts : undefined;

  const signInAgain = async (ctx: Context, frame: PageFrame, input: { email: string; returnTo?: string | undefined }, errors: FormError[], status: number) => {
    const view = (
      <SignInView
        frame={frame}
        email={input.email}
        errors={errors}
        returnTo={input.returnTo}
        passwordReset={deps.ui.passwordReset}
        passkeyScripts={passkeyScripts}
      />
    );
    renderer.render(ctx, view, { status, ...(await formOriginsOf(input.returnTo)) });
  };
  /**
   * The failure as the form's error, on the field at fault when the password form is. A
   * `message` words it for the way it was tried, where the catalogue's reason would not fit.
   */
  const failed = (ctx: Context, frame: PageFrame, failure: PageFailure, options: { message?: string | undefined; onField?: boolean } = {}): FormError[] => {
    if (failure.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(failure.retryAfterSeconds));
    const message = options.message ?? failureMessage(frame.locale, failure);
    if (options.onField === false) return [{ message }];
    const field = FIELD_OF_REASON[failure.reason] ?? (failure.field === 'email' || failure.field === 'password' ? failure.field : undefined);
    return [field ? { field, message } : { message }];
  };
  const signedIn = (ctx: Context, session: IssuedSession, returnTo: string | undefined) => {
    cookies.setSession(
      ctx,
      { value: session.accessToken, expiresAt: session.accessTokenExpireTime },
      { value: session.refreshToken, expiresAt: session.refreshTokenExpireTime },
    );
    renderer.redirect(ctx, returnTo ?? '/account');
  };

  router.get('/sign-in', async (ctx) => {
    const frame = renderer.frame(ctx);
    const notice = noticeOf(frame, ctx.query['notice']);
    const returnTo = checkedReturn(ctx.query['return_to']);
    renderer.render(
      ctx,
      <SignInView frame={frame} returnTo={returnTo} notice={notice} passwordReset={deps.ui.passwordReset} passkeyScripts={passkeyScripts} />,
      await formOriginsOf(returnTo),
    );
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
    const factors = factorNames(session.secondFactorChallenge);
    const [method, ...alternatives] = methodsOf(factors);
    if (method === undefined) throw new Error(`the service asked for a second factor these pages do not know (${factors})`);
    const carried = { challenge_token: session.secondFactorChallenge.challengeToken, factors, email: form.email };
    const view = (
      <SecondStepView
        frame={frame}
        method={method}
        alternatives={alternatives}
        carried={carried}
        returnTo={input.returnTo}
        passkeyScripts={renderer.passkeyScripts}
      />
    );
    renderer.render(ctx, view, await formOriginsOf(input.returnTo));
  });

  router.post('/sign-in/second-step', async (ctx) => {
    const form = await readForm(ctx, deps.bodyLimitBytes, SECOND_STEP_FIELDS);
    const frame = renderer.frame(ctx);
    const { t } = frame.locale;
    const returnTo = checkedReturn(form.return_to);
    const methods = methodsOf(form.factors);
    const carried = { challenge_token: form.challenge_token, factors: form.factors, email: form.email };
    const step = async (method: SecondStepMethod, errors: FormError[] = [], status = 200) => {
      const alternatives = methods.filter((other) => other !== method);
      const view = (
        <SecondStepView
          frame={frame}
          method={method}
          alternatives={alternatives}
          carried={carried}
          errors={errors}
          returnTo={returnTo}
          passkeyScripts={renderer.passkeyScripts}
        />
      );
      renderer.render(ctx, view, { status, ...(await formOriginsOf(returnTo)) });
    };
    const switchTo = methods.find((method) => method === form.switch_to);
    if (switchTo) return step(switchTo);
    const method = methods.find((candidate) => candidate === form.method) ?? methods[0] ?? 'totp';
    let factor: { totpCode: string; recoveryCode: string; passkey: { ceremonyToken: string; response: Record<string, unknown> } | undefined };
    if (method === 'passkey') {
      const passkey = passkeyAssertionOf(form);
      if (!passkey) return step(method, [{ message: t.secondStep.passkeyMissing }], 400);
      factor = { totpCode: '', recoveryCode: '', passkey };
    } else {
      const missing =
        method === 'totp' ? missingFields(form, { totp_code: t.secondStep.totpMissing }) : missingFields(form, { recovery_code: t.secondStep.recoveryMissing });
      if (missing.length > 0) return step(method, missing, 400);
      factor =
        method === 'totp'
          ? { totpCode: form.totp_code.trim(), recoveryCode: '', passkey: undefined }
          : { totpCode: '', recoveryCode: form.recovery_code.trim(), passkey: undefined };
    }
    let session: IssuedSession;
    try {
      session = await api.completeLogin({ challengeToken: form.challenge_token, ...factor }, callOptionsOf(ctx, deps.callTimeoutMs));
    } catch (error) {
      // The service spends the challenge at the first try, right or wrong: the way on is the password again.
      const failure = expectedFailureOf(error);
      const refusedPasskey = method === 'passkey' && failure.reason === 'SECOND_FACTOR_INVALID';
      const errors = failed(ctx, frame, { ...failure, field: undefined }, { message: refusedPasskey ? t.secondStep.passkeyRefused : undefined });
      return signInAgain(ctx, frame, { email: form.email, returnTo }, errors, failure.status);
    }
    signedIn(ctx, session, returnTo);
  });

  // A passkey instead of email and password: the page's script posts the assertion of a discoverable credential.
  if (deps.ui.passkeys)
    router.post('/sign-in/passkey', async (ctx) => {
      const form = await readForm(ctx, deps.bodyLimitBytes, [...PASSKEY_ASSERTION_FIELDS, 'return_to']);
      const frame = renderer.frame(ctx);
      const { t } = frame.locale;
      const input = { email: '', returnTo: checkedReturn(form.return_to) };
      const passkey = passkeyAssertionOf(form);
      if (!passkey) return signInAgain(ctx, frame, input, [{ message: t.signIn.passkeyMissing }], 400);
      let session: IssuedSession;
      try {
        session = await api.finishPasskeyLogin(passkey, callOptionsOf(ctx, deps.callTimeoutMs));
      } catch (error) {
        const failure = expectedFailureOf(error);
        // The service answers a passkey it does not know as it answers a wrong password; the words say passkey.
        const message = failure.reason === 'INVALID_CREDENTIALS' ? t.signIn.passkeyRefused : undefined;
        return signInAgain(ctx, frame, input, failed(ctx, frame, failure, { message, onField: false }), failure.status);
      }
      signedIn(ctx, session, input.returnTo);
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

/** The methods these pages offer of a challenge's factors, in METHOD_ORDER. */
function methodsOf(factors: string): SecondStepMethod[] {
  const named = factors.split(',');
  return METHOD_ORDER.filter((method) => named.includes(method));
}
