/**
 * /admin/deletion-requests: the outbox's deletion requests as ListDeletionRequests gives
 * them, newest first, each delivered (and when) or pending; all of them or the pending
 * only, a page at a time.
 */
import { ClientKind, type DeletionRequest } from '../../gen/clientauth/v1/client.js';
import { ConsoleLayout } from './console-layout.js';
import { DataTable } from './data-table.js';
import type { PageFrame } from './page-frame.js';

export const DELETIONS_PATH = '/admin/deletion-requests';

export interface ConsoleDeletionsViewProps {
  frame: PageFrame;
  adminEmail: string;
  requests: readonly DeletionRequest[];
  pendingOnly: boolean;
  /** The next (older) page's address; none on the last page. */
  nextPage?: string | undefined;
}

export function ConsoleDeletionsView({ frame, adminEmail, requests, pendingOnly, nextPage }: ConsoleDeletionsViewProps) {
  const { locale } = frame;
  const words = locale.t.consoleOps.deletions;
  const when = (date: Date | undefined) => (date ? locale.dateTime(date) : locale.t.consoleOps.none);
  return (
    <ConsoleLayout frame={frame} title={locale.t.console.nav.sections.deletionRequests} current="deletionRequests" adminEmail={adminEmail}>
      <p>{words.intro}</p>
      <p class="filter-links">{pendingOnly ? <a href={DELETIONS_PATH}>{words.all}</a> : <a href={`${DELETIONS_PATH}?pending=1`}>{words.pendingOnly}</a>}</p>
      {requests.length === 0 ? (
        <p>{words.none}</p>
      ) : (
        <DataTable
          caption={pendingOnly ? `${words.listCaption} (${words.pendingOnly})` : words.listCaption}
          rows={requests}
          keyOf={(request) => `${request.clientId}:${request.requestTime?.getTime() ?? 0}`}
          columns={[
            { label: words.client, rowHeader: true, cell: (request) => <code>{request.clientId}</code> },
            { label: words.kind, cell: (request) => (request.kind === ClientKind.CLIENT_KIND_SERVICE ? words.service : words.user) },
            { label: words.requested, cell: (request) => when(request.requestTime) },
            { label: words.by, cell: (request) => <code>{request.requestedBy}</code> },
            { label: words.state, cell: (request) => (request.delivered ? words.delivered(when(request.deliverTime)) : <strong>{words.pending}</strong>) },
          ]}
        />
      )}
      {nextPage ? (
        <p>
          <a href={nextPage}>{words.more}</a>
        </p>
      ) : null}
    </ConsoleLayout>
  );
}
