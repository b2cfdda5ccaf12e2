/**
 * /admin/audit: the audit trail, newest first, filtered by a GET form (so a filtered view is
 * an address one can share and bookmark), a page at a time, and the export of every event
 * the filters match as JSON Lines.
 */
import { type AuditEvent, AuditOutcome } from '../../gen/clientauth/v1/audit.js';
import type { FormError } from '../pages/form.js';
import { ConsoleLayout } from './console-layout.js';
import { DataTable } from './data-table.js';
import { Button, ErrorSummary, FieldFrame, TextField } from './form.js';
import type { PageFrame } from './page-frame.js';

export const AUDIT_PATH = '/admin/audit';
export const AUDIT_EXPORT_PATH = '/admin/audit/export';

/** The filters as the form names them, each as typed. */
export const AUDIT_FILTERS = ['type', 'outcome', 'actor', 'target', 'ip', 'since', 'until'] as const;
export type AuditFilterValues = Record<(typeof AUDIT_FILTERS)[number], string>;

export interface ConsoleAuditViewProps {
  frame: PageFrame;
  adminEmail: string;
  /** Every event type the service records, for the type filter. */
  types: readonly string[];
  filters: AuditFilterValues;
  events: readonly AuditEvent[];
  /** The query of the filters (without a page token), for the export and the paging links. */
  query: string;
  nextPageToken: string;
  /** Whether this is a later page (a link back to the newest is offered). */
  paged: boolean;
  errors?: readonly FormError[];
}

export function ConsoleAuditView({ frame, adminEmail, types, filters, events, query, nextPageToken, paged, errors = [] }: ConsoleAuditViewProps) {
  const { locale } = frame;
  const words = locale.t.consoleOps.audit;
  const withQuery = (path: string, extra = '') => {
    const search = [query, extra].filter(Boolean).join('&');
    return search === '' ? path : `${path}?${search}`;
  };
  return (
    <ConsoleLayout frame={frame} title={locale.t.console.nav.sections.audit} current="audit" adminEmail={adminEmail} hasErrors={errors.length > 0}>
      <ErrorSummary frame={frame} errors={errors} />
      <p>{words.intro}</p>
      <form method="get" action={AUDIT_PATH} class="filter-form" novalidate>
        <fieldset>
          <legend>{words.filtersTitle}</legend>
          <Choice
            name="type"
            label={words.type}
            value={filters.type}
            options={[['', words.anyType], ...types.map((type): [string, string] => [type, type])]}
            errors={errors}
            frame={frame}
          />
          <Choice
            name="outcome"
            label={words.outcome}
            value={filters.outcome}
            options={[
              ['', words.anyOutcome],
              ['success', words.success],
              ['failure', words.failure],
            ]}
            errors={errors}
            frame={frame}
          />
          <TextField frame={frame} name="actor" label={words.actor} value={filters.actor} errors={errors} spellcheck={false} />
          <TextField frame={frame} name="target" label={words.target} value={filters.target} errors={errors} spellcheck={false} />
          <TextField frame={frame} name="ip" label={words.ip} value={filters.ip} errors={errors} spellcheck={false} />
          <TextField frame={frame} name="since" label={words.since} hint={words.timeHint} value={filters.since} errors={errors} spellcheck={false} />
          <TextField frame={frame} name="until" label={words.until} hint={words.timeHint} value={filters.until} errors={errors} spellcheck={false} />
          <Button>{words.apply}</Button>
        </fieldset>
      </form>
      <p class="filter-links">
        <a href={AUDIT_PATH}>{words.clear}</a> · <a href={withQuery(AUDIT_EXPORT_PATH)}>{words.export}</a>
      </p>
      {events.length === 0 ? <p>{words.none}</p> : <EventTable frame={frame} events={events} />}
      <p class="filter-links">
        {paged ? <a href={withQuery(AUDIT_PATH)}>{words.first}</a> : null}
        {paged && nextPageToken ? ' · ' : null}
        {nextPageToken ? <a href={withQuery(AUDIT_PATH, `page=${encodeURIComponent(nextPageToken)}`)}>{words.more}</a> : null}
      </p>
    </ConsoleLayout>
  );
}

function EventTable({ frame, events }: { frame: PageFrame; events: readonly AuditEvent[] }) {
  const { locale } = frame;
  const words = locale.t.consoleOps.audit;
  return (
    <DataTable
      caption={words.listCaption}
      rows={events}
      keyOf={(event) => event.id}
      columns={[
        { label: words.time, rowHeader: true, cell: (event) => (event.time ? locale.dateTime(event.time) : '') },
        {
          label: words.event,
          cell: (event) => `${event.type} (${event.outcome === AuditOutcome.AUDIT_OUTCOME_FAILURE ? words.failure : words.success})`,
        },
        { label: words.actorColumn, cell: (event) => <code>{event.actorId}</code> },
        { label: words.targetColumn, cell: (event) => (event.targetClientId ? <code>{event.targetClientId}</code> : locale.t.consoleOps.none) },
        { label: words.ipColumn, cell: (event) => event.clientIp || locale.t.consoleOps.none },
        { label: words.detail, cell: (event) => detailOf(event) || locale.t.consoleOps.none },
      ]}
    />
  );
}

/** The facts an event carries beyond who, whom and where, as the service named them. */
function detailOf(event: AuditEvent): string {
  return [
    event.reason,
    event.email,
    event.method,
    event.keyId,
    event.grantType,
    event.groupsAfter.length > 0 ? `${event.groupsBefore.join(', ') || '∅'} → ${event.groupsAfter.join(', ')}` : '',
    event.repeated > 0 ? `+${event.repeated}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

interface ChoiceProps {
  frame: PageFrame;
  name: string;
  label: string;
  value: string;
  options: ReadonlyArray<readonly [value: string, label: string]>;
  errors: readonly FormError[];
}

/** A select in the frame every field has, for a filter with known values. */
function Choice({ frame, name, label, value, options, errors }: ChoiceProps) {
  return (
    <FieldFrame frame={frame} id={name} label={label} errors={errors}>
      {(ties) => (
        <select id={name} name={name} {...ties}>
          {options.map(([optionValue, optionLabel]) => (
            <option key={optionValue} value={optionValue} selected={optionValue === value}>
              {optionLabel}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}
