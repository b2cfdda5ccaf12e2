/**
 * POST /password-strength: the live hint of the pages that set a password
 * (views/assets/password-strength.js). It asks the service (EstimatePasswordStrength, the
 * estimator and rules that judge the password when it is set) and answers the verdict in
 * the reader's language. JSON in and out; the cross-site guard applies as to every POST.
 */
import type Router from '@koa/router';
import { bodyFields, ROUTE_FIELDS } from '../json/body-fields.js';
import { readJsonObject } from '../json/request-body.js';
import { stringField } from '../json/request-fields.js';
import { respondJson } from '../json/respond.js';
import { strengthHint } from '../pages/strength-hint.js';
import { callOptionsOf } from './call-options.js';
import type { PageRouteDependencies } from './page-dependencies.js';

export const STRENGTH_HINT_PATH = '/password-strength';

export function strengthHintRoutes(router: Router, deps: PageRouteDependencies): void {
  router.post(STRENGTH_HINT_PATH, async (ctx) => {
    const input = bodyFields(ctx, await readJsonObject(ctx, deps.bodyLimitBytes), ROUTE_FIELDS.passwordStrength);
    const estimate = await deps.api.estimatePasswordStrength(
      {
        password: stringField(input, 'password'),
        email: stringField(input, 'email'),
        firstName: stringField(input, 'first_name'),
        lastName: stringField(input, 'last_name'),
      },
      callOptionsOf(ctx, deps.callTimeoutMs),
    );
    // The answer is about a password and in the reader's language: never stored, and never shared between languages.
    ctx.set('Cache-Control', 'no-store');
    ctx.vary('Accept-Language');
    respondJson(ctx, strengthHint(deps.renderer.frame(ctx).locale, estimate));
  });
}
