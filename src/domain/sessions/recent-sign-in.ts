/**
 * CheckRecentSignIn: whether the caller's session signed in recently enough for an
 * admin's state-changing action in the console (ADMIN_REAUTH_MIN). The engine decides
 * what "recently" means; the console only asks (docs/console.md).
 *
 * A session's sign-in time is its `createdAt`: a session begins only once every credential
 * it needs was checked (the password, and the second factor when the client has one, at
 * CompleteLogin), and refreshing it never moves that time. Signing in again (the console's
 * re-authentication is a sign-in) starts a new session with a new time.
 */
import type { Principal } from '../kernel/client.js';
import type { Clock } from '../kernel/clock.js';
import type { SessionStore } from './ports.js';

export interface RecentSignInDeps {
  sessions: SessionStore;
  /** ADMIN_REAUTH_MIN in seconds: how long after its sign-in a session counts as recent. */
  recentSignInSeconds: number;
  now: Clock;
}

export interface RecentSignInAnswer {
  recent: boolean;
  /** When the caller's session signed in; null for a caller without a live session. */
  signedInAt: Date | null;
  /** Until when it counts as recent; null as signedInAt. */
  recentUntil: Date | null;
}

const NONE: RecentSignInAnswer = Object.freeze({ recent: false, signedInAt: null, recentUntil: null });

export class RecentSignIn {
  constructor(private readonly deps: RecentSignInDeps) {}

  async check(caller: Principal): Promise<RecentSignInAnswer> {
    if (caller.sessionId === '') return { ...NONE };
    const session = await this.deps.sessions.findSession(caller.sessionId);
    const now = this.deps.now();
    // A session of someone else cannot be the caller's; an ended one proves nothing.
    if (!session || session.clientId !== caller.clientId || session.revokedAt !== null || session.expiresAt.getTime() <= now) return { ...NONE };
    const recentUntil = new Date(session.createdAt.getTime() + this.deps.recentSignInSeconds * 1000);
    return { recent: now < recentUntil.getTime(), signedInAt: session.createdAt, recentUntil };
  }
}
