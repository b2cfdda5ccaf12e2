/**
 * The admin console (docs/console.md): another family of the hosted pages, at /admin, with
 * the same renderer, layout, words, forms, cross-site guard and headers. Every page goes
 * through the gate (pages/console-gate.ts) and every state-changing post through the
 * re-authentication (pages/console-action.tsx). A section adds its paths to CONSOLE_PATHS
 * in console-paths.ts (and so to route-access.ts) and registers its routes from `consolePages`.
 */
import type Router from '@koa/router';
import { adminPage } from '../pages/console-gate.js';
import { ConsoleOverviewView } from '../views/console-overview-view.js';
import { consoleAuditPages } from './console-audit-pages.js';
import { consoleClientPages } from './console-client-pages.js';
import { consoleKeyPages } from './console-key-pages.js';
import { consoleOidcClientPages } from './console-oidc-client-pages.js';
import { CONSOLE_ROOT } from './console-paths.js';
import { consoleServicePages } from './console-service-pages.js';
import type { PageRouteDependencies } from './page-dependencies.js';

export function consolePages(router: Router, deps: PageRouteDependencies): void {
  const { renderer } = deps;

  router.get(
    CONSOLE_ROOT,
    adminPage(deps, async (ctx, call, admin) => {
      const figures = await deps.api.getAdminOverview({}, call);
      renderer.render(ctx, <ConsoleOverviewView frame={renderer.frame(ctx)} adminEmail={admin.email} figures={figures} />);
    }),
  );
  consoleClientPages(router, deps);
  consoleServicePages(router, deps);
  consoleOidcClientPages(router, deps);
  consoleAuditPages(router, deps);
  consoleKeyPages(router, deps);
}
