/**
 * /account, the signed-in landing page, and /sign-out. Both go by the session of the
 * request's cookies (pages/signed-in.ts, which every account page goes through): an access
 * token that has gone is refreshed first; without a working session /account goes to
 * /sign-in, and /sign-out has nothing left to end.
 */
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { readForm } from '../pages/form.js';
import { accessTokenOf, isExpiredToken, refreshedAccessToken, signedInPage } from '../pages/signed-in.js';
import { AccountView } from '../views/account-view.js';
import { callOptionsOf } from './call-options.js';
import type { PageRouteDependencies } from './page-dependencies.js';

export function accountPages(router: Router, deps: PageRouteDependencies): void {
  const { api, cookies, renderer } = deps;
  /** Ends the session `token` belongs to; false when the token had expired, so that only its refresh token can end it. */
  const endSession = async (ctx: Context, token: string): Promise<boolean> => {
    try {
      await api.logout({}, callOptionsOf(ctx, deps.callTimeoutMs, token));
      return true;
    } catch (error) {
      // Invalid or already revoked: there is no session left to end.
      if ((error as Partial<ServiceError>).code !== GrpcStatus.UNAUTHENTICATED) throw error;
      return !isExpiredToken(error);
    }
  };

  router.get(
    '/account',
    signedInPage(deps, async (ctx, call) => {
      const { client } = await api.getMe({}, call);
      if (!client) throw new Error('the service answered GetMe without a client');
      renderer.render(ctx, <AccountView frame={renderer.frame(ctx)} client={client} />);
    }),
  );

  router.post('/sign-out', async (ctx) => {
    await readForm(ctx, deps.bodyLimitBytes, []);
    // As POST /logout: the cookies go whatever happens next.
    cookies.clearSession(ctx);
    // A session whose access token has gone or expired is refreshed (the new cookies not kept) so that it ends here too.
    const access = accessTokenOf(ctx, deps);
    if (access === undefined || !(await endSession(ctx, access))) {
      const refreshed = await refreshedAccessToken(ctx, deps, false);
      if (refreshed !== undefined) await endSession(ctx, refreshed);
    }
    renderer.redirect(ctx, '/sign-in?notice=signed-out');
  });
}
