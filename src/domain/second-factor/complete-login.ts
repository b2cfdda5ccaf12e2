/**
 * The second step of a login for a client with a second factor. After a correct password
 * such a client gets no tokens but a login challenge: a ticket (login-tickets.ts) valid for
 * five minutes, naming the factors it may use (login-challenges.ts). CompleteLogin trades the challenge and one
 * factor for the token pair; one attempt uses the challenge up, right or wrong. Every code
 * is counted before it is checked (src/domain/abuse/attempt-limits.ts), and only a completed login starts
 * the email's counts over, so the second factor cannot be guessed at leisure once the
 * password is known.
 */

import type { AttemptLimits } from '../abuse/ports.js';
import type { AuditRecorder } from '../audit/ports.js';
import type { ClientStore } from '../clients/ports.js';
import type { ClientRecord } from '../kernel/client.js';
import type { Clock } from '../kernel/clock.js';
import { domainError, invalidArgument } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import { NO_REQUEST, type RequestContext } from '../kernel/request.js';
import type { AuthMethod, TokenPair } from '../sessions/ports.js';
import { secondFactorRecords } from './factor-records.js';
import { openTicket, redeemTicket } from './login-tickets.js';
import type { PasskeyAssertion, Passkeys } from './passkeys.js';
import type { SecondFactorStore, SecretSealer, SessionStarter, TotpCodes } from './ports.js';
import { useRecoveryCode } from './recovery-codes.js';
import { acceptTotpCode } from './totp.js';

export interface SecondFactorLoginDeps {
  clients: ClientStore;
  secondFactors: SecondFactorStore;
  sealer: SecretSealer;
  totpCodes: TotpCodes;
  limits: AttemptLimits;
  log: Logger;
  audit: AuditRecorder;
  now: Clock;
}

export interface CompleteLoginInput {
  /** The client IP the attempt comes from, '' when unknown. */
  source?: string;
  challengeToken: string;
  totpCode: string;
  recoveryCode: string;
  /** A passkey assertion for a ceremony begun with BeginPasskeyLogin and this challenge. */
  passkey: PasskeyAssertion | null;
}

export class SecondFactorLogin {
  constructor(
    private readonly deps: SecondFactorLoginDeps,
    private readonly sessions: SessionStarter,
    private readonly passkeys: Passkeys,
  ) {}

  /** Trades a login challenge and one second factor for the token pair; the challenge is used up either way. */
  completeLogin(input: CompleteLoginInput, request: RequestContext = NO_REQUEST): Promise<TokenPair> {
    const method = input.passkey ? 'passkey' : input.totpCode !== '' ? 'totp' : input.recoveryCode !== '' ? 'recovery_code' : '';
    const seen = { target: '', method };
    return this.deps.audit.outcome(request, () => this.checkFactor(input, seen, request), secondFactorRecords(seen));
  }

  private async checkFactor(input: CompleteLoginInput, seen: { target: string }, request: RequestContext): Promise<TokenPair> {
    const given = [input.totpCode !== '', input.recoveryCode !== '', input.passkey !== null].filter(Boolean).length;
    if (given !== 1) throw invalidArgument('totp_code', 'exactly one of totp_code, recovery_code and passkey is required');
    const ticket = openTicket(this.deps.sealer, 'login-challenge', input.challengeToken, this.deps.now(), 'challenge_token');
    const client = await this.deps.clients.findById(ticket.clientId);
    if (!client) throw domainError('CHALLENGE_INVALID');
    seen.target = client.id;
    if (client.suspended) throw domainError('CLIENT_SUSPENDED');
    const attempt = await this.deps.limits.beginSecondFactor(client.email, input.source ?? '');

    // Used up by any attempt, right or wrong: each guess at a code costs a login with the password.
    await redeemTicket(this.deps.secondFactors, ticket, client.id);
    const method = await this.check(client, input);
    if (method === null) throw domainError('SECOND_FACTOR_INVALID');
    await attempt.succeeded();
    return this.sessions.startSession(client, ['pwd', method], request);
  }

  /** The method the factor given proves, or null when it proves nothing. */
  private async check(client: ClientRecord, input: CompleteLoginInput): Promise<AuthMethod | null> {
    if (input.passkey) return (await this.passkeys.verifyAssertion(input.passkey, client.id)) ? 'hwk' : null;
    const factor = await this.deps.secondFactors.findTotp(client.id);
    if (!factor?.confirmedAt) return null;
    const accepted =
      input.totpCode !== ''
        ? await acceptTotpCode(this.deps, factor, input.totpCode)
        : await useRecoveryCode(this.deps.secondFactors, factor, input.recoveryCode);
    return accepted ? 'otp' : null;
  }
}
