/**
 * A state-changing action of the admin console: the gate (console-gate.ts), then the
 * re-authentication the service asks for, then the action.
 *
 * The service decides whether the admin's session signed in recently enough
 * (CheckRecentSignIn, ADMIN_REAUTH_MIN). When it did not, the console answers the post
 * with the re-authentication page, which carries the action's own fields in hidden inputs
 * and posts back to the action's address with the password (and the second factor's
 * code). That post signs the admin in again (Login, then CompleteLogin: the same limits,
 * the same audit records as /sign-in), swaps the session cookies for the new session's,
 * ends the old session, and carries the action out with the carried fields, so the admin
 * never enters them twice. Why the fields travel in the page and not in a server-side
 * record: ADR 0018. The fields an action declares are its only ones, and none is a secret.
 *
 * An admin with a passkey confirms as on the sign-in page's second step: the password
 * earns a challenge, the page asks for the passkey with it (the sign-in page's script and
 * ceremony routes), and CompleteLogin verifies the assertion. Where the service asks for a
 * second factor the password alone never completes the action, and a session the
 * assertion started for anyone but this admin is ended and refused.
 */
import type { Context } from 'koa';
import type { Client } from '../../gen/clientauth/v1/client.js';
import type { LoginResponse } from '../../gen/clientauth/v1/client_auth.js';
import { SecondFactorKind } from '../../gen/clientauth/v1/second_factor.js';
import type { ClientAuthCallOptions } from '../../src/sdk/typed-client.js';
import type { Locale } from '../messages/catalogue.js';
import { callOptionsOf } from '../routes/call-options.js';
import type { PageRouteDependencies } from '../routes/page-dependencies.js';
import type { ConsoleSectionKey } from '../views/console-nav.js';
import { ConsoleReauthView, type ReauthPasskeyStep } from '../views/console-reauth-view.js';
import { adminPage } from './console-gate.js';
import { type FormError, type FormValues, readForm } from './form.js';
import { expectedFailureOf, failureMessage } from './page-failure.js';
import { PASSKEY_ASSERTION_FIELDS, passkeyAssertionOf } from './passkey-assertion.js';

/** ADMIN_REAUTH_MIN's default, said when the service named no window (a caller without a session). */
const DEFAULT_WINDOW_SECONDS = 15 * 60;

/** The re-authentication's own fields; an action never names a field of its own so. */
export const REAUTH_FIELDS = ['reauth_password', 'reauth_code', 'reauth_with', 'challenge_token', ...PASSKEY_ASSERTION_FIELDS] as const;

/** A console action's handler: `call` carries the admin's (perhaps just renewed) session, `form` the action's fields. */
export type AdminActionHandler<Name extends string> = (ctx: Context, call: ClientAuthCallOptions, admin: Client, form: FormValues<Name>) => Promise<void>;

export interface AdminActionOptions<Name extends string> {
  /** The fields the action reads from its form: carried through the re-authentication as they were posted. */
  fields: readonly Name[];
  /** The console section the action belongs to, marked in the re-authentication page's sections. */
  section: ConsoleSectionKey;
  /** Where "Cancel" on the re-authentication page leads: the page the action was started from. */
  cancel(ctx: Context): string;
  handler: AdminActionHandler<Name>;
}

type ActionDependencies = Pick<PageRouteDependencies, 'api' | 'cookies' | 'callTimeoutMs' | 'renderer' | 'bodyLimitBytes'>;

