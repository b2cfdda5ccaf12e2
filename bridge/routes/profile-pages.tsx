/**
 * /account/profile (UpdateMyProfile) and /account/password (ChangePassword). Each GET shows
 * its form, each POST calls the service once and answers 303 back to the page with a
 * notice, or the form again with the service's reason beside the field it names. The
 * service decides what a valid name or password is; the pages only say it in words.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { ClientAuthCallOptions } from '../../src/sdk/typed-client.js';
import { type FormError, missingFields, readForm } from '../pages/form.js';
import { sectionFailure } from '../pages/section-failure.js';
import { signedInPage } from '../pages/signed-in.js';
import type { PageFrame } from '../views/page-frame.js';
import { PasswordView } from '../views/password-view.js';
import { ProfileView } from '../views/profile-view.js';
import type { PageRouteDependencies } from './page-dependencies.js';

const PROFILE_FIELDS = ['first_name', 'last_name'] as const;
const PASSWORD_FIELDS = ['current_password', 'new_password', 'confirm_password'] as const;

export function profilePages(router: Router, deps: PageRouteDependencies): void {
  const { api, renderer } = deps;
  const hintScript = renderer.assets.href('password-strength.js');
  /**
   * The account's words for the live strength hint, which ChangePassword judges the new
   * password with. Only the hint needs them: if they cannot be read, it judges without them.
   */
  const accountWords = async (call: ClientAuthCallOptions) => {
    const { client } = await api.getMe({}, call).catch(() => ({ client: undefined }));
    return client ? { email: client.email, firstName: client.firstName, lastName: client.lastName } : undefined;
  };

  router.get(
    '/account/profile',
    signedInPage(deps, async (ctx, call) => {
      const { client } = await api.getMe({}, call);
      if (!client) throw new Error('the service answered GetMe without a client');
      const frame = renderer.frame(ctx);
      const notice = ctx.query['notice'] === 'saved' ? frame.locale.t.accountPages.profile.saved : undefined;
      renderer.render(ctx, <ProfileView frame={frame} firstName={client.firstName} lastName={client.lastName} notice={notice} />);
    }),
  );

  router.post(
    '/account/profile',
    signedInPage(deps, async (ctx, call) => {
      const form = await readForm(ctx, deps.bodyLimitBytes, PROFILE_FIELDS);
      const frame = renderer.frame(ctx);
      const words = frame.locale.t.accountPages.profile;
      try {
        // Both names are sent: an empty one clears it, as the form shows.
        await api.updateMyProfile({ firstName: form.first_name, lastName: form.last_name }, call);
      } catch (error) {
        const { errors, failure } = sectionFailure(ctx, frame.locale, error, {
          invalid: { first_name: words.firstNameInvalid, last_name: words.lastNameInvalid },
        });
        const view = <ProfileView frame={frame} firstName={form.first_name} lastName={form.last_name} errors={errors} />;
        return renderer.render(ctx, view, { status: failure.status });
      }
      renderer.redirect(ctx, '/account/profile?notice=saved');
    }),
  );

  router.get(
    '/account/password',
    signedInPage(deps, async (ctx, call) => {
      const frame = renderer.frame(ctx);
      const notice = ctx.query['notice'] === 'changed' ? frame.locale.t.accountPages.password.changed : undefined;
      renderer.render(ctx, <PasswordView frame={frame} notice={notice} hintScript={hintScript} account={await accountWords(call)} />);
    }),
  );

  router.post(
    '/account/password',
    signedInPage(deps, async (ctx, call) => {
      const form = await readForm(ctx, deps.bodyLimitBytes, PASSWORD_FIELDS);
      const frame = renderer.frame(ctx);
      const again = async (errors: FormError[], status: number) =>
        renderer.render(ctx, <PasswordView frame={frame} errors={errors} hintScript={hintScript} account={await accountWords(call)} />, { status });
      const words = frame.locale.t.accountPages.password;
      const missing = missingFields(form, { current_password: words.currentMissing, new_password: words.newMissing, confirm_password: words.confirmMissing });
      if (missing.length > 0) return again(missing, 400);
      // Typed twice so a slip of the finger does not lock the reader out; the service never sees the copy.
      if (form.new_password !== form.confirm_password) return again([{ field: 'confirm_password', message: words.mismatch }], 400);
      try {
        // ChangePassword keeps the caller's own session and returns no tokens: this browser's cookies stay good.
        await api.changePassword({ currentPassword: form.current_password, newPassword: form.new_password }, call);
      } catch (error) {
        return again(...passwordFailure(ctx, frame, error));
      }
      renderer.redirect(ctx, '/account/password?notice=changed');
    }),
  );
}

/** A refused change, beside the field it is about: a wrong current password, or a new one the service will not take. */
function passwordFailure(ctx: Context, frame: PageFrame, error: unknown): [FormError[], number] {
  const words = frame.locale.t.accountPages.password;
  const { errors, failure } = sectionFailure(ctx, frame.locale, error, {
    invalid: { current_password: words.currentMissing, new_password: words.newInvalid },
    byReason: { INVALID_CREDENTIALS: 'current_password', PASSWORD_TOO_COMMON: 'new_password', PASSWORD_TOO_WEAK: 'new_password' },
  });
  // The catalogue's INVALID_CREDENTIALS speaks of an email too; here only the current password can be wrong.
  if (failure.reason === 'INVALID_CREDENTIALS') return [[{ field: 'current_password', message: words.currentWrong }], failure.status];
  return [errors, failure.status];
}
