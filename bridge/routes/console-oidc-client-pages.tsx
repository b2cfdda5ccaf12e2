/**
 * The console's OpenID Connect page of a service client (docs/console.md): its settings as
 * stored (GetOidcClient), and saving them (SetOidcClient) through the re-authentication
 * (pages/console-action.tsx). The page only turns the form into the RPC's fields: what is a
 * valid redirect URI, scope or grant type is the service's to say, and its refusal (the
 * reason, and the service's sentence naming the value at fault) is the page's error.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { OIDC_GRANT_TYPES, OIDC_SCOPES } from '../../src/domain/oidc/ports.js';
import type { ClientAuthCallOptions } from '../../src/sdk/typed-client.js';
import { toHttpError } from '../middleware/error-middleware.js';
import { adminAction } from '../pages/console-action.js';
import { adminPage } from '../pages/console-gate.js';
import type { FormError } from '../pages/form.js';
import { expectedFailureOf, failureMessage } from '../pages/page-failure.js';
import { ConsoleOidcClientView, OIDC_CLIENT_FIELDS, type OidcClientForm, oidcClientForm, oidcClientPath } from '../views/console-oidc-client-view.js';
import { SERVICES_PATH } from '../views/console-services-view.js';
import type { PageRouteDependencies } from './page-dependencies.js';

/** The fields of SetOidcClient the form's fields feed; a refusal naming one is shown beside it. */
const FORM_FIELDS = new Set(['redirect_uris', 'post_logout_redirect_uris', 'scopes', 'grant_types']);

export function consoleOidcClientPages(router: Router, deps: PageRouteDependencies): void {
  const { api, renderer } = deps;
  const idOf = (ctx: Context) => String(ctx.params['id'] ?? '');

  const render = async (
    ctx: Context,
    call: ClientAuthCallOptions,
    adminEmail: string,
    shown: { form?: OidcClientForm; errors?: FormError[]; status?: number; saved?: boolean } = {},
  ) => {
    const clientId = idOf(ctx);
    // Permission, existence and kind are the service's to check: GetOidcClient refuses a person, GetClient an unknown id.
    const { oidcClient } = await api.getOidcClient({ clientId }, call);
    const { client } = await api.getClient({ clientId }, call);
    const view = (
      <ConsoleOidcClientView
        frame={renderer.frame(ctx)}
        adminEmail={adminEmail}
        clientId={clientId}
        clientName={client?.name ?? clientId}
        stored={oidcClient}
        form={shown.form ?? oidcClientForm(oidcClient)}
        saved={shown.saved ?? false}
        errors={shown.errors ?? []}
      />
    );
    renderer.render(ctx, view, { status: shown.status ?? 200 });
  };

  router.get(
    `${SERVICES_PATH}/:id/oidc`,
    adminPage(deps, (ctx, call, admin) => render(ctx, call, admin.email, { saved: ctx.query['saved'] === '1' })),
  );

  router.post(
    `${SERVICES_PATH}/:id/oidc`,
    adminAction(deps, {
      fields: OIDC_CLIENT_FIELDS,
      section: 'services',
      cancel: (ctx) => oidcClientPath(idOf(ctx)),
      handler: async (ctx, call, admin, form) => {
        const clientId = idOf(ctx);
        try {
          await api.setOidcClient(requestOf(clientId, form), call);
        } catch (error) {
          const failure = expectedFailureOf(error);
          // A refusal of the client itself (unknown, a person) leaves no form to show again.
          if (failure.reason !== 'INVALID_ARGUMENT') return renderer.renderFailure(ctx, failure);
          // The service's own sentence names the value at fault ("... has a wildcard").
          const message = `${failureMessage(renderer.frame(ctx).locale, failure)} ${toHttpError(error).body.message}`;
          const field = failure.field && FORM_FIELDS.has(failure.field) ? failure.field : undefined;
          return render(ctx, call, admin.email, { form, errors: [{ ...(field ? { field } : {}), message }], status: failure.status });
        }
        renderer.redirect(ctx, `${oidcClientPath(clientId)}?saved=1`);
      },
    }),
  );
}

/** SetOidcClient's request from the form: URIs split at whitespace (no URI holds any), each box that is ticked. */
function requestOf(clientId: string, form: OidcClientForm) {
  const uris = (text: string) => text.split(/\s+/).filter((uri) => uri !== '');
  return {
    clientId,
    redirectUris: uris(form.redirect_uris),
    postLogoutRedirectUris: uris(form.post_logout_redirect_uris),
    publicClient: form.client_type === 'public',
    firstParty: form.first_party === 'yes',
    scopes: OIDC_SCOPES.filter((scope) => form[`scope_${scope}`] === 'yes'),
    grantTypes: OIDC_GRANT_TYPES.filter((grant) => form[`grant_${grant}`] === 'yes'),
  };
}
