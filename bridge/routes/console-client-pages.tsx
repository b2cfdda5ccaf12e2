/**
 * The console's Clients section: /admin/clients (search and filters over ListClients,
 * keyset paged), /admin/clients/:id (GetClient and the latest of ListAuditEvents about it)
 * and its actions, each one admin RPC (SuspendClient, ReinstateClient, SetClientGroups,
 * ResetSecondFactor, DeleteClient), which audits it. The service decides everything: a
 * refusal (the last admin, a bad reason) shows the client's page again with the reason.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { type Client, ClientKind } from '../../gen/clientauth/v1/client.js';
import type { ClientAuthCallOptions } from '../../src/sdk/typed-client.js';
import { invalidField } from '../middleware/http-error.js';
import { adminAction } from '../pages/console-action.js';
import { adminPage } from '../pages/console-gate.js';
import type { FormError } from '../pages/form.js';
import { sectionFailure } from '../pages/section-failure.js';
import { ConsoleClientDeletedView } from '../views/console-client-deleted-view.js';
import { ConsoleClientView } from '../views/console-client-view.js';
import { type ClientFilters, ConsoleClientsView } from '../views/console-clients-view.js';
import type { PageRouteDependencies } from './page-dependencies.js';

/** The Clients section's paths, as its routes name them (console-paths.ts lists them). */
export const CLIENT_PATHS = {
  list: '/admin/clients',
  client: '/admin/clients/:id',
  suspend: '/admin/clients/:id/suspend',
  reinstate: '/admin/clients/:id/reinstate',
  groups: '/admin/clients/:id/groups',
  resetSecondFactor: '/admin/clients/:id/reset-second-factor',
  delete: '/admin/clients/:id/delete',
  deletion: '/admin/clients/:id/deletion',
} as const;

/** Clients a page of the list shows. */
const PAGE_SIZE = 50;
/** Audit events the client's page shows; the audit log has the rest. */
const EVENTS_SHOWN = 20;
/** Deletion requests searched for the one of a deleted client: the newest, as ListDeletionRequests answers them. */
const DELETIONS_SEARCHED = 200;
/** A page token is the service's opaque cursor; a longer one is none of its. */
const MAX_PAGE_TOKEN = 512;
/** An email is at most 254 characters (RFC 5321); so is a prefix of one. */
const MAX_PREFIX = 254;

