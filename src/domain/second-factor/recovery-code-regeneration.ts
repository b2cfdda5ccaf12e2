/**
 * RegenerateRecoveryCodes: ten new recovery codes for a user who has used some, or fears
 * the old ones were seen. It takes a current TOTP code, counted as a guess at the account's
 * second factor (a stolen access token alone must not turn into codes that log in), and the
 * old codes die with the change.
 */

import type { AttemptLimits } from '../abuse/ports.js';
import type { AuditRecorder } from '../audit/ports.js';
import type { ClientStore } from '../clients/ports.js';
import type { Principal } from '../kernel/client.js';
import type { Clock } from '../kernel/clock.js';
import { domainError, invalidArgument } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import { NO_REQUEST, type RequestContext } from '../kernel/request.js';
import type { SecondFactorStore, SecretSealer, TotpCodes } from './ports.js';
import { hashRecoveryCode, newRecoveryCodes } from './recovery-codes.js';
import { acceptTotpCode, requireUser } from './totp.js';

export interface RecoveryCodeRegenerationDeps {
  clients: ClientStore;
  secondFactors: SecondFactorStore;
  sealer: SecretSealer;
  totpCodes: TotpCodes;
  limits: AttemptLimits;
  log: Logger;
  audit: AuditRecorder;
  now: Clock;
}

export class RecoveryCodeRegeneration {
  constructor(private readonly deps: RecoveryCodeRegenerationDeps) {}

  /** New recovery codes, shown this once, for a current code of the caller's authenticator app. */
  async regenerate(caller: Principal, input: { code: string; source?: string }, request: RequestContext = NO_REQUEST): Promise<{ recoveryCodes: string[] }> {
    const user = await requireUser(this.deps, caller);
    if (input.code === '') throw invalidArgument('code', 'code is required');
    const factor = await this.deps.secondFactors.findTotp(user.id);
    if (!factor?.confirmedAt) throw domainError('TOTP_NOT_ENABLED');
    const record = { type: 'recovery_codes.regenerated', actor: user.id, target: user.id, sessionId: caller.sessionId } as const;
    const attempt = await this.deps.limits.beginSecondFactor(user.email, input.source ?? '');
    if (!(await acceptTotpCode(this.deps, factor, input.code))) {
      this.deps.audit.record({ ...record, outcome: 'failure', details: { reason: 'CODE_INVALID' } }, request);
      throw domainError('CODE_INVALID', undefined, 'code');
    }
    await attempt.succeeded();
    const recoveryCodes = newRecoveryCodes();
    // Only a factor still there takes them: one disabled since stays disabled.
    const replaced = await this.deps.secondFactors.replaceRecoveryCodes(
      user.id,
      recoveryCodes.map((code) => hashRecoveryCode(user.id, code)),
    );
    if (!replaced) throw domainError('TOTP_NOT_ENABLED');
    this.deps.log.info({ clientId: user.id }, 'recovery codes regenerated');
    this.deps.audit.record({ ...record, outcome: 'success' }, request);
    return { recoveryCodes };
  }
}
