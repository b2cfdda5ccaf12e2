/**
 * Passkeys (WebAuthn): BeginPasskeyRegistration and
 * FinishPasskeyRegistration for the caller, ListPasskeys, RenamePasskey and DeletePasskey, and
 * BeginPasskeyLogin and FinishPasskeyLogin for anyone. A ceremony's challenge travels in a
 * ticket (login-tickets.ts), so it is single-use and lives five minutes; the relying party
 * id and the allowed origins come from the configuration; signature counters must grow.
 */

import type { AttemptLimits, PasswordHashing } from '../abuse/ports.js';
import type { AuditRecorder } from '../audit/ports.js';
import { type ClientStore, provesPassword } from '../clients/ports.js';
import type { ClientRecord, Principal } from '../kernel/client.js';
import type { Clock } from '../kernel/clock.js';
import { DuplicateKeyError, domainError, invalidArgument } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import { NO_REQUEST, type RequestContext } from '../kernel/request.js';
import * as v from '../kernel/validation.js';
import type { Recovery } from '../recovery/ports.js';
import type { TokenPair } from '../sessions/ports.js';
import { passkeyLoginRecords } from './factor-records.js';
import { issueTicket, openTicket, redeemTicket } from './login-tickets.js';
import {
  type CeremonyOptions,
  type PasskeyRecord,
  type SecondFactorSettings,
  type SecondFactorStore,
  type SecretSealer,
  type SessionStarter,
  type WebAuthnCeremonies,
  WebAuthnRefusal,
} from './ports.js';
import { requireUser } from './totp.js';

const CEREMONY_SECONDS = 5 * 60;
const NAME_MAX = 64;

/** A WebAuthn response as @simplewebauthn/browser returns it, and the ticket of its ceremony. */
export interface PasskeyAssertion {
  ceremonyToken: string;
  response: Record<string, unknown>;
}

/** What a client sees of one of its passkeys. */
export type PasskeyView = Omit<PasskeyRecord, 'clientId' | 'publicKey' | 'counter'>;

/** Options for navigator.credentials (as @simplewebauthn/browser takes them), and the ticket to send back. */
export interface Ceremony {
  options: Record<string, unknown>;
  ceremonyToken: string;
  expiresAt: Date;
}

interface CeremonyPayload {
  challenge: string;
  /** A login with no password: the authenticator must verify the user. */
  passwordless?: boolean;
}

export interface PasskeysDeps {
  clients: ClientStore;
  secondFactors: SecondFactorStore;
  sealer: SecretSealer;
  webauthn: WebAuthnCeremonies;
  secondFactorSettings: SecondFactorSettings;
  /** Checks the current password DeletePasskey asks for. */
  hasher: PasswordHashing;
  limits: AttemptLimits;
  /** Password reset and email verification (mail, one-time tokens); absent when neither is wired. */
  recovery?: Recovery;
  log: Logger;
  audit: AuditRecorder;
  now: Clock;
}

export class Passkeys {
  constructor(
    private readonly deps: PasskeysDeps,
    private readonly sessions: SessionStarter,
  ) {}

  /** Options to create a passkey for the calling user; registered ones are excluded. */
  async beginRegistration(caller: Principal): Promise<Ceremony> {
    const rp = this.relyingParty();
    const user = await requireUser(this.deps, caller);
    const existing = await this.deps.secondFactors.listPasskeys(user.id);
    const options = await this.deps.webauthn.registrationOptions({
      rpId: rp.rpId,
      rpName: rp.rpName,
      userId: user.id,
      userName: user.email,
      userDisplayName: [user.firstName, user.lastName].join(' ').trim() || user.email,
      exclude: existing.map(descriptorOf),
    });
    return this.ceremony('passkey-registration', user.id, options, {});
  }

