/**
 * /account, the signed-in landing page, and /sign-out. Both read the session from the
 * access cookie the sign-in set; a missing or ended session goes to /sign-in
 * (pages/signed-in.ts, which every account page goes through).
 */
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { CookiePolicy } from '../cookie-policy.js';
import { readForm } from '../pages/form.js';
import { signedInPage } from '../pages/signed-in.js';
import { AccountView } from '../views/account-view.js';
import { callOptionsOf } from './call-options.js';
import type { PageRouteDependencies } from './page-dependencies.js';

export function accountPages(router: Router, deps: PageRouteDependencies): void {
  const { api, cookies, renderer } = deps;
  const sessionToken = (ctx: Context): string | undefined => {
    const token = cookies.readAccess(ctx);
    return token !== undefined && CookiePolicy.isTokenShaped(token) ? token : undefined;
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
    const token = sessionToken(ctx);
    if (token !== undefined) {
      try {
        await api.logout({}, callOptionsOf(ctx, deps.callTimeoutMs, token));
      } catch (error) {
        // Expired, invalid or already revoked: there is no session left to end.
        if ((error as Partial<ServiceError>).code !== GrpcStatus.UNAUTHENTICATED) throw error;
      }
    }
    renderer.redirect(ctx, '/sign-in?notice=signed-out');
  });
}
