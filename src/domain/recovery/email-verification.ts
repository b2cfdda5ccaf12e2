/** SendEmailVerification and VerifyEmail: proof that a user reads the email it registered with. */

import type { AuditRecorder } from '../audit/ports.js';
import type { ClientStore, VerificationMail } from '../clients/ports.js';
import { type ClientRecord, type Principal, type PublicClient, publicClient } from '../kernel/client.js';
import type { Clock } from '../kernel/clock.js';
import { domainError, invalidArgument } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import { NO_REQUEST, type RequestContext } from '../kernel/request.js';
import { hashSecret } from '../kernel/secrets.js';
import { MAX_ONE_TIME_TOKEN_LENGTH, type Recovery } from './ports.js';
import { commonMailValues, issueOneTimeToken, limitRequests, requireFeature } from './requests.js';

export interface EmailVerificationDeps {
  clients: ClientStore;
  log: Logger;
  audit: AuditRecorder;
  now: Clock;
  /** Password reset and email verification (mail, one-time tokens); absent when neither is wired. */
  recovery?: Recovery;
}

/** The path of the bridge's verification route; the token follows as `?token=`. */
export const VERIFY_PATH = '/verify-email';

export class EmailVerification implements VerificationMail {
  constructor(private readonly deps: EmailVerificationDeps) {}

  /** Mails the caller a new verification link, unless its email is verified already. */
  async sendEmailVerification(caller: Principal): Promise<void> {
    const recovery = requireFeature(this.deps.recovery, 'emailVerification');
    if (caller.kind !== 'user') throw domainError('NOT_A_USER', 'only users verify an email');
    const client = await this.deps.clients.findById(caller.clientId);
    if (!client) throw domainError('CLIENT_NOT_FOUND');
    if (client.emailVerifiedAt !== null) return;
    await limitRequests(recovery, this.deps.log, [{ key: `verify-client:${client.id}` }]);
    await queueVerificationMail(recovery, client, this.deps.now());
  }

  /** Marks the token's client verified (once; a verified one stays as it was) and spends the token. */
  /** The first verification mail of a user just registered; nothing when verification is off. */
  async mailNewUser(client: ClientRecord): Promise<void> {
    if (!this.deps.recovery?.settings.emailVerification) return;
    await queueVerificationMail(this.deps.recovery, client, this.deps.now());
  }

  async verifyEmail(input: { token: string }, request: RequestContext = NO_REQUEST): Promise<PublicClient> {
    const recovery = requireFeature(this.deps.recovery, 'emailVerification');
    if (input.token === '') throw invalidArgument('token', 'token is required');
    if (input.token.length > MAX_ONE_TIME_TOKEN_LENGTH) throw domainError('VERIFICATION_TOKEN_INVALID');
    const now = this.deps.now();
    const token = await recovery.tokens.consume(hashSecret(input.token), 'email_verification', new Date(now));
    const client = token ? await this.deps.clients.findById(token.clientId) : null;
    if (!client) throw domainError('VERIFICATION_TOKEN_INVALID');
    await recovery.tokens.deleteAllOfClient(client.id, 'email_verification');
    if (client.emailVerifiedAt !== null) return publicClient(client);
    const updated = await this.deps.clients.update(client.id, { emailVerifiedAt: new Date(now), updatedAt: new Date(now) });
    if (!updated) throw domainError('VERIFICATION_TOKEN_INVALID');
    this.deps.audit.record({ type: 'email.verified', outcome: 'success', actor: client.id, target: client.id, details: { email: client.email } }, request);
    return publicClient(updated);
  }
}

/** Issues a verification token for a user and queues the email that carries it. */
async function queueVerificationMail(recovery: Recovery, client: ClientRecord, now: number): Promise<void> {
  const { settings } = recovery;
  const token = await issueOneTimeToken(recovery, client.id, 'email_verification', settings.verificationTokenTtlSeconds, now);
  await recovery.mailer.queue(client, 'email-verification', {
    ...commonMailValues(recovery, client.email),
    link: `${settings.publicUrl}${VERIFY_PATH}?token=${token}`,
    hours: String(Math.round(settings.verificationTokenTtlSeconds / 3600)),
  });
}