  /** Verifies the new credential against the ceremony and stores it. */
  async finishRegistration(caller: Principal, input: PasskeyAssertion & { name: string }, request: RequestContext = NO_REQUEST): Promise<PasskeyView> {
    const rp = this.relyingParty();
    const name = v.text('name', input.name, NAME_MAX) || 'passkey';
    const ticket = openTicket<CeremonyPayload>(this.deps.sealer, 'passkey-registration', input.ceremonyToken, this.deps.now(), 'ceremony_token');
    if (ticket.clientId !== caller.clientId) throw domainError('CHALLENGE_INVALID');
    const user = await requireUser(this.deps, caller);
    let credential: Awaited<ReturnType<WebAuthnCeremonies['verifyRegistration']>>;
    try {
      credential = await this.deps.webauthn.verifyRegistration({
        response: input.response,
        challenge: ticket.payload.challenge,
        origins: rp.origins,
        rpId: rp.rpId,
      });
    } catch (error) {
      if (!(error instanceof WebAuthnRefusal)) throw error;
      throw domainError('PASSKEY_REJECTED', `the passkey registration could not be verified: ${error.message}`, 'response');
    }
    await redeemTicket(this.deps.secondFactors, ticket, user.id);
    const passkey: PasskeyRecord = { ...credential, clientId: user.id, name, createdAt: new Date(this.deps.now()), lastUsedAt: null };
    try {
      await this.deps.secondFactors.addPasskey(passkey);
    } catch (error) {
      if (error instanceof DuplicateKeyError) throw domainError('PASSKEY_ALREADY_REGISTERED');
      throw error;
    }
    this.deps.log.info({ clientId: user.id }, 'passkey registered');
    this.deps.audit.record({ type: 'second_factor.enrolled', outcome: 'success', actor: user.id, target: user.id, details: { method: 'passkey' } }, request);
    return viewOf(passkey);
  }

  async list(caller: Principal): Promise<PasskeyView[]> {
    const user = await requireUser(this.deps, caller);
    return (await this.deps.secondFactors.listPasskeys(user.id)).map(viewOf);
  }

  /** Gives one of the caller's passkeys a new name; someone else's is answered as one that does not exist. */
  async rename(caller: Principal, input: { passkeyId: string; name: string }, request: RequestContext = NO_REQUEST): Promise<PasskeyView> {
    if (input.passkeyId === '') throw invalidArgument('passkey_id', 'passkey_id is required');
    const name = v.text('name', input.name, NAME_MAX, { required: true });
    const user = await requireUser(this.deps, caller);
    if (!(await this.deps.secondFactors.renamePasskey(user.id, input.passkeyId, name))) throw domainError('PASSKEY_NOT_FOUND');
    const passkey = await this.deps.secondFactors.findPasskey(input.passkeyId);
    if (passkey?.clientId !== user.id) throw domainError('PASSKEY_NOT_FOUND');
    this.deps.audit.record({ type: 'second_factor.renamed', outcome: 'success', actor: user.id, target: user.id, details: { method: 'passkey' } }, request);
    return viewOf(passkey);
  }

  /**
   * Deletes one of the caller's passkeys for the current password: an access token alone
   * must not turn a second factor off. The password is counted as a guess at the account's
   * second factor, with DisableTotp's codes, before it is compared; every user has one,
   * a passkey-only account too (docs/second-factors.md says why it is the proof asked).
   */
  async delete(caller: Principal, input: { passkeyId: string; currentPassword: string; source?: string }, request: RequestContext = NO_REQUEST): Promise<void> {
    if (input.passkeyId === '') throw invalidArgument('passkey_id', 'passkey_id is required');
    if (input.currentPassword === '') throw invalidArgument('current_password', 'current_password is required to remove a passkey');
    const user = await requireUser(this.deps, caller);
    const record = { type: 'second_factor.removed', actor: user.id, target: user.id, details: { method: 'passkey' } } as const;
    const source = input.source ?? '';
    if (!(await provesPassword(this.deps, user, input.currentPassword, source, request.deadline, (limits) => limits.beginSecondFactor(user.email, source)))) {
      this.deps.audit.record({ ...record, outcome: 'failure', details: { method: 'passkey', reason: 'INVALID_CREDENTIALS' } }, request);
      throw domainError('INVALID_CREDENTIALS');
    }
    if (!(await this.deps.secondFactors.deletePasskey(user.id, input.passkeyId))) throw domainError('PASSKEY_NOT_FOUND');
    this.deps.log.info({ clientId: user.id }, 'passkey deleted');
    this.deps.audit.record({ ...record, outcome: 'success' }, request);
  }

  /**
   * Options to sign in with a passkey. With a login challenge, for that client's passkeys
   * as its second factor; without one, for any discoverable passkey (no password).
   */
  async beginLogin(input: { challengeToken: string }): Promise<Ceremony> {
    const rp = this.relyingParty();
    if (input.challengeToken === '') {
      const options = await this.deps.webauthn.authenticationOptions({ rpId: rp.rpId, allow: [], userVerification: 'required' });
      return this.ceremony('passkey-login', '', options, { passwordless: true });
    }
    const login = openTicket(this.deps.sealer, 'login-challenge', input.challengeToken, this.deps.now(), 'challenge_token');
    const passkeys = await this.deps.secondFactors.listPasskeys(login.clientId);
    const options = await this.deps.webauthn.authenticationOptions({ rpId: rp.rpId, allow: passkeys.map(descriptorOf), userVerification: 'preferred' });
    return this.ceremony('passkey-login', login.clientId, options, {});
  }

