/**
 * The console's signing keys and deletion requests (docs/console.md): ListSigningKeys and a
 * rotation (RotateSigningKey, through the re-authentication of pages/console-action.tsx),
 * and ListDeletionRequests with each request's delivery.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { ClientAuthCallOptions } from '../../src/sdk/typed-client.js';
import { adminAction } from '../pages/console-action.js';
import { adminPage } from '../pages/console-gate.js';
import type { FormError } from '../pages/form.js';
import { expectedFailureOf, failureMessage } from '../pages/page-failure.js';
import { ConsoleDeletionsView, DELETIONS_PATH } from '../views/console-deletions-view.js';
import { ConsoleKeysView, KEYS_PATH } from '../views/console-keys-view.js';
import type { PageRouteDependencies } from './page-dependencies.js';

const DELETIONS_PAGE_SIZE = 50;

export function consoleKeyPages(router: Router, deps: PageRouteDependencies): void {
  const { api, renderer } = deps;

  const renderKeys = async (ctx: Context, call: ClientAuthCallOptions, adminEmail: string, errors: FormError[] = [], status = 200) => {
    const { source, keys } = await api.listSigningKeys({}, call);
    const frame = renderer.frame(ctx);
    // The notice names the key the rotation published, and only a key the set holds.
    const rotated = typeof ctx.query['rotated'] === 'string' ? keys.find((key) => key.kid === ctx.query['rotated']) : undefined;
    const notice = rotated ? frame.locale.t.consoleOps.keys.rotated(rotated.kid) : undefined;
    renderer.render(ctx, <ConsoleKeysView frame={frame} adminEmail={adminEmail} source={source} keys={keys} notice={notice} errors={errors} />, { status });
  };

  router.get(
    KEYS_PATH,
    adminPage(deps, (ctx, call, admin) => renderKeys(ctx, call, admin.email)),
  );

  router.post(
    `${KEYS_PATH}/rotate`,
    adminAction(deps, {
      fields: [],
      section: 'signingKeys',
      cancel: () => KEYS_PATH,
      handler: async (ctx, call, admin) => {
        try {
          const { kid } = await api.rotateSigningKey({}, call);
          renderer.redirect(ctx, `${KEYS_PATH}?rotated=${encodeURIComponent(kid)}`);
        } catch (error) {
          const failure = expectedFailureOf(error);
          await renderKeys(ctx, call, admin.email, [{ message: failureMessage(renderer.frame(ctx).locale, failure) }], failure.status);
        }
      },
    }),
  );

  router.get(
    DELETIONS_PATH,
    adminPage(deps, async (ctx, call, admin) => {
      const pendingOnly = ctx.query['pending'] === '1';
      const pageToken = typeof ctx.query['page'] === 'string' ? ctx.query['page'] : '';
      const { deletionRequests, nextPageToken } = await api.listDeletionRequests({ pageSize: DELETIONS_PAGE_SIZE, pendingOnly, pageToken }, call);
      const next = new URLSearchParams({ ...(pendingOnly ? { pending: '1' } : {}), page: nextPageToken });
      const nextPage = nextPageToken ? `${DELETIONS_PATH}?${next.toString()}` : undefined;
      const view = (
        <ConsoleDeletionsView frame={renderer.frame(ctx)} adminEmail={admin.email} requests={deletionRequests} pendingOnly={pendingOnly} nextPage={nextPage} />
      );
      renderer.render(ctx, view);
    }),
  );
}
