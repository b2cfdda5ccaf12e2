/**
 * The second step of a login for a client with a second factor. After a correct password
 * such a client gets no tokens but a login challenge: a ticket (login-tickets.ts) valid for
 * five minutes, naming the factors it may use. CompleteLogin trades the challenge and one
 * factor for the token pair; one attempt uses the challenge up, right or wrong. Every code
 * is counted before it is checked (attempt-limits.ts), and only a completed login starts
 * the email's counts over, so the second factor cannot be guessed at leisure once the
 * password is known.
 */
import { NO_REQUEST, type RequestContext } from './audit-event.js';
import { secondFactorRecords } from './audit-records.js';
import { audited } from './audited.js';
import type { ClientRecord } from './client.js';
import type { Dependencies } from './dependencies.js';
import { domainError, invalidArgument } from './errors.js';
import { issueTicket, openTicket, redeemTicket } from './login-tickets.js';
import type { Passkeys, PasskeyAssertion } from './passkeys.js';
import { useRecoveryCode } from './recovery-codes.js';
import type { AuthMethod } from './second-factor-ports.js';
import type { SessionTokens, TokenPair } from './session-tokens.js';
import { acceptTotpCode } from './totp.js';

export const LOGIN_CHALLENGE_SECONDS = 5 * 60;

export type SecondFactorKind = 'totp' | 'recovery_code' | 'passkey';

/** The answer to a correct password when a second factor is needed. */
export interface LoginChallenge {
  challengeToken: string;
  expiresAt: Date;
  factors: SecondFactorKind[];
}

/** Whether a value Login returned is a challenge rather than a token pair. */
export function isLoginChallenge(value: TokenPair | LoginChallenge): value is LoginChallenge {
  return 'challengeToken' in value;
}

/** The challenge for a client whose password was right, or null when it has no second factor. */
export async function loginChallengeFor(
  deps: Pick<Dependencies, 'secondFactors' | 'sealer' | 'now'>,
  client: ClientRecord,
): Promise<LoginChallenge | null> {
  const factors = await factorsOf(deps, client.id);
  if (factors.length === 0) return null;
  const { token, expiresAt } = issueTicket(deps.sealer, 'login-challenge', {
    clientId: client.id,
    payload: {},
    ttlSeconds: LOGIN_CHALLENGE_SECONDS,
    now: deps.now(),
  });
  return { challengeToken: token, expiresAt, factors };
}

/** The factors a client may complete a login with: none means the password is enough. */
export async function factorsOf(deps: Pick<Dependencies, 'secondFactors'>, clientId: string): Promise<SecondFactorKind[]> {
  const [totp, passkeys] = await Promise.all([deps.secondFactors.findTotp(clientId), deps.secondFactors.listPasskeys(clientId)]);
  const factors: SecondFactorKind[] = [];
  if (totp?.confirmedAt) factors.push('totp', 'recovery_code');
  if (passkeys.length > 0) factors.push('passkey');
  return factors;
}

export type SecondFactorLoginDeps = Pick<Dependencies, 'clients' | 'secondFactors' | 'sealer' | 'totpCodes' | 'limits' | 'log' | 'audit' | 'now'>;

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
    private readonly sessionTokens: SessionTokens,
    private readonly passkeys: Passkeys,
  ) {}

  /** Trades a login challenge and one second factor for the token pair; the challenge is used up either way. */
  completeLogin(input: CompleteLoginInput, request: RequestContext = NO_REQUEST): Promise<TokenPair> {
    const method = input.passkey ? 'passkey' : input.totpCode !== '' ? 'totp' : input.recoveryCode !== '' ? 'recovery_code' : '';
    const seen = { target: '', method };
    return audited(this.deps.audit, request, () => this.checkFactor(input, seen), secondFactorRecords(seen));
  }

  private async checkFactor(input: CompleteLoginInput, seen: { target: string }): Promise<TokenPair> {
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
    return this.sessionTokens.startSession(client, ['pwd', method]);
  }

  /** The method the factor given proves, or null when it proves nothing. */
  private async check(client: ClientRecord, input: CompleteLoginInput): Promise<AuthMethod | null> {
    if (input.passkey) return (await this.passkeys.verifyAssertion(input.passkey, client.id)) ? 'hwk' : null;
    const factor = await this.deps.secondFactors.findTotp(client.id);
    if (!factor?.confirmedAt) return null;
    const accepted = input.totpCode !== ''
      ? await acceptTotpCode(this.deps, factor, input.totpCode)
      : await useRecoveryCode(this.deps.secondFactors, factor, input.recoveryCode);
    return accepted ? 'otp' : null;
  }
}
