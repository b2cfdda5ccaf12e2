/**
 * BeginTotpEnrollment, ConfirmTotpEnrollment, DisableTotp and GetMySecondFactors: an authenticator app
 * (TOTP, RFC 6238: SHA-1, 6 digits, 30-second steps) as a second factor. An enrolment
 * counts only once a first code confirms it; the secret is stored sealed; a code is
 * accepted once, with one step of clock drift either way.
 */

import type { AttemptLimits } from '../abuse/ports.js';
import type { AuditRecorder } from '../audit/ports.js';
import type { ClientStore } from '../clients/ports.js';
import type { ClientRecord, Principal } from '../kernel/client.js';
import type { Clock } from '../kernel/clock.js';
import { domainError, invalidArgument } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import { NO_REQUEST, type RequestContext } from '../kernel/request.js';
import { SealError, type SecondFactorSettings, type SecondFactorStore, type SecretSealer, type TotpCodes, type TotpFactor } from './ports.js';
import { hashRecoveryCode, newRecoveryCodes, useRecoveryCode } from './recovery-codes.js';

const PERIOD_SECONDS = 30;
/** Steps of clock drift accepted either way. */
const DRIFT_STEPS = 1;

export interface TotpDeps {
  clients: ClientStore;
  secondFactors: SecondFactorStore;
  sealer: SecretSealer;
  totpCodes: TotpCodes;
  secondFactorSettings: SecondFactorSettings;
  limits: AttemptLimits;
  log: Logger;
  audit: AuditRecorder;
  now: Clock;
}

export class Totp {
  constructor(private readonly deps: TotpDeps) {}

  /**
   * Starts (or starts over) an enrolment: a new secret, shown this once as base32 and as an
   * otpauth:// URI for a QR code. Nothing changes for logins until it is confirmed.
   */
  async beginEnrollment(caller: Principal): Promise<{ secret: string; uri: string }> {
    const user = await requireUser(this.deps, caller);
    const existing = await this.deps.secondFactors.findTotp(user.id);
    if (existing?.confirmedAt) throw domainError('TOTP_ALREADY_ENABLED');
    const secret = this.deps.totpCodes.newSecret();
    await this.deps.secondFactors.saveTotp({
      clientId: user.id,
      sealedSecret: this.deps.sealer.seal(secret, sealBinding(user.id)),
      recoveryCodeHashes: [],
      createdAt: new Date(this.deps.now()),
      confirmedAt: null,
    });
    return { secret, uri: this.deps.totpCodes.uri(secret, this.deps.secondFactorSettings.totpIssuer, user.email) };
  }

  /** GetMySecondFactors: whether the caller's TOTP is on; a pending enrolment is not. */
  async status(caller: Principal): Promise<{ totpEnabled: boolean }> {
    const user = await requireUser(this.deps, caller);
    const factor = await this.deps.secondFactors.findTotp(user.id);
    return { totpEnabled: Boolean(factor?.confirmedAt) };
  }

  /** Turns the pending enrolment on with one correct code; returns the recovery codes, shown this once. */
  async confirmEnrollment(caller: Principal, input: { code: string }, request: RequestContext = NO_REQUEST): Promise<{ recoveryCodes: string[] }> {
    const user = await requireUser(this.deps, caller);
    if (input.code === '') throw invalidArgument('code', 'code is required');
    const factor = await this.deps.secondFactors.findTotp(user.id);
    if (!factor) throw domainError('TOTP_NOT_ENABLED', 'begin the enrolment first (BeginTotpEnrollment)');
    if (factor.confirmedAt) throw domainError('TOTP_ALREADY_ENABLED');
    if (!(await acceptTotpCode(this.deps, factor, input.code))) throw domainError('CODE_INVALID', undefined, 'code');
    const recoveryCodes = newRecoveryCodes();
    await this.deps.secondFactors.saveTotp({
      ...factor,
      recoveryCodeHashes: recoveryCodes.map((code) => hashRecoveryCode(user.id, code)),
      confirmedAt: new Date(this.deps.now()),
    });
    this.deps.log.info({ clientId: user.id }, 'TOTP enabled');
    this.deps.audit.record({ type: 'second_factor.enrolled', outcome: 'success', actor: user.id, target: user.id, details: { method: 'totp' } }, request);
    return { recoveryCodes };
  }

  /**
   * Turns TOTP off; it takes a current code or an unused recovery code, counted as a guess
   * at the account's second factor like CompleteLogin's: a stolen access token must not
   * try the million codes until one turns the factor off.
   */
  async disable(caller: Principal, input: { code: string; recoveryCode: string; source?: string }, request: RequestContext = NO_REQUEST): Promise<void> {
    const user = await requireUser(this.deps, caller);
    if ((input.code === '') === (input.recoveryCode === '')) throw invalidArgument('code', 'exactly one of code and recovery_code is required');
    const factor = await this.deps.secondFactors.findTotp(user.id);
    if (!factor?.confirmedAt) throw domainError('TOTP_NOT_ENABLED');
    const attempt = await this.deps.limits.beginSecondFactor(user.email, input.source ?? '');
    const accepted =
      input.code !== '' ? await acceptTotpCode(this.deps, factor, input.code) : await useRecoveryCode(this.deps.secondFactors, factor, input.recoveryCode);
    if (!accepted) throw domainError('CODE_INVALID', undefined, input.code !== '' ? 'code' : 'recovery_code');
    await attempt.succeeded();
    await this.deps.secondFactors.deleteTotp(user.id);
    this.deps.log.info({ clientId: user.id }, 'TOTP disabled');
    this.deps.audit.record({ type: 'second_factor.removed', outcome: 'success', actor: user.id, target: user.id, details: { method: 'totp' } }, request);
  }
}

/**
 * Whether `code` is the factor's code for now, one step before or one after, and that step
 * was not used before: each step's code is accepted once (RFC 6238 section 5.2).
 */
export async function acceptTotpCode(
  deps: Pick<TotpDeps, 'secondFactors' | 'sealer' | 'totpCodes' | 'log' | 'now'>,
  factor: TotpFactor,
  code: string,
): Promise<boolean> {
  let secret: string;
  try {
    secret = deps.sealer.open(factor.sealedSecret, sealBinding(factor.clientId));
  } catch (error) {
    if (!(error instanceof SealError)) throw error;
    // The user can still log in with a recovery code, and then enrol again.
    deps.log.error({ clientId: factor.clientId }, 'a TOTP secret does not open with this KEY_ENCRYPTION_KEY; was the key changed? its codes are refused');
    return false;
  }
  const step = deps.totpCodes.stepOf(secret, code, deps.now(), DRIFT_STEPS);
  if (step === null) return false;
  // Kept until the step can no longer be accepted, with a step to spare.
  const until = new Date((step + DRIFT_STEPS + 2) * PERIOD_SECONDS * 1000);
  return deps.secondFactors.claim(factor.clientId, `totp:${factor.clientId}:${step}`, until);
}

/** The calling client's record, which must be a user: services have no second factor. */
export async function requireUser(deps: { clients: ClientStore }, caller: Principal): Promise<ClientRecord> {
  const client = await deps.clients.findById(caller.clientId);
  if (!client) throw domainError('CLIENT_NOT_FOUND');
  if (client.kind !== 'user') throw domainError('NOT_A_USER', 'only users have second factors');
  return client;
}

/** A sealed secret opens only for the client it was sealed for: copied onto another record, it does not. */
function sealBinding(clientId: string): string {
  return `totp:${clientId}`;
}
