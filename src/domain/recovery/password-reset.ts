/** RequestPasswordReset and ResetPassword: a forgotten password replaced through an emailed link. */

import type { PasswordBlocklist, PasswordHashing, StrengthRule } from '../abuse/ports.js';
import type { AuditRecorder } from '../audit/ports.js';
import type { AppGrants, ClientStore } from '../clients/ports.js';
import type { Clock } from '../kernel/clock.js';
import { describeError } from '../kernel/error-text.js';
import { domainError, invalidArgument } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import { NO_REQUEST, type RequestContext } from '../kernel/request.js';
import { hashSecret } from '../kernel/secrets.js';
import * as v from '../kernel/validation.js';
import { type RevocationList, revokeAccessTokensOf } from '../revocation/ports.js';
import type { LegacyTokenEnds, Lifetimes, SessionStore } from '../sessions/ports.js';
import { MAX_ONE_TIME_TOKEN_LENGTH, type Recovery } from './ports.js';
import { commonMailValues, issueOneTimeToken, limitRequests, requireFeature } from './requests.js';

export interface PasswordResetDeps {
  clients: ClientStore;
  sessions: SessionStore;
  revocations: RevocationList;
  hasher: PasswordHashing;
  blocklist: PasswordBlocklist;
  strength: StrengthRule;
  lifetimes: Lifetimes;
  log: Logger;
  audit: AuditRecorder;
  now: Clock;
  /** Password reset and email verification (mail, one-time tokens); absent when neither is wired. */
  recovery?: Recovery;
  /** The person's grants to apps, which a reset ends with the sessions; absent where no OpenID Provider is wired. */
  appGrants?: AppGrants;
  /** Ends the person's tokens of the original service; absent or null when LEGACY_TOKENS_UNTIL is not set. */
  legacyTokenEnds?: LegacyTokenEnds | null;
}

/**
 * The path of the bridge's reset page; the token follows as `?token=`, so the page works
 * without script (it posts the token back in its form). The bridge never logs a query and
 * answers the page with no Referer; why not the fragment: docs/adr/0012-reset-link-query.md.
 */
export const RESET_PAGE_PATH = '/password-reset';

export class PasswordReset {
  /** Reset requests still being worked on after their answer, so shutdown can wait for them. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: PasswordResetDeps) {}

  /**
   * Answers the same, in the same time, for any email: the lookup, the token and the
   * queueing of the mail happen after the answer, so neither its content nor its timing
   * says whether the email is registered. Requests are limited per email and per client IP.
   */
  async requestPasswordReset(input: { email: string; clientIp: string }): Promise<void> {
    const recovery = requireFeature(this.deps.recovery, 'passwordReset');
    const email = v.normalizeEmail('email', input.email);
    const ipKey = input.clientIp ? [{ key: `reset-ip:${input.clientIp}`, perIp: true }] : [];
    await limitRequests(recovery, this.deps.log, [{ key: `reset-email:${email}` }, ...ipKey]);
    const work = this.sendResetMail(email).catch((error: unknown) => {
      this.deps.log.warn({ err: describeError(error) }, 'a password-reset request could not be carried out');
    });
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /**
   * Sets a new password with a reset token: the token is spent, the user's other reset
   * tokens die, every session and every grant to an app ends and a notice is mailed. An
   * unknown, used or expired token (or one whose user is suspended or gone) is
   * RESET_TOKEN_INVALID alike.
   */
  async resetPassword(input: { token: string; newPassword: string }, request: RequestContext = NO_REQUEST): Promise<void> {
    const recovery = requireFeature(this.deps.recovery, 'passwordReset');
    const { clients, sessions, hasher } = this.deps;
    if (input.token === '') throw invalidArgument('token', 'token is required');
    const password = v.checkPassword('new_password', input.newPassword);
    if (input.token.length > MAX_ONE_TIME_TOKEN_LENGTH) throw domainError('RESET_TOKEN_INVALID');
    const now = this.deps.now();
    const tokenHash = hashSecret(input.token);
    // The password's rules are checked before the token is spent, so a refused password
    // costs no new email, and after it is found, so that only the holder of a live link
    // gets an estimate (milliseconds of this thread) and the account's own words count.
    const pending = await recovery.tokens.find(tokenHash, 'password_reset', new Date(now));
    const holder = pending && (await clients.findById(pending.clientId));
    if (holder?.kind !== 'user' || holder.suspended) throw domainError('RESET_TOKEN_INVALID');
    this.deps.blocklist.check('new_password', password, holder.email);
    await this.deps.strength.check('new_password', password, holder);
    const token = await recovery.tokens.consume(tokenHash, 'password_reset', new Date(now));
    if (!token) throw domainError('RESET_TOKEN_INVALID');
    const client = await clients.findById(token.clientId);
    if (client?.kind !== 'user' || client.suspended) throw domainError('RESET_TOKEN_INVALID');

    let passwordHash: string;
    try {
      passwordHash = await hasher.hash(password);
    } catch (error) {
      // A refusal to hash now (a busy server) must not cost the user the link: it works again.
      await recovery.tokens.add(token);
      throw error;
    }
    await clients.update(client.id, { passwordHash, updatedAt: new Date(now) });
    await recovery.tokens.deleteAllOfClient(client.id, 'password_reset');
    const revoked = await sessions.revokeAllOfClient(client.id, new Date(now));
    await revokeAccessTokensOf(this.deps, client.id, revoked, now + this.deps.lifetimes.accessToken * 1000);
    // A grant can outlive every session (one that expired announces nothing), so it is ended here, not only through them.
    await this.deps.appGrants?.revokeGrantsOf(client.id);
    await this.deps.legacyTokenEnds?.endAllOf(client.id, new Date(now));
    this.deps.audit.record({ type: 'password.reset', outcome: 'success', actor: client.id, target: client.id }, request);
    // The password is changed; a notice that cannot be queued now must not undo that.
    await recovery.mailer.queue(client, 'password-changed', commonMailValues(recovery, client.email)).catch((error: unknown) => {
      this.deps.log.warn({ clientId: client.id, err: describeError(error) }, 'password-changed notice not queued');
    });
  }

  /** Waits for reset requests already answered but not yet carried out. */
  async settle(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  private async sendResetMail(email: string): Promise<void> {
    const recovery = requireFeature(this.deps.recovery, 'passwordReset');
    const client = await this.deps.clients.findByEmail(email);
    // Services have no password, and a suspended user may not take its account back this way.
    if (client?.kind !== 'user' || client.suspended) return;
    const { settings } = recovery;
    const token = await issueOneTimeToken(recovery, client.id, 'password_reset', settings.resetTokenTtlSeconds, this.deps.now());
    await recovery.mailer.queue(client, 'password-reset', {
      ...commonMailValues(recovery, client.email),
      link: `${settings.publicUrl}${RESET_PAGE_PATH}?token=${token}`,
      minutes: String(Math.round(settings.resetTokenTtlSeconds / 60)),
    });
  }
}
