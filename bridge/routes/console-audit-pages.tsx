/**
 * The console's audit log (docs/console.md): ListAuditEvents with the filters of a GET form,
 * a page at a time, and the export of every event the filters match as JSON Lines, read
 * from the service page by page while it streams, so an export of any size holds one page
 * in memory. The service checks every filter (a known type, a client id, an IP, a range
 * that ends after it starts) and the page shows its refusal beside the field it names; the
 * page itself only reads the times it is given.
 */
import { Readable } from 'node:stream';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { AuditOutcome } from '../../gen/clientauth/v1/audit.js';
import type { ListAuditEventsRequest, ListAuditEventsResponse } from '../../gen/clientauth/v1/client_auth.js';
import { AUDIT_EVENT_TYPES } from '../../src/domain/audit/ports.js';
import type { ClientAuthCallOptions } from '../../src/sdk/typed-client.js';
import { auditRecordJson } from '../json/audit-json.js';
import { adminPage } from '../pages/console-gate.js';
import type { FormError } from '../pages/form.js';
import { expectedFailureOf, failureMessage } from '../pages/page-failure.js';
import { AUDIT_EXPORT_PATH, AUDIT_FILTERS, AUDIT_PATH, type AuditFilterValues, ConsoleAuditView } from '../views/console-audit-view.js';
import type { PageRouteDependencies } from './page-dependencies.js';

const PAGE_SIZE = 50;
/** The export reads the service's largest page at a time. */
const EXPORT_PAGE_SIZE = 500;

/** The service's request fields, by the form field that sets each. */
const FORM_FIELD_OF: Readonly<Record<string, keyof AuditFilterValues>> = {
  type: 'type',
  outcome: 'outcome',
  actor_id: 'actor',
  target_client_id: 'target',
  client_ip: 'ip',
  start_time: 'since',
  end_time: 'until',
};

export function consoleAuditPages(router: Router, deps: PageRouteDependencies): void {
  const { api, renderer } = deps;

  const render = (ctx: Context, adminEmail: string, filters: AuditFilterValues, page: ListAuditEventsResponse, errors: FormError[], status = 200) => {
    const view = (
      <ConsoleAuditView
        frame={renderer.frame(ctx)}
        adminEmail={adminEmail}
        types={AUDIT_EVENT_TYPES}
        filters={filters}
        events={page.events}
        query={queryOf(filters)}
        nextPageToken={page.nextPageToken}
        paged={pageTokenOf(ctx) !== ''}
        errors={errors}
      />
    );
    renderer.render(ctx, view, { status });
  };

  /** The first page of `request`, or the page's errors and status when the filters are refused. */
  const firstPage = async (ctx: Context, call: ClientAuthCallOptions, filters: AuditFilterValues, pageSize: number): Promise<FirstPage> => {
    const { request, errors } = requestOf(ctx, filters, renderer.frame(ctx).locale.t.consoleOps.audit.timeInvalid);
    if (errors.length > 0) return { errors, status: 400 };
    try {
      return { request, page: await api.listAuditEvents({ ...request, pageSize }, call) };
    } catch (error) {
      const failure = expectedFailureOf(error);
      const field = failure.field ? FORM_FIELD_OF[failure.field] : undefined;
      const words = renderer.frame(ctx).locale.t.consoleOps.audit.fields;
      const message =
        (failure.field && failure.reason === 'INVALID_ARGUMENT' ? words[failure.field] : undefined) ?? failureMessage(renderer.frame(ctx).locale, failure);
      return { errors: [{ ...(field ? { field } : {}), message }], status: failure.status };
    }
  };

  router.get(
    AUDIT_PATH,
    adminPage(deps, async (ctx, call, admin) => {
      const filters = filtersOf(ctx);
      const answer = await firstPage(ctx, call, filters, PAGE_SIZE);
      if ('errors' in answer) return render(ctx, admin.email, filters, { events: [], nextPageToken: '' }, answer.errors, answer.status);
      render(ctx, admin.email, filters, answer.page, []);
    }),
  );

  router.get(
    AUDIT_EXPORT_PATH,
    adminPage(deps, async (ctx, call, admin) => {
      const filters = filtersOf(ctx);
      const answer = await firstPage(ctx, call, filters, EXPORT_PAGE_SIZE);
      if ('errors' in answer) return render(ctx, admin.email, filters, { events: [], nextPageToken: '' }, answer.errors, answer.status);
      const { request, page } = answer;
      async function* lines(): AsyncGenerator<string> {
        let current = page;
        for (;;) {
          for (const event of current.events) yield `${JSON.stringify(auditRecordJson(event))}\n`;
          if (current.nextPageToken === '') return;
          current = await api.listAuditEvents({ ...request, pageSize: EXPORT_PAGE_SIZE, pageToken: current.nextPageToken }, call);
        }
      }
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      ctx.set('Content-Disposition', `attachment; filename="audit-events-${stamp}.jsonl"`);
      ctx.set('Cache-Control', 'no-store');
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.status = 200;
      ctx.type = 'application/x-ndjson; charset=utf-8';
      // A failure after the first page can no longer change the status: the download ends short.
      ctx.body = Readable.from(lines());
    }),
  );
}

