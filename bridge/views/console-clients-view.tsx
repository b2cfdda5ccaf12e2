/**
 * /admin/clients: the search (an email prefix, as the service folds addresses), the
 * filters and the order (by creation, either way) as a GET form, so a search is a link to share; the clients of one page in a
 * table, each linking to its own page; a link to the next page (keyset paging: the
 * service's page token).
 */
import type { Client } from '../../gen/clientauth/v1/client.js';
import { ClientKind } from '../../gen/clientauth/v1/client.js';
import type { FormError } from '../pages/form.js';
import { ConsoleLayout } from './console-layout.js';
import { DataTable } from './data-table.js';
import { ErrorSummary, TextField } from './form.js';
import type { PageFrame } from './page-frame.js';

/** The list's filters as the address carries them ('' for any). */
export interface ClientFilters {
  email: string;
  kind: '' | 'user' | 'service';
  suspended: '' | 'yes' | 'no';
  verified: '' | 'yes' | 'no';
  /** A group name, or '' for any group; the service checks it. */
  group: string;
  /** '' for oldest first (the service's default), 'newest' for newest first. */
  order: '' | 'newest';
}

export interface ConsoleClientsViewProps {
  frame: PageFrame;
  adminEmail: string;
  filters: ClientFilters;
  clients: readonly Client[];
  /** The next page's address, when there is one. */
  nextHref?: string | undefined;
  /** The first page's address, when this is not it. */
  firstHref?: string | undefined;
  /** A filter the service refused, beside its field (the group's id is `filter-group`). */
  errors?: readonly FormError[];
}

export function ConsoleClientsView({ frame, adminEmail, filters, clients, nextHref, firstHref, errors = [] }: ConsoleClientsViewProps) {
  const words = frame.locale.t.consoleClients.list;
  const groupWords = frame.locale.t.consoleGroups;
  const choice = (name: keyof ClientFilters, label: string, options: ReadonlyArray<[string, string]>) => (
    <div class="field">
      <label for={`filter-${name}`}>{label}</label>
      <select id={`filter-${name}`} name={name}>
        {options.map(([value, text]) => (
          <option key={value} value={value} selected={filters[name] === value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
  const yesNo: ReadonlyArray<[string, string]> = [
    ['', words.any],
    ['yes', words.yes],
    ['no', words.no],
  ];
  return (
    <ConsoleLayout frame={frame} title={words.title} current="clients" adminEmail={adminEmail} hasErrors={errors.length > 0}>
      <ErrorSummary frame={frame} errors={errors} />
      <form method="get" action="/admin/clients" class="console-filters">
        <div class="field">
          <label for="filter-email">{words.searchLabel}</label>
          <p class="hint" id="filter-email-hint">
            {words.searchHint}
          </p>
          <input id="filter-email" name="email" type="search" value={filters.email} spellcheck={false} aria-describedby="filter-email-hint" />
        </div>
        {choice('kind', words.kind, [
          ['', words.any],
          ['user', words.user],
          ['service', words.service],
        ])}
        <TextField
          frame={frame}
          name="group"
          id="filter-group"
          label={groupWords.label}
          hint={groupWords.hint}
          value={filters.group}
          errors={errors}
          spellcheck={false}
        />
        {choice('suspended', words.suspended, yesNo)}
        {choice('verified', words.verified, yesNo)}
        {choice('order', words.order, [
          ['', words.oldestFirst],
          ['newest', words.newestFirst],
        ])}
        <button type="submit">{words.filter}</button>
      </form>
      {errors.length > 0 ? null : clients.length === 0 ? (
        <p>{words.none}</p>
      ) : (
        <DataTable
          caption={filters.order === 'newest' ? words.captionNewest : words.caption}
          rows={clients}
          keyOf={(client) => client.id}
          columns={[
            { label: words.email, rowHeader: true, cell: (client) => <a href={`/admin/clients/${encodeURIComponent(client.id)}`}>{client.email}</a> },
            { label: words.name, cell: (client) => displayName(client) },
            { label: words.kind, cell: (client) => (client.kind === ClientKind.CLIENT_KIND_SERVICE ? words.service : words.user) },
            { label: words.created, cell: (client) => (client.createTime ? frame.locale.date(client.createTime) : '') },
            {
              label: words.state,
              cell: (client) => (
                <>
                  {client.suspended ? <span class="tag">{words.suspendedTag}</span> : words.active}
                  {!client.emailVerified && client.kind === ClientKind.CLIENT_KIND_USER ? <span class="tag">{words.unverifiedTag}</span> : null}
                </>
              ),
            },
          ]}
        />
      )}
      {nextHref || firstHref ? (
        <p class="pager">
          {firstHref ? <a href={firstHref}>{words.first}</a> : null}
          {nextHref ? <a href={nextHref}>{words.next}</a> : null}
        </p>
      ) : null}
    </ConsoleLayout>
  );
}

/** A person's names, or a service's name. */
export function displayName(client: Client): string {
  return client.kind === ClientKind.CLIENT_KIND_SERVICE ? client.name : [client.firstName, client.lastName].filter(Boolean).join(' ');
}
