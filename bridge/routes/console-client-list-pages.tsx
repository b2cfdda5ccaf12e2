/**
 * The console's list of clients: /admin/clients, the search (an email prefix, folded as
 * the service stores addresses) and filters over ListClients, keyset paged by the
 * service's page token. Filters and pages are in the address, so a search is a link to
 * share; anything but the values the form offers is bad input (400), and a group the
 * service refuses is shown beside its field (400).
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { type Client, ClientKind } from '../../gen/clientauth/v1/client.js';
import { invalidField } from '../middleware/http-error.js';
import { adminPage } from '../pages/console-gate.js';
import type { FormError } from '../pages/form.js';
import { expectedFailureOf } from '../pages/page-failure.js';
import { type ClientFilters, ConsoleClientsView } from '../views/console-clients-view.js';
import type { PageRouteDependencies } from './page-dependencies.js';

export const CLIENT_LIST_PATH = '/admin/clients';

/** Clients a page of the list shows. */
const PAGE_SIZE = 50;
/** A page token is the service's opaque cursor; a longer one is none of its. */
const MAX_PAGE_TOKEN = 512;
/** An email is at most 254 characters (RFC 5321); so is a prefix of one. */
const MAX_PREFIX = 254;

export function consoleClientListPages(router: Router, deps: PageRouteDependencies): void {
  const { api, renderer } = deps;

  router.get(
    CLIENT_LIST_PATH,
    adminPage(deps, async (ctx, call, admin) => {
      const filters = filtersOf(ctx.query);
      const token = ctx.query['page'];
      if (token !== undefined && (typeof token !== 'string' || token.length > MAX_PAGE_TOKEN)) throw invalidField('page', 'page is not a page token');
      const pageToken = typeof token === 'string' ? token : '';
      const request = {
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
        group: filters.group,
        newestFirst: filters.order === 'newest',
      };
      let page: { clients: Client[]; nextPageToken: string };
      let errors: FormError[] = [];
      let status = 200;
      try {
        page = await api.listClients(request, call);
      } catch (error) {
        // The service checks the group name; its refusal is shown beside the field. Any other failure is the error page's.
        const failure = expectedFailureOf(error);
        if (failure.field !== 'group') throw error;
        page = { clients: [], nextPageToken: '' };
        errors = [{ field: 'filter-group', message: renderer.frame(ctx).locale.t.consoleGroups.invalid }];
        status = failure.status;
      }
      const { clients, nextPageToken } = page;
      const href = (page?: string) => listHref(filters, page);
      const view = (
        <ConsoleClientsView
          frame={renderer.frame(ctx)}
          adminEmail={admin.email}
          filters={filters}
          clients={clients}
          nextHref={nextPageToken ? href(nextPageToken) : undefined}
          firstHref={pageToken ? href() : undefined}
          errors={errors}
        />
      );
      renderer.render(ctx, view, { status });
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
    group: one('group').trim(),
    order: among('order', ['', 'newest'] as const),
  };
}

/** The list's address with its filters (the empty ones left out) and a page token. */
function listHref(filters: ClientFilters, page?: string): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value !== '') params.set(name, value);
  if (page) params.set('page', page);
  const search = params.toString();
  return search === '' ? CLIENT_LIST_PATH : `${CLIENT_LIST_PATH}?${search}`;
}