type FirstPage = { request: Omit<ListAuditEventsRequest, 'pageSize'>; page: ListAuditEventsResponse } | { errors: FormError[]; status: number };

function filtersOf(ctx: Context): AuditFilterValues {
  const value = (name: string) => {
    const given = ctx.query[name];
    return (typeof given === 'string' ? given : '').trim();
  };
  return Object.fromEntries(AUDIT_FILTERS.map((name) => [name, value(name)])) as AuditFilterValues;
}

function pageTokenOf(ctx: Context): string {
  const given = ctx.query['page'];
  return typeof given === 'string' ? given : '';
}

/** The filters that are set, as a query string (the export and paging links carry them). */
function queryOf(filters: AuditFilterValues): string {
  return new URLSearchParams(Object.entries(filters).filter(([, value]) => value !== '')).toString();
}

const OUTCOMES: Readonly<Record<string, AuditOutcome>> = {
  '': AuditOutcome.AUDIT_OUTCOME_UNSPECIFIED,
  success: AuditOutcome.AUDIT_OUTCOME_SUCCESS,
  failure: AuditOutcome.AUDIT_OUTCOME_FAILURE,
};

/** The request the filters make; a time that cannot be read is the page's error (the service never sees text). */
function requestOf(ctx: Context, filters: AuditFilterValues, timeInvalid: string): { request: Omit<ListAuditEventsRequest, 'pageSize'>; errors: FormError[] } {
  const errors: FormError[] = [];
  const time = (field: 'since' | 'until') => {
    if (filters[field] === '') return undefined;
    const parsed = utcTimeOf(filters[field]);
    if (parsed === undefined) errors.push({ field, message: timeInvalid });
    return parsed;
  };
  const request = {
    pageToken: pageTokenOf(ctx),
    type: filters.type,
    // An outcome not in the list goes to the service as an unknown value, which it refuses naming the field.
    outcome: OUTCOMES[filters.outcome] ?? AuditOutcome.UNRECOGNIZED,
    actorId: filters.actor,
    targetClientId: filters.target,
    clientIp: filters.ip,
    startTime: time('since'),
    endTime: time('until'),
  };
  return { request, errors };
}

/** "2026-12-07", "2026-12-07 14:30", "2026-12-07T14:30:15" (and a trailing Z or UTC): a time in UTC. */
export function utcTimeOf(text: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?\s*(?:Z|UTC)?$/i.exec(text.trim());
  if (!match) return undefined;
  const [year, month, day, hour = '0', minute = '0', second = '0'] = match.slice(1) as [string, string, string, string?, string?, string?];
  const millis = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  const date = new Date(millis);
  // Date.UTC rolls 2026-02-30 over into March: a date that rolled over was not a date.
  if (date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day) || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59)
    return undefined;
  return date;
}
