/** RegisterUser and RegisterService. */

import type { AttemptLimits, PasswordBlocklist, PasswordHashing, StrengthRule } from '../abuse/ports.js';
import type { AuditRecorder } from '../audit/ports.js';
import { ADMIN_GROUP, BASE_GROUP, type Principal, type PublicClient, publicClient, requireAdmin } from '../kernel/client.js';
import type { Clock } from '../kernel/clock.js';
import { describeError } from '../kernel/error-text.js';
import { invalidArgument } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import { ANONYMOUS, NO_REQUEST, type RequestContext } from '../kernel/request.js';
import { hashSecret, newSecret } from '../kernel/secrets.js';
import * as v from '../kernel/validation.js';
import type { Recovery } from '../recovery/ports.js';
import type { ClientStore, VerificationMail } from './ports.js';
import { insertNewClient, newClientRecord, withBaseGroup } from './records.js';

export interface RegistrationDeps {
  clients: ClientStore;
  hasher: PasswordHashing;
  limits: AttemptLimits;
  blocklist: PasswordBlocklist;
  strength: StrengthRule;
  audit: AuditRecorder;
  now: Clock;
  log: Logger;
  /** Password reset and email verification (mail, one-time tokens); absent when neither is wired. */
  recovery?: Recovery;
}

export class Registration {
  constructor(
    private readonly deps: RegistrationDeps,
    private readonly verification: VerificationMail,
  ) {}

  /** Registers a user in the "user" group only; the request cannot choose groups. */
  async registerUser(
    input: {
      email: string;
      password: string;
      firstName: string;
      lastName: string;
      phoneNumber: string;
      attributes: Record<string, string>;
      /** The client IP the registration comes from, '' when unknown. */
      source?: string;
    },
    request: RequestContext = NO_REQUEST,
  ): Promise<PublicClient> {
    const email = v.normalizeEmail('email', input.email);
    const password = v.checkPassword('password', input.password);
    this.deps.blocklist.check('password', password, email);
    const fields = {
      firstName: v.personName('first_name', input.firstName),
      lastName: v.personName('last_name', input.lastName),
      phoneNumber: v.text('phone_number', input.phoneNumber, 32),
      attributes: v.attributes('attributes', input.attributes),
      groups: [BASE_GROUP.user],
    };
    const passwordHash = await this.deps.hasher.withPlace(async (place) => {
      await this.deps.limits.beginRegistration(input.source ?? '');
      // After the limit: an estimate costs milliseconds of this thread, which only the
      // registrations the limit lets through may spend.
      await this.deps.strength.check('password', password, { email, firstName: fields.firstName, lastName: fields.lastName });
      return place.hash(password);
    }, request.deadline);
    const record = newClientRecord('user', email, { ...fields, passwordHash }, this.deps.now());
    await insertNewClient(this.deps.clients, record);
    this.deps.audit.record({ type: 'client.registered', outcome: 'success', actor: ANONYMOUS, target: record.id, details: { email } }, request);
    // The user exists now; a verification mail that cannot be queued is asked for again later.
    await this.verification.mailNewUser(record).catch((error: unknown) => {
      this.deps.log.warn({ clientId: record.id, err: describeError(error) }, 'verification mail not queued at registration');
    });
    return publicClient(record);
  }

  /** Registers a service client (admins only); the secret is returned this once and stored as a hash. */
  registerService(
    caller: Principal,
    input: { email: string; name: string; groups: string[] },
    request: RequestContext = NO_REQUEST,
  ): Promise<{ client: PublicClient; clientSecret: string }> {
    const attempt = { type: 'service.registered', actor: caller.clientId, target: '' } as const;
    return this.deps.audit.refusals(request, attempt, () => this.registerNewService(caller, input, request));
  }

  private async registerNewService(
    caller: Principal,
    input: { email: string; name: string; groups: string[] },
    request: RequestContext,
  ): Promise<{ client: PublicClient; clientSecret: string }> {
    requireAdmin(caller);
    const email = v.normalizeEmail('email', input.email);
    const name = v.text('name', input.name, 100, { required: true });
    const requested = v.groups('groups', input.groups);
    if (requested.includes(ADMIN_GROUP)) throw invalidArgument('groups', 'groups must not include "admin": grant it with SetClientGroups');
    const groups = withBaseGroup('service', requested);
    const clientSecret = newSecret();
    const record = newClientRecord('service', email, { name, groups, secretHash: hashSecret(clientSecret) }, this.deps.now());
    await insertNewClient(this.deps.clients, record);
    this.deps.audit.record(
      { type: 'service.registered', outcome: 'success', actor: caller.clientId, target: record.id, details: { email, groupsAfter: groups } },
      request,
    );
    return { client: publicClient(record), clientSecret };
  }
}