  /** A login with a passkey and no password. */
  finishLogin(input: PasskeyAssertion, request: RequestContext = NO_REQUEST): Promise<TokenPair> {
    const attempt = { target: '' };
    return this.deps.audit.outcome(request, () => this.checkPasskey(input, attempt, request), passkeyLoginRecords(attempt));
  }

  private async checkPasskey(input: PasskeyAssertion, attempt: { target: string }, request: RequestContext): Promise<TokenPair> {
    const client = await this.verifyAssertion(input, null);
    if (!client) throw domainError('INVALID_CREDENTIALS');
    attempt.target = client.id;
    if (client.suspended) throw domainError('CLIENT_SUSPENDED');
    // A passkey stands in for the password here, so the rule Login applies after it applies too.
    if (this.deps.recovery?.settings.requireVerifiedEmail && client.emailVerifiedAt === null) throw domainError('EMAIL_NOT_VERIFIED');
    return this.sessions.startSession(client, ['hwk'], request);
  }

  /**
   * The client a passkey assertion proves, or null when it proves nothing. `clientId` is
   * the client it must prove (a second factor), or null for a login with no password.
   * A valid assertion uses up its ceremony and records the new signature counter.
   */
  async verifyAssertion(input: PasskeyAssertion, clientId: string | null): Promise<ClientRecord | null> {
    const rp = this.relyingParty();
    const ticket = openTicket<CeremonyPayload>(this.deps.sealer, 'passkey-login', input.ceremonyToken, this.deps.now(), 'ceremony_token');
    if (clientId === null ? ticket.payload.passwordless !== true : ticket.clientId !== clientId) throw domainError('CHALLENGE_INVALID');
    const credentialId = input.response['id'];
    if (typeof credentialId !== 'string' || credentialId === '') return null;
    const passkey = await this.deps.secondFactors.findPasskey(credentialId);
    if (!passkey || (clientId !== null && passkey.clientId !== clientId)) return null;
    // The user handle is the client id given at registration; a discoverable login names it.
    const userHandle = (input.response['response'] as { userHandle?: unknown } | undefined)?.userHandle;
    if (typeof userHandle === 'string' && userHandle !== '' && Buffer.from(userHandle, 'base64url').toString('utf8') !== passkey.clientId) return null;
    let newCounter: number;
    try {
      ({ newCounter } = await this.deps.webauthn.verifyAuthentication({
        response: input.response,
        challenge: ticket.payload.challenge,
        origins: rp.origins,
        rpId: rp.rpId,
        credential: passkey,
        requireUserVerification: clientId === null,
      }));
    } catch (error) {
      if (!(error instanceof WebAuthnRefusal)) throw error;
      // A counter that went backwards lands here too: a sign of a cloned authenticator.
      this.deps.log.info({ clientId: passkey.clientId, why: error.message }, 'passkey assertion refused');
      return null;
    }
    await redeemTicket(this.deps.secondFactors, ticket, passkey.clientId);
    await this.deps.secondFactors.recordPasskeyUse(passkey.id, newCounter, new Date(this.deps.now()));
    return this.deps.clients.findById(passkey.clientId);
  }

  private ceremony(
    purpose: 'passkey-registration' | 'passkey-login',
    clientId: string,
    options: CeremonyOptions,
    extra: Omit<CeremonyPayload, 'challenge'>,
  ): Ceremony {
    const payload: CeremonyPayload = { challenge: options.challenge, ...extra };
    const { token, expiresAt } = issueTicket(this.deps.sealer, purpose, { clientId, payload, ttlSeconds: CEREMONY_SECONDS, now: this.deps.now() });
    return { options: options.options, ceremonyToken: token, expiresAt };
  }

  private relyingParty() {
    const rp = this.deps.secondFactorSettings.webauthn;
    if (rp.origins.length === 0) throw domainError('PASSKEYS_NOT_CONFIGURED');
    return rp;
  }
}

function descriptorOf(passkey: PasskeyRecord) {
  return { id: passkey.id, transports: passkey.transports };
}

function viewOf(passkey: PasskeyRecord): PasskeyView {
  const { clientId: _c, publicKey: _p, counter: _n, ...view } = passkey;
  return view;
}
