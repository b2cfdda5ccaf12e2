/**
 * The console's service clients (docs/console.md): the list with each one's last token
 * issue (ListClients, kind SERVICE), registering one (RegisterService) and resetting a
 * secret (ResetServiceSecret). Both changes go through the re-authentication
 * (pages/console-action.tsx) and answer with the secret, shown this once, in the page
 * itself: a redirect would have to carry it in an address.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { ClientKind } from '../../gen/clientauth/v1/client.js';
import type { ClientAuthCallOptions } from '../../src/sdk/typed-client.js';
import { adminAction } from '../pages/console-action.js';
import { adminPage } from '../pages/console-gate.js';
import { type FormError, missingFields } from '../pages/form.js';
import { expectedFailureOf, failureMessage } from '../pages/page-failure.js';
import { ConsoleSecretView } from '../views/console-secret-view.js';
import { ConsoleServicesView, SERVICES_PATH } from '../views/console-services-view.js';
import type { PageRouteDependencies } from './page-dependencies.js';

const PAGE_SIZE = 100;

export function consoleServicePages(router: Router, deps: PageRouteDependencies): void {
  const { api, renderer } = deps;
  const script = () => renderer.assets.href('copy-secret.js');

  /** The list page, with the register form as typed and its errors when a registration was refused. */
  const renderList = async (
    ctx: Context,
    call: ClientAuthCallOptions,
    adminEmail: string,
    form?: { typed: { name: string; email: string; groups: string }; errors: FormError[]; status: number },
  ) => {
    const pageToken = typeof ctx.query['page'] === 'string' ? ctx.query['page'] : '';
    const page = await api.listClients({ pageSize: PAGE_SIZE, pageToken, kind: ClientKind.CLIENT_KIND_SERVICE, emailPrefix: '' }, call);
    const nextPage = page.nextPageToken ? `${SERVICES_PATH}?page=${encodeURIComponent(page.nextPageToken)}` : undefined;
    const view = (
      <ConsoleServicesView
        frame={renderer.frame(ctx)}
        adminEmail={adminEmail}
        services={page.clients}
        nextPage={nextPage}
        {...(form ? { typed: form.typed, errors: form.errors } : {})}
      />
    );
    renderer.render(ctx, view, { status: form?.status ?? 200 });
  };

  router.get(
    SERVICES_PATH,
    adminPage(deps, (ctx, call, admin) => renderList(ctx, call, admin.email)),
  );

  router.post(
    SERVICES_PATH,
    adminAction(deps, {
      fields: ['name', 'email', 'groups'],
      section: 'services',
      cancel: () => SERVICES_PATH,
      handler: async (ctx, call, admin, form) => {
        const words = renderer.frame(ctx).locale.t.consoleOps.services;
        const missing = missingFields(form, { name: words.nameMissing, email: words.emailMissing });
        if (missing.length > 0) return renderList(ctx, call, admin.email, { typed: form, errors: missing, status: 400 });
        const groups = form.groups.split(/[\s,]+/).filter((group) => group !== '');
        try {
          const { client, clientSecret } = await api.registerService({ name: form.name, email: form.email, groups }, call);
          if (!client) throw new Error('the service answered RegisterService without a client');
          renderer.render(
            ctx,
            <ConsoleSecretView
              frame={renderer.frame(ctx)}
              adminEmail={admin.email}
              service={client}
              secret={clientSecret}
              occasion="registered"
              script={script()}
            />,
            { status: 201 },
          );
        } catch (error) {
          const failure = expectedFailureOf(error);
          const field =
            failure.field && ['name', 'email', 'groups'].includes(failure.field) ? failure.field : failure.reason === 'EMAIL_TAKEN' ? 'email' : undefined;
          const message = failureMessage(renderer.frame(ctx).locale, failure);
          return renderList(ctx, call, admin.email, { typed: form, errors: [{ ...(field ? { field } : {}), message }], status: failure.status });
        }
      },
    }),
  );

  router.post(
    `${SERVICES_PATH}/:id/reset-secret`,
    adminAction(deps, {
      fields: [],
      section: 'services',
      cancel: () => SERVICES_PATH,
      handler: async (ctx, call, admin) => {
        const clientId = String(ctx.params['id'] ?? '');
        try {
          const { client, clientSecret } = await api.resetServiceSecret({ clientId }, call);
          if (!client) throw new Error('the service answered ResetServiceSecret without a client');
          renderer.render(
            ctx,
            <ConsoleSecretView
              frame={renderer.frame(ctx)}
              adminEmail={admin.email}
              service={client}
              secret={clientSecret}
              occasion="reset"
              script={script()}
            />,
          );
        } catch (error) {
          const failure = expectedFailureOf(error);
          return renderList(ctx, call, admin.email, {
            typed: { name: '', email: '', groups: '' },
            errors: [{ message: failureMessage(renderer.frame(ctx).locale, failure) }],
            status: failure.status,
          });
        }
      },
    }),
  );
}
