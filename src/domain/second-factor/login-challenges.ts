/**
 * The challenge a login answers with when the client has a second factor: a ticket
 * (login-tickets.ts) valid for five minutes, naming the factors it may use. Login asks
 * through the sessions' SecondStep port; CompleteLogin redeems the ticket.
 */

import type { ClientRecord } from '../kernel/client.js';
import type { Clock } from '../kernel/clock.js';
import type { LoginChallenge, SecondFactorKind, SecondStep } from '../sessions/ports.js';
import { issueTicket } from './login-tickets.js';
import type { SecondFactorStore, SecretSealer } from './ports.js';

export const LOGIN_CHALLENGE_SECONDS = 5 * 60;

export interface LoginChallengesDeps {
  secondFactors: SecondFactorStore;
  sealer: SecretSealer;
  now: Clock;
}

export class LoginChallenges implements SecondStep {
  constructor(private readonly deps: LoginChallengesDeps) {}

  /** The challenge for a client whose password was right, or null when it has no second factor. */
  async challengeFor(client: ClientRecord): Promise<LoginChallenge | null> {
    const factors = await this.factorsOf(client.id);
    if (factors.length === 0) return null;
    const { token, expiresAt } = issueTicket(this.deps.sealer, 'login-challenge', {
      clientId: client.id,
      payload: {},
      ttlSeconds: LOGIN_CHALLENGE_SECONDS,
      now: this.deps.now(),
    });
    return { challengeToken: token, expiresAt, factors };
  }

  /** The factors a client may complete a login with: none means the password is enough. */
  private async factorsOf(clientId: string): Promise<SecondFactorKind[]> {
    const [totp, passkeys] = await Promise.all([this.deps.secondFactors.findTotp(clientId), this.deps.secondFactors.listPasskeys(clientId)]);
    const factors: SecondFactorKind[] = [];
    if (totp?.confirmedAt) factors.push('totp', 'recovery_code');
    if (passkeys.length > 0) factors.push('passkey');
    return factors;
  }
}
