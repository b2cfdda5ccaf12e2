/**
 * /admin/clients/:id: one client's record, what an admin can do to it (each a form of its
 * own, posted to the action's address, re-authenticated by pages/console-action.tsx), and
 * the latest audit events about it.
 */
import type { AuditEvent } from '../../gen/clientauth/v1/audit.js';
import { AuditOutcome } from '../../gen/clientauth/v1/audit.js';
import type { Client } from '../../gen/clientauth/v1/client.js';
import { ClientKind } from '../../gen/clientauth/v1/client.js';
import type { FormError } from '../pages/form.js';
import { displayName } from './console-clients-view.js';
import { ConsoleLayout } from './console-layout.js';
import { DataTable } from './data-table.js';
import { Button, ErrorSummary, Notice, PostForm, TextField } from './form.js';
import type { PageFrame } from './page-frame.js';

/** One of the client's live sessions, as the page lists it. */
export interface ClientSessionRow {
  id: string;
  /** The browser or app, in words (pages/device-name.ts). */
  device: string;
  clientIp: string;
  signedInAt: Date | undefined;
  lastUsedAt: Date | undefined;
}

export interface ConsoleClientViewProps {
  frame: PageFrame;
  adminEmail: string;
  client: Client;
  sessions: readonly ClientSessionRow[];
  events: readonly AuditEvent[];
  notice?: string | undefined;
  errors?: readonly FormError[];
  /** What the admin typed into a form that failed, by field. */
  typed?: Readonly<Record<string, string>>;
}

