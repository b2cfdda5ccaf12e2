/**
 * /account/delete: DeleteMyAccount once the password is entered again. A wrong password
 * deletes nothing and says so beside the field; a deletion clears the cookies and sends
 * the browser to /account/deleted, which says the account is gone (no one is signed in
 * to show it to, so it needs no session).
 */
import type Router from '@koa/router';
import { missingFields, readForm } from '../pages/form.js';
import { sectionFailure } from '../pages/section-failure.js';
import { signedInPage } from '../pages/signed-in.js';
import { AccountDeletedView, DeleteAccountView } from '../views/delete-account-view.js';
import type { PageRouteDependencies } from './page-dependencies.js';

export function accountDeletionPages(router: Router, deps: PageRouteDependencies): void {
  const { api, cookies, renderer } = deps;

  router.get(
    '/account/delete',
    signedInPage(deps, async (ctx) => renderer.render(ctx, <DeleteAccountView frame={renderer.frame(ctx)} />)),
  );

  router.post(
    '/account/delete',
    signedInPage(deps, async (ctx, call) => {
      const form = await readForm(ctx, deps.bodyLimitBytes, ['password']);
      const frame = renderer.frame(ctx);
      const words = frame.locale.t.accountPages.deleteAccount;
      const missing = missingFields(form, { password: words.passwordMissing });
      if (missing.length > 0) return renderer.render(ctx, <DeleteAccountView frame={frame} errors={missing} />, { status: 400 });
      try {
        await api.deleteMyAccount({ password: form.password }, call);
      } catch (error) {
        const { errors, failure } = sectionFailure(ctx, frame.locale, error, {
          invalid: { password: words.passwordMissing },
          byReason: { INVALID_CREDENTIALS: 'password' },
        });
        const shown = failure.reason === 'INVALID_CREDENTIALS' ? [{ field: 'password', message: words.passwordWrong }] : errors;
        return renderer.render(ctx, <DeleteAccountView frame={frame} errors={shown} />, { status: failure.status });
      }
      // The account and every session are gone: the cookies are dead weight.
      cookies.clearSession(ctx);
      renderer.redirect(ctx, '/account/deleted');
    }),
  );

  router.get('/account/deleted', (ctx) => renderer.render(ctx, <AccountDeletedView frame={renderer.frame(ctx)} />));
}