export function consoleClientPages(router: Router, deps: PageRouteDependencies): void {
  const { api, renderer } = deps;
  const pathOf = (id: string) => `/admin/clients/${encodeURIComponent(id)}`;
  const idOf = (ctx: Context) => ctx.params['id'] ?? '';

  router.get(
    CLIENT_PATHS.list,
    adminPage(deps, async (ctx, call, admin) => {
      const filters = filtersOf(ctx.query);
      const token = ctx.query['page'];
      if (token !== undefined && (typeof token !== 'string' || token.length > MAX_PAGE_TOKEN)) throw invalidField('page', 'page is not a page token');
      const pageToken = typeof token === 'string' ? token : '';
      const { clients, nextPageToken } = await api.listClients(
        {
          pageSize: PAGE_SIZE,
          pageToken,
          emailPrefix: filters.email,
          kind:
            filters.kind === 'user'
              ? ClientKind.CLIENT_KIND_USER
              : filters.kind === 'service'
                ? ClientKind.CLIENT_KIND_SERVICE
                : ClientKind.CLIENT_KIND_UNSPECIFIED,
          ...(filters.suspended === '' ? {} : { suspended: filters.suspended === 'yes' }),
          ...(filters.verified === '' ? {} : { emailVerified: filters.verified === 'yes' }),
        },
        call,
      );
      const href = (page?: string) => listHref(filters, page);
      const view = (
        <ConsoleClientsView
          frame={renderer.frame(ctx)}
          adminEmail={admin.email}
          filters={filters}
          clients={clients}
          nextHref={nextPageToken ? href(nextPageToken) : undefined}
          firstHref={pageToken ? href() : undefined}
        />
      );
      renderer.render(ctx, view);
    }),
  );

  /** The client's page, with what just happened (`notice`) or what went wrong (`errors`, with what was typed). */
  const showClient = async (
    ctx: Context,
    call: ClientAuthCallOptions,
    admin: Client,
    id: string,
    failed: { errors: FormError[]; typed: Record<string, string>; status: number } | null = null,
  ) => {
    const { client } = await api.getClient({ clientId: id }, call);
    if (!client) throw new Error('the service answered GetClient without a client');
    const { events } = await api.listAuditEvents({ targetClientId: client.id, pageSize: EVENTS_SHOWN }, call);
    const frame = renderer.frame(ctx);
    const words = frame.locale.t.consoleClients.client;
    const notices: Readonly<Record<string, string>> = {
      suspended: words.suspended,
      reinstated: words.reinstated,
      groups: words.groupsSaved,
      'factors-reset': words.factorsReset,
    };
    const key = ctx.query['notice'];
    const notice = failed === null && typeof key === 'string' && Object.hasOwn(notices, key) ? notices[key] : undefined;
    const view = (
      <ConsoleClientView frame={frame} adminEmail={admin.email} client={client} events={events} notice={notice} errors={failed?.errors} typed={failed?.typed} />
    );
    renderer.render(ctx, view, { status: failed?.status ?? 200 });
  };

  router.get(
    CLIENT_PATHS.client,
    adminPage(deps, (ctx, call, admin) => showClient(ctx, call, admin, idOf(ctx))),
  );

  /** Runs one admin call of an action; a refusal shows the client's page again with the reason (on `field` when it names one). */
  const attempt = async (
    ctx: Context,
    call: ClientAuthCallOptions,
    admin: Client,
    typed: Record<string, string>,
    invalid: Readonly<Record<string, string>>,
    action: () => Promise<unknown>,
  ): Promise<boolean> => {
    try {
      await action();
      return true;
    } catch (error) {
      const { errors, failure } = sectionFailure(ctx, renderer.frame(ctx).locale, error, { invalid });
      // A client that is not there (any more) has no page to show the reason on.
      if (failure.reason === 'CLIENT_NOT_FOUND' || (failure.reason === 'INVALID_ARGUMENT' && failure.field === 'client_id')) throw error;
      await showClient(ctx, call, admin, idOf(ctx), { errors, typed, status: failure.status });
      return false;
    }
  };
  const cancel = (ctx: Context) => pathOf(idOf(ctx));

  router.post(
    CLIENT_PATHS.suspend,
    adminAction(deps, {
      fields: ['reason'],
      section: 'clients',
      cancel,
      handler: async (ctx, call, admin, form) => {
        const words = renderer.frame(ctx).locale.t.consoleClients.client;
        const id = idOf(ctx);
        if (form.reason.trim() === '') {
          return showClient(ctx, call, admin, id, { errors: [{ field: 'reason', message: words.suspendReasonMissing }], typed: form, status: 400 });
        }
        const done = await attempt(ctx, call, admin, form, { reason: words.suspendReasonInvalid }, () =>
          api.suspendClient({ clientId: id, reason: form.reason.trim() }, call),
        );
        if (done) renderer.redirect(ctx, `${pathOf(id)}?notice=suspended`);
      },
    }),
  );

  router.post(
    CLIENT_PATHS.reinstate,
    adminAction(deps, {
      fields: [],
      section: 'clients',
      cancel,
      handler: async (ctx, call, admin) => {
        const id = idOf(ctx);
        if (await attempt(ctx, call, admin, {}, {}, () => api.reinstateClient({ clientId: id }, call)))
          renderer.redirect(ctx, `${pathOf(id)}?notice=reinstated`);
      },
    }),
  );

  router.post(
    CLIENT_PATHS.groups,
    adminAction(deps, {
      fields: ['groups'],
      section: 'clients',
      cancel,
      handler: async (ctx, call, admin, form) => {
        const words = renderer.frame(ctx).locale.t.consoleClients.client;
        const id = idOf(ctx);
        const groups = form.groups
          .split(',')
          .map((group) => group.trim())
          .filter((group) => group !== '');
        const done = await attempt(ctx, call, admin, form, { groups: words.groupsInvalid }, () => api.setClientGroups({ clientId: id, groups }, call));
        if (done) renderer.redirect(ctx, `${pathOf(id)}?notice=groups`);
      },
    }),
  );

  router.post(
    CLIENT_PATHS.resetSecondFactor,
    adminAction(deps, {
      fields: [],
      section: 'clients',
      cancel,
      handler: async (ctx, call, admin) => {
        const id = idOf(ctx);
        if (await attempt(ctx, call, admin, {}, {}, () => api.resetSecondFactor({ clientId: id }, call))) {
          renderer.redirect(ctx, `${pathOf(id)}?notice=factors-reset`);
        }
      },
    }),
  );

  router.post(
    CLIENT_PATHS.delete,
    adminAction(deps, {
      fields: ['confirm_email'],
      section: 'clients',
      cancel,
      handler: async (ctx, call, admin, form) => {
        const words = renderer.frame(ctx).locale.t.consoleClients.client;
        const id = idOf(ctx);
        const { client } = await api.getClient({ clientId: id }, call);
        // The operator types the address the page shows; what the service stores is lower case.
        if (!client || form.confirm_email.trim().toLowerCase() !== client.email) {
          return showClient(ctx, call, admin, id, { errors: [{ field: 'confirm_email', message: words.confirmMismatch }], typed: form, status: 400 });
        }
        if (await attempt(ctx, call, admin, form, {}, () => api.deleteClient({ clientId: id }, call))) renderer.redirect(ctx, `${pathOf(id)}/deletion`);
      },
    }),
  );

  router.get(
    CLIENT_PATHS.deletion,
    adminPage(deps, async (ctx, call, admin) => {
      const id = idOf(ctx);
      const { deletionRequests } = await api.listDeletionRequests({ pageSize: DELETIONS_SEARCHED }, call);
      const request = deletionRequests.find((candidate) => candidate.clientId === id);
      renderer.render(ctx, <ConsoleClientDeletedView frame={renderer.frame(ctx)} adminEmail={admin.email} clientId={id} request={request} />);
    }),
  );
}