export function adminAction<Name extends string>(deps: ActionDependencies, options: AdminActionOptions<Name>): (ctx: Context) => Promise<void> {
  const { api, renderer } = deps;
  return adminPage(deps, async (ctx, call, admin) => {
    const posted = await readForm(ctx, deps.bodyLimitBytes, [...options.fields, ...REAUTH_FIELDS]);
    const form = Object.fromEntries(options.fields.map((name) => [name, posted[name]])) as FormValues<Name>;
    const recency = await api.checkRecentSignIn({}, call);
    if (recency.recent) return options.handler(ctx, call, admin, form);

    const frame = renderer.frame(ctx);
    const words = frame.locale.t.console.reauth;
    const [{ totpEnabled }, { passkeys }] = await Promise.all([api.getMySecondFactors({}, call), api.listPasskeys({}, call)]);
    const ask = (errors: FormError[] = [], status = 200, passkeyStep?: ReauthPasskeyStep) => {
      const view = (
        <ConsoleReauthView
          frame={frame}
          adminEmail={admin.email}
          section={options.section}
          action={ctx.path}
          carried={form}
          askCode={totpEnabled}
          offerPasskey={passkeys.length > 0}
          passkeyStep={passkeyStep}
          window={windowOf(frame.locale, recency)}
          cancel={options.cancel(ctx)}
          errors={errors}
        />
      );
      renderer.render(ctx, view, { status });
    };
    const passkeyStep = (challengeToken: string, errors: FormError[] = [], status = 200) =>
      ask(errors, status, { challengeToken, scripts: renderer.passkeyScripts });

    let session: Pick<LoginResponse, 'accessToken' | 'accessTokenExpireTime' | 'refreshToken' | 'refreshTokenExpireTime'>;
    try {
      if (posted.challenge_token !== '') {
        // The passkey step's post: the sign-in page's second step, on the challenge the password earned.
        const passkey = passkeyAssertionOf(posted);
        if (!passkey) return passkeyStep(posted.challenge_token, [{ message: frame.locale.t.consoleReauth.passkeyMissing }], 400);
        const completed = await api.completeLogin(
          { challengeToken: posted.challenge_token, totpCode: '', recoveryCode: '', passkey },
          callOptionsOf(ctx, deps.callTimeoutMs),
        );
        // The challenge came back from the browser: a session of anyone but this admin is no re-authentication.
        if (completed.client?.id !== admin.id) {
          await api.logout({}, callOptionsOf(ctx, deps.callTimeoutMs, completed.accessToken)).catch(() => undefined);
          return ask([{ message: frame.locale.t.consoleReauth.passkeyRefused }], 401);
        }
        session = completed;
      } else {
        // The first post of the action: nothing typed yet, so only the question.
        if (posted.reauth_password === '' && posted.reauth_code === '') return ask();
        if (posted.reauth_password === '') return ask([{ field: 'reauth_password', message: words.passwordMissing }], 400);
        const login = await api.login({ email: admin.email, password: posted.reauth_password }, callOptionsOf(ctx, deps.callTimeoutMs));
        session = login;
        const challenge = login.secondFactorChallenge;
        if (challenge) {
          const codes = challenge.factors.some(
            (kind) => kind === SecondFactorKind.SECOND_FACTOR_KIND_TOTP || kind === SecondFactorKind.SECOND_FACTOR_KIND_RECOVERY_CODE,
          );
          const passkey = challenge.factors.includes(SecondFactorKind.SECOND_FACTOR_KIND_PASSKEY);
          // The password alone is never enough where a second factor is: the passkey is asked for next.
          if (passkey && (posted.reauth_with === 'passkey' || !codes)) return passkeyStep(challenge.challengeToken);
          if (!codes) throw new Error(`the service asked for a second factor the console does not know (${challenge.factors})`);
          const code = posted.reauth_code.trim();
          if (code === '') return ask([{ field: 'reauth_code', message: words.codeMissing }], 400);
          // Six digits are the app's code; anything else can only be a recovery code.
          const factor = /^\d{6}$/.test(code) ? { totpCode: code, recoveryCode: '' } : { totpCode: '', recoveryCode: code };
          session = await api.completeLogin({ challengeToken: challenge.challengeToken, ...factor }, callOptionsOf(ctx, deps.callTimeoutMs));
        }
      }
    } catch (error) {
      const failure = expectedFailureOf(error);
      if (failure.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(failure.retryAfterSeconds));
      // The service spends a challenge at the first try, right or wrong: a refused passkey starts again from the password.
      if (posted.challenge_token !== '') {
        const message = failure.reason === 'SECOND_FACTOR_INVALID' ? frame.locale.t.consoleReauth.passkeyRefused : failureMessage(frame.locale, failure);
        return ask([{ message }], failure.status);
      }
      const field = failure.reason === 'SECOND_FACTOR_INVALID' ? 'reauth_code' : 'reauth_password';
      return ask([{ field, message: failureMessage(frame.locale, failure) }], failure.status);
    }
    const renewed = callOptionsOf(ctx, deps.callTimeoutMs, session.accessToken);
    // The same person signed in again: the new session replaces the one that was too old.
    deps.cookies.setSession(
      ctx,
      { value: session.accessToken, expiresAt: session.accessTokenExpireTime },
      { value: session.refreshToken, expiresAt: session.refreshTokenExpireTime },
    );
    await api.logout({}, call).catch(() => undefined);
    await options.handler(ctx, renewed, admin, form);
  });
}

/** ADMIN_REAUTH_MIN in words, as the service applies it (the bridge may run apart from it, with other variables). */
function windowOf(locale: Locale, recency: { signInTime: Date | undefined; recentUntilTime: Date | undefined }): string {
  const { signInTime, recentUntilTime } = recency;
  const seconds = signInTime && recentUntilTime ? (recentUntilTime.getTime() - signInTime.getTime()) / 1000 : DEFAULT_WINDOW_SECONDS;
  return locale.wait(seconds);
}
