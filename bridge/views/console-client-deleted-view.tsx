/** /admin/clients/:id/deletion: a deleted client's deletion request and how far its delivery to the other services has got. */
import type { DeletionRequest } from '../../gen/clientauth/v1/client.js';
import { ConsoleLayout } from './console-layout.js';
import { Notice } from './form.js';
import type { PageFrame } from './page-frame.js';

export function ConsoleClientDeletedView({
  frame,
  adminEmail,
  clientId,
  request,
}: {
  frame: PageFrame;
  adminEmail: string;
  clientId: string;
  request: DeletionRequest | undefined;
}) {
  const words = frame.locale.t.consoleClients.deleted;
  const state =
    request === undefined
      ? words.unknown
      : request.delivered && request.deliverTime
        ? words.delivered(frame.locale.dateTime(request.deliverTime))
        : words.pending;
  return (
    <ConsoleLayout frame={frame} title={words.title} current="clients" adminEmail={adminEmail}>
      <Notice frame={frame} message={words.intro(clientId)} />
      <p class="cascade" id="deletion-state">
        {state}
      </p>
      <p>
        <a href="/admin/clients">{words.toClients}</a>
      </p>
    </ConsoleLayout>
  );
}