/** The list's filters from the address; anything but the values the form offers is bad input (400). */
function filtersOf(query: Context['query']): ClientFilters {
  const one = (name: string): string => {
    const value = query[name];
    if (value === undefined) return '';
    if (typeof value !== 'string') throw invalidField(name, `${name} is given more than once`);
    return value;
  };
  const among = <Value extends string>(name: string, values: readonly Value[]): Value => {
    const value = one(name);
    if (!(values as readonly string[]).includes(value)) throw invalidField(name, `${name} must be one of ${values.filter(Boolean).join(', ')}`);
    return value as Value;
  };
  const email = one('email').trim();
  if (email.length > MAX_PREFIX) throw invalidField('email', `email is longer than ${MAX_PREFIX} characters`);
  return {
    email,
    kind: among('kind', ['', 'user', 'service'] as const),
    suspended: among('suspended', ['', 'yes', 'no'] as const),
    verified: among('verified', ['', 'yes', 'no'] as const),
  };
}

/** The list's address with its filters (the empty ones left out) and a page token. */
function listHref(filters: ClientFilters, page?: string): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value !== '') params.set(name, value);
  if (page) params.set('page', page);
  const search = params.toString();
  return search === '' ? CLIENT_PATHS.list : `${CLIENT_PATHS.list}?${search}`;
}
