import { expect } from 'chai';
import { renderToString } from 'preact-render-to-string';
import { type AuditEvent, AuditOutcome } from '../../../gen/clientauth/v1/audit.js';
import { type Client, ClientKind } from '../../../gen/clientauth/v1/client.js';
import { localeOf } from '../../../bridge/messages/catalogue.js';
import { ConsoleClientView } from '../../../bridge/views/console-client-view.js';
import { DataTable } from '../../../bridge/views/data-table.js';
import type { PageFrame } from '../../../bridge/views/page-frame.js';

const frame: PageFrame = { locale: localeOf('en'), productName: 'client-auth', logoUrl: null, stylesheet: '/pages.css', requestId: 'r' };
const TIME = new Date(Date.UTC(2026, 11, 7, 12, 0));

describe("The console's table", () => {
  it('names each row by its row-header cell, labels every other cell with its column, and leaves a column of buttons unlabelled', () => {
    const html = renderToString(
      <DataTable
        caption="Keys"
        rows={[{ id: 'k1', state: 'Signing' }]}
        keyOf={(row) => row.id}
        columns={[
          { label: 'Key id', rowHeader: true, cell: (row) => <code>{row.id}</code> },
          { label: 'State', cell: (row) => row.state },
          { label: 'Rotate', actions: true, cell: () => <button type="submit">Rotate</button> },
        ]}
      />,
    );
    expect(html).to.equal(
      '<table class="data-table"><caption>Keys</caption><thead><tr><th scope="col">Key id</th><th scope="col">State</th><th scope="col">Rotate</th></tr></thead>' +
        '<tbody><tr><th scope="row"><code>k1</code></th><td data-label="State">Signing</td><td class="row-actions"><button type="submit">Rotate</button></td></tr></tbody></table>',
    );
  });

  it("names the rows of a client's events by their time, as the audit log does", () => {
    const client = { id: '01900000-0000-7000-8000-000000000002', kind: ClientKind.CLIENT_KIND_USER, email: 'ada@example.org', groups: ['user'] } as Client;
    const event = { id: 'e1', time: TIME, type: 'client.suspended', outcome: AuditOutcome.AUDIT_OUTCOME_FAILURE, actorId: 'a', clientIp: '192.0.2.1', reason: 'LAST_ADMIN' } as AuditEvent;
    const html = renderToString(<ConsoleClientView frame={frame} adminEmail="op@example.org" client={client} sessions={[]} events={[event]} />);
    expect(html).to.contain(`<th scope="row">${frame.locale.dateTime(TIME)}</th><td data-label="Event"><code>client.suspended</code> (LAST_ADMIN)</td>`);
  });
});
