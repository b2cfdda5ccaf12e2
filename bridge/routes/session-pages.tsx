/**
 * /account/sessions (ListMySessions; EndMySession and EndMyOtherSessions from its forms)
 * and /account/sign-ins (ListMySignIns, a page at a time). Ending the browser's own
 * session from here signs it out: its cookies go and it is sent to /sign-in, as after
 * /sign-out.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { ClientAuthCallOptions } from '../../src/sdk/typed-client.js';
import type { FormError } from '../pages/form.js';
import { readForm } from '../pages/form.js';
import { sectionFailure } from '../pages/section-failure.js';
import { signedInPage } from '../pages/signed-in.js';
import { SessionsView } from '../views/sessions-view.js';
import { SignInsView } from '../views/sign-ins-view.js';
import type { PageRouteDependencies } from './page-dependencies.js';

/** Sign-ins a page shows: ListMySignIns' default. */
const SIGN_INS_PER_PAGE = 20;
/** A page token is the service's opaque cursor; a longer one is no token of its. */
const MAX_PAGE_TOKEN = 512;

export function sessionPages(router: Router, deps: PageRouteDependencies): void {
  const { api, cookies, renderer } = deps;

  /** The sessions page, with what just happened (`notice`) or what went wrong (`errors`). */
  const showSessions = async (ctx: Context, call: ClientAuthCallOptions, errors: FormError[] = [], status = 200) => {
    const { sessions } = await api.listMySessions({}, call);
    const frame = renderer.frame(ctx);
    const words = frame.locale.t.accountPages.sessions;
    const notices: Readonly<Record<string, string>> = { ended: words.ended, 'ended-others': words.endedOthers };
    const key = ctx.query['notice'];
    const notice = errors.length === 0 && typeof key === 'string' && Object.hasOwn(notices, key) ? notices[key] : undefined;
    renderer.render(ctx, <SessionsView frame={frame} sessions={sessions} errors={errors} notice={notice} />, { status });
  };

  router.get(
    '/account/sessions',
    signedInPage(deps, (ctx, call) => showSessions(ctx, call)),
  );

  router.post(
    '/account/sessions/end',
    signedInPage(deps, async (ctx, call) => {
      const form = await readForm(ctx, deps.bodyLimitBytes, ['session_id']);
      let current: boolean;
      try {
        ({ current } = await api.endMySession({ sessionId: form.session_id }, call));
      } catch (error) {
        // An unknown, foreign or malformed id: the list again, with the reason on top (no field of the form to point at).
        const { errors, failure } = sectionFailure(ctx, renderer.frame(ctx).locale, error, { invalid: {} });
        return showSessions(ctx, call, errors, failure.status);
      }
      if (!current) return renderer.redirect(ctx, '/account/sessions?notice=ended');
      // The browser's own session: its tokens stopped working, as after /sign-out.
      cookies.clearSession(ctx);
      renderer.redirect(ctx, '/sign-in?notice=signed-out');
    }),
  );

  router.post(
    '/account/sessions/end-others',
    signedInPage(deps, async (ctx, call) => {
      await readForm(ctx, deps.bodyLimitBytes, []);
      await api.endMyOtherSessions({}, call);
      renderer.redirect(ctx, '/account/sessions?notice=ended-others');
    }),
  );

  router.get(
    '/account/sign-ins',
    signedInPage(deps, async (ctx, call) => {
      const page = ctx.query['page'];
      const pageToken = typeof page === 'string' && page.length <= MAX_PAGE_TOKEN ? page : '';
      // A token the service refuses (INVALID_PAGE_TOKEN) is a 400 error page, as any bad address is.
      const { signIns, nextPageToken } = await api.listMySignIns({ pageSize: SIGN_INS_PER_PAGE, pageToken }, call);
      const olderHref = nextPageToken ? `/account/sign-ins?page=${encodeURIComponent(nextPageToken)}` : undefined;
      renderer.render(ctx, <SignInsView frame={renderer.frame(ctx)} signIns={signIns} olderHref={olderHref} paged={pageToken !== ''} />);
    }),
  );
}
