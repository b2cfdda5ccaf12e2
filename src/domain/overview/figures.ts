/** GetAdminOverview: the figures of the admin console's front page. */

import type { AuditEventType, AuditRecorder } from '../audit/ports.js';
import { type Principal, requireAdmin } from '../kernel/client.js';
import type { Clock } from '../kernel/clock.js';
import type { KeySource, KeyStatus, SigningKeySet } from '../signing-keys/ports.js';
import type { OverviewCounts } from './ports.js';

/** A completed sign-in: a login with no second step, or the second step of one. */
const SIGN_IN_TYPES: readonly AuditEventType[] = ['login.succeeded', 'second_factor.passed'];
/**
 * A sign-in refused after its credentials were checked. A throttled attempt was refused
 * before any check, and a flood of them is coalesced in the trail: counting it would say
 * nothing about how often a credential was wrong.
 */
const FAILED_SIGN_IN_TYPES: readonly AuditEventType[] = ['login.failed', 'second_factor.failed'];
const DAY_MS = 24 * 3600 * 1000;

export interface AdminOverviewDeps {
  overviewCounts: OverviewCounts;
  audit: AuditRecorder;
  keys: Pick<SigningKeySet, 'inventory'>;
  now: Clock;
}

export interface AdminFigures {
  countedAt: Date;
  users: number;
  services: number;
  suspended: number;
  activeSessions: number;
  signIns: number;
  failedSignIns: number;
  pendingDeletionRequests: number;
  keySource: KeySource;
  /** The key that signs now; null with HS256, which publishes none. */
  signingKey: KeyStatus | null;
}

export class AdminOverview {
  constructor(private readonly deps: AdminOverviewDeps) {}

  /** The counts, read side by side; admins only, checked before any read. */
  async figures(caller: Principal): Promise<AdminFigures> {
    requireAdmin(caller);
    const { overviewCounts: counts, keys } = this.deps;
    // Like every reader of the trail: the sign-ins this instance has just recorded count.
    await this.deps.audit.flush();
    const countedAt = new Date(this.deps.now());
    const since = new Date(countedAt.getTime() - DAY_MS);
    const [tallies, activeSessions, signIns, failedSignIns, pendingDeletionRequests, inventory] = await Promise.all([
      counts.clients(),
      counts.liveSessions(countedAt),
      counts.auditEvents(SIGN_IN_TYPES, since),
      counts.auditEvents(FAILED_SIGN_IN_TYPES, since),
      counts.pendingOutbox('client.deletion_requested'),
      keys.inventory(),
    ]);
    const sum = (keep: (tally: (typeof tallies)[number]) => boolean) => tallies.filter(keep).reduce((total, tally) => total + tally.count, 0);
    return {
      countedAt,
      users: sum((tally) => tally.kind === 'user'),
      services: sum((tally) => tally.kind === 'service'),
      suspended: sum((tally) => tally.suspended),
      activeSessions,
      signIns,
      failedSignIns,
      pendingDeletionRequests,
      keySource: inventory.source,
      signingKey: inventory.keys.find((key) => key.state === 'active') ?? null,
    };
  }
}