export function ConsoleClientView({ frame, adminEmail, client, sessions, events, notice, errors = [], typed = {} }: ConsoleClientViewProps) {
  const { locale } = frame;
  const words = locale.t.consoleClients.client;
  const list = locale.t.consoleClients.list;
  const base = `/admin/clients/${encodeURIComponent(client.id)}`;
  const when = (date: Date | undefined) => (date ? locale.dateTime(date) : '');
  const ownGroups = client.groups.filter((group) => group !== 'user' && group !== 'service');
  return (
    <ConsoleLayout frame={frame} title={words.titleOf(client.email)} current="clients" adminEmail={adminEmail} hasErrors={errors.length > 0}>
      <p>
        <a href="/admin/clients">{words.back}</a>
      </p>
      <ErrorSummary frame={frame} errors={errors} />
      {notice ? <Notice frame={frame} message={notice} /> : null}

      <section aria-labelledby="profile-title">
        <h2 id="profile-title">{words.profile}</h2>
        <dl class="summary-list">
          <dt>{words.id}</dt>
          <dd>
            <code>{client.id}</code>
          </dd>
          <dt>{words.kind}</dt>
          <dd>{client.kind === ClientKind.CLIENT_KIND_SERVICE ? list.service : list.user}</dd>
          <dt>{words.email}</dt>
          <dd>{client.email}</dd>
          <dt>{words.name}</dt>
          <dd>{displayName(client)}</dd>
          <dt>{words.emailVerified}</dt>
          <dd>{client.emailVerified && client.emailVerifyTime ? words.emailVerifiedAt(when(client.emailVerifyTime)) : words.notVerified}</dd>
          <dt>{words.created}</dt>
          <dd>{when(client.createTime)}</dd>
          <dt>{words.updated}</dt>
          <dd>{when(client.updateTime)}</dd>
        </dl>
      </section>

      <section aria-labelledby="suspension-title">
        <h2 id="suspension-title">{words.suspension}</h2>
        {client.suspended ? (
          <>
            <p>{words.suspendedSince(when(client.suspendTime), client.suspendedBy)}</p>
            <p>
              {words.suspendedWhy}: {client.suspensionReason}
            </p>
            <PostForm action={`${base}/reinstate`}>
              <Button>{words.reinstate}</Button>
            </PostForm>
          </>
        ) : (
          <>
            <p>{words.notSuspended}</p>
            <PostForm action={`${base}/suspend`}>
              <TextField frame={frame} name="reason" label={words.suspendReason} hint={words.suspendHint} errors={errors} value={typed['reason']} />
              <Button>{words.suspend}</Button>
            </PostForm>
          </>
        )}
      </section>

      <section aria-labelledby="sessions-title">
        <h2 id="sessions-title">{words.sessions}</h2>
        <p>{words.sessionsIntro}</p>
        {sessions.length === 0 ? (
          <p>{words.noSessions}</p>
        ) : (
          <>
            <DataTable
              caption={words.sessionsCaption}
              rows={sessions}
              keyOf={(session) => session.id}
              columns={[
                { label: words.device, rowHeader: true, cell: (session) => session.device },
                { label: words.ip, cell: (session) => session.clientIp },
                { label: words.signedIn, cell: (session) => when(session.signedInAt) },
                { label: words.lastUsed, cell: (session) => when(session.lastUsedAt) },
                {
                  label: words.endSession,
                  actions: true,
                  cell: (session) => (
                    <PostForm action={`${base}/sessions/end`} hidden={{ session_id: session.id }}>
                      <Button secondary>
                        {words.endSession}
                        <span class="visually-hidden">
                          {' '}
                          {session.device}, {when(session.lastUsedAt)}
                        </span>
                      </Button>
                    </PostForm>
                  ),
                },
              ]}
            />
            <PostForm action={`${base}/sessions/end-all`}>
              <Button secondary>{words.endAll}</Button>
            </PostForm>
          </>
        )}
      </section>

      <section aria-labelledby="groups-title">
        <h2 id="groups-title">{words.groups}</h2>
        <PostForm action={`${base}/groups`}>
          <TextField
            frame={frame}
            name="groups"
            label={words.groupsLabel}
            hint={words.groupsHint}
            errors={errors}
            value={typed['groups'] ?? ownGroups.join(', ')}
            spellcheck={false}
          />
          <Button secondary>{words.saveGroups}</Button>
        </PostForm>
      </section>

      {client.kind === ClientKind.CLIENT_KIND_USER ? (
        <section aria-labelledby="factors-title">
          <h2 id="factors-title">{words.secondFactors}</h2>
          <p>{words.secondFactorsIntro}</p>
          <PostForm action={`${base}/reset-second-factor`}>
            <Button secondary>{words.resetSecondFactors}</Button>
          </PostForm>
        </section>
      ) : null}

      <section aria-labelledby="delete-title">
        <h2 id="delete-title">{words.deletion}</h2>
        <p>{words.deletionIntro}</p>
        <PostForm action={`${base}/delete`}>
          <TextField frame={frame} name="confirm_email" label={words.confirmEmail} errors={errors} value={typed['confirm_email']} spellcheck={false} />
          <Button secondary>{words.delete}</Button>
        </PostForm>
      </section>

      <section aria-labelledby="audit-title">
        <h2 id="audit-title">{words.audit}</h2>
        {events.length === 0 ? (
          <p>{words.auditNone}</p>
        ) : (
          <DataTable
            caption={words.auditCaption}
            rows={events}
            keyOf={(event) => event.id}
            columns={[
              { label: words.time, rowHeader: true, cell: (event) => when(event.time) },
              {
                label: words.event,
                cell: (event) => (
                  <>
                    <code>{event.type}</code>
                    {event.reason ? ` (${event.reason})` : ''}
                  </>
                ),
              },
              { label: words.outcome, cell: (event) => (event.outcome === AuditOutcome.AUDIT_OUTCOME_SUCCESS ? words.success : words.failure) },
              { label: words.actor, cell: (event) => event.actorId },
              { label: words.ip, cell: (event) => event.clientIp },
            ]}
          />
        )}
        <p>
          <a href={`/admin/audit?target=${encodeURIComponent(client.id)}`}>{words.auditMore}</a>
        </p>
      </section>
    </ConsoleLayout>
  );
}
