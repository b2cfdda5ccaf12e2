/**
 * The console's page of one client: /admin/clients/:id (GetClient, the latest of
 * ListAuditEvents about it, ListClientSessions) and its actions, each one admin RPC
 * (SuspendClient, ReinstateClient, SetClientGroups, ResetSecondFactor, EndClientSessions,
 * DeleteClient), which audits it. The service decides everything: a refusal (the last
 * admin, a bad reason) shows the client's page again with the reason. The list of clients
 * is console-client-list-pages.tsx.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Client } from '../../gen/clientauth/v1/client.js';
import type { ClientAuthCallOptions } from '../../src/sdk/typed-client.js';
import { invalidField } from '../middleware/http-error.js';
import { adminAction } from '../pages/console-action.js';
import { adminPage } from '../pages/console-gate.js';
import { deviceName } from '../pages/device-name.js';
import type { FormError } from '../pages/form.js';
import { sectionFailure } from '../pages/section-failure.js';
import { ConsoleClientDeletedView } from '../views/console-client-deleted-view.js';
import { ConsoleClientView } from '../views/console-client-view.js';
import { consoleClientListPages } from './console-client-list-pages.js';
import type { PageRouteDependencies } from './page-dependencies.js';

/** The Clients section's paths, as its routes name them (console-paths.ts lists them). */
export const CLIENT_PATHS = {
  client: '/admin/clients/:id',
  suspend: '/admin/clients/:id/suspend',
  reinstate: '/admin/clients/:id/reinstate',
  groups: '/admin/clients/:id/groups',
  resetSecondFactor: '/admin/clients/:id/reset-second-factor',
  delete: '/admin/clients/:id/delete',
  deletion: '/admin/clients/:id/deletion',
  endSession: '/admin/clients/:id/sessions/end',
  endAllSessions: '/admin/clients/:id/sessions/end-all',
} as const;

/** Audit events the client's page shows; the audit log has the rest. */
const EVENTS_SHOWN = 20;
/** Deletion requests searched for the one of a deleted client: the newest, as ListDeletionRequests answers them. */
const DELETIONS_SEARCHED = 200;

export function consoleClientPages(router: Router, deps: PageRouteDependencies): void {
  consoleClientListPages(router, deps);
  const { api, renderer } = deps;
  const pathOf = (id: string) => `/admin/clients/${encodeURIComponent(id)}`;
  const idOf = (ctx: Context) => ctx.params['id'] ?? '';

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
    const sessions = (await api.listClientSessions({ clientId: client.id }, call)).sessions.map((session) => ({
      id: session.id,
      device: deviceName(frame.locale, session.userAgent),
      clientIp: session.clientIp,
      signedInAt: session.createTime,
      lastUsedAt: session.lastUseTime,
    }));
    const words = frame.locale.t.consoleClients.client;
    const notices: Readonly<Record<string, string>> = {
      suspended: words.suspended,
      reinstated: words.reinstated,
      groups: words.groupsSaved,
      'factors-reset': words.factorsReset,
      'sessions-ended': words.sessionsEnded,
    };
    const key = ctx.query['notice'];
    const notice = failed === null && typeof key === 'string' && Object.hasOwn(notices, key) ? notices[key] : undefined;
    const view = (
      <ConsoleClientView
        frame={frame}
        adminEmail={admin.email}
        client={client}
        sessions={sessions}
        events={events}
        notice={notice}
        errors={failed?.errors}
        typed={failed?.typed}
      />
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

  router.post(
    CLIENT_PATHS.endSession,
    adminAction(deps, {
      fields: ['session_id'],
      section: 'clients',
      cancel,
      handler: async (ctx, call, admin, form) => {
        const id = idOf(ctx);
        // An empty id would end every session: that is the other form's, never this one's.
        if (form.session_id === '') throw invalidField('session_id', 'session_id is required');
        const done = await attempt(ctx, call, admin, form, {}, () => api.endClientSessions({ clientId: id, sessionId: form.session_id }, call));
        if (done) renderer.redirect(ctx, `${pathOf(id)}?notice=sessions-ended`);
      },
    }),
  );

  router.post(
    CLIENT_PATHS.endAllSessions,
    adminAction(deps, {
      fields: [],
      section: 'clients',
      cancel,
      handler: async (ctx, call, admin) => {
        const id = idOf(ctx);
        const done = await attempt(ctx, call, admin, {}, {}, () => api.endClientSessions({ clientId: id, sessionId: '' }, call));
        if (done) renderer.redirect(ctx, `${pathOf(id)}?notice=sessions-ended`);
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
