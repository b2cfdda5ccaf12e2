/** ListAuditEvents and ListMySignIns: reading the audit trail back. */

import { type Principal, requireAdmin } from '../kernel/client.js';
import { invalidArgument } from '../kernel/errors.js';
import { decodePageToken, encodePageToken, LIST_PAGE_DEFAULT, LIST_PAGE_MAX } from '../kernel/page-token.js';
import { ANONYMOUS, SYSTEM } from '../kernel/request.js';
import * as v from '../kernel/validation.js';
import {
  type AuditEvent,
  type AuditEventType,
  type AuditLog,
  type AuditOutcome,
  type AuditQuery,
  type AuditRecorder,
  isAuditEventType,
  SIGN_IN_TYPES,
} from './ports.js';

export interface AuditTrailDeps {
  audit: AuditRecorder;
  auditLog: AuditLog;
}

/** One page, newest first; `nextPageToken` is empty on the last page. */
export interface AuditPage {
  events: AuditEvent[];
  nextPageToken: string;
}

export interface AuditFilters {
  pageSize: number;
  pageToken: string;
  /** '' for any. */
  targetClientId: string;
  /** '' for any. */
  actorId: string;
  /** '' for any. */
  type: string;
  outcome?: AuditOutcome | 'invalid';
  /** The client IP, normalised as the recorder stores it; 'invalid' when the caller gave something else. */
  clientIp?: string | 'invalid';
  from?: Date;
  to?: Date;
}

const SIGN_INS_DEFAULT = 20;
const SIGN_INS_MAX = 100;

export class AuditTrail {
  constructor(private readonly deps: AuditTrailDeps) {}

  async listAuditEvents(caller: Principal, input: AuditFilters): Promise<AuditPage> {
    requireAdmin(caller);
    const limit = v.pageSize('page_size', input.pageSize, LIST_PAGE_DEFAULT, LIST_PAGE_MAX);
    if (input.type !== '' && !isAuditEventType(input.type))
      throw invalidArgument('type', `type must be one of the audit event types; got "${input.type.slice(0, 64)}"`);
    if (input.actorId !== '' && input.actorId !== ANONYMOUS && input.actorId !== SYSTEM) v.clientId('actor_id', input.actorId);
    if (input.targetClientId !== '') v.clientId('target_client_id', input.targetClientId);
    if (input.outcome === 'invalid') throw invalidArgument('outcome', 'outcome is not a known audit outcome');
    if (input.clientIp === 'invalid') throw invalidArgument('client_ip', 'client_ip must be an IPv4 or IPv6 address');
    if (input.from && input.to && input.from >= input.to) throw invalidArgument('end_time', 'end_time must be after start_time');
    return this.page(limit, input.pageToken, {
      ...(input.targetClientId ? { target: input.targetClientId } : {}),
      ...(input.actorId ? { actor: input.actorId } : {}),
      ...(input.type ? { types: [input.type as AuditEventType] } : {}),
      ...(input.outcome ? { outcome: input.outcome } : {}),
      ...(input.clientIp ? { ip: input.clientIp } : {}),
      ...(input.from ? { from: input.from } : {}),
      ...(input.to ? { to: input.to } : {}),
    });
  }

  /** The caller's own sign-ins: its logins and the failed or throttled attempts on its account. */
  async listMySignIns(caller: Principal, input: { pageSize: number; pageToken: string }): Promise<AuditPage> {
    const limit = v.pageSize('page_size', input.pageSize, SIGN_INS_DEFAULT, SIGN_INS_MAX);
    return this.page(limit, input.pageToken, { target: caller.clientId, types: SIGN_IN_TYPES });
  }

  private async page(limit: number, pageToken: string, filters: Omit<AuditQuery, 'limit' | 'beforeId'>): Promise<AuditPage> {
    const beforeId = pageToken === '' ? undefined : decodePageToken(pageToken);
    // Records gather briefly before they are written (see audit.ts): a caller who has just
    // been refused a login and asks for its sign-ins on this instance must see the refusal.
    await this.deps.audit.flush();
    // One more than asked for tells whether there is a next page without a second query.
    const found = await this.deps.auditLog.list({ ...filters, limit: limit + 1, ...(beforeId ? { beforeId } : {}) });
    const events = found.slice(0, limit);
    const last = events[events.length - 1];
    return { events, nextPageToken: found.length > limit && last ? encodePageToken(last.id) : '' };
  }
}
