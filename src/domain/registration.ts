/** RegisterUser and RegisterService. */
import { BASE_GROUP, publicClient, requireAdmin, type Principal, type PublicClient } from './client';
import { insertNewClient, newClientRecord, withBaseGroup } from './client-records';
import { hashSecret, newSecret } from './secrets';
import { describe } from './describe-error';
import { queueVerificationMail } from './email-verification';
import * as v from './validation';
import type { Dependencies } from './dependencies';

export type RegistrationDeps = Pick<Dependencies, 'clients' | 'hasher' | 'now' | 'log' | 'recovery'>;

export class Registration {
  constructor(private readonly deps: RegistrationDeps) {}

  /** Registers a user in the "user" group only; the request cannot choose groups. */
  async registerUser(input: {
    email: string;
    password: string;
    firstName: string;
    lastName: string;
    phoneNumber: string;
    attributes: Record<string, string>;
  }): Promise<PublicClient> {
    const email = v.normalizeEmail('email', input.email);
    const password = v.checkPassword('password', input.password);
    const fields = {
      firstName: v.text('first_name', input.firstName, 100),
      lastName: v.text('last_name', input.lastName, 100),
      phoneNumber: v.text('phone_number', input.phoneNumber, 32),
      attributes: v.attributes('attributes', input.attributes),
      groups: [BASE_GROUP.user],
    };
    const record = newClientRecord('user', email, { ...fields, passwordHash: await this.deps.hasher.hash(password) }, this.deps.now());
    await insertNewClient(this.deps.clients, record);
    if (this.deps.recovery?.settings.emailVerification) {
      // The user exists now; a verification mail that cannot be queued is asked for again later.
      await queueVerificationMail(this.deps.recovery, record, this.deps.now()).catch((error: unknown) => {
        this.deps.log.warn({ clientId: record.id, err: describe(error) }, 'verification mail not queued at registration');
      });
    }
    return publicClient(record);
  }

  /** Registers a service client (admins only); the secret is returned this once and stored as a hash. */
  async registerService(
    caller: Principal,
    input: { email: string; name: string; groups: string[] },
  ): Promise<{ client: PublicClient; clientSecret: string }> {
    requireAdmin(caller);
    const email = v.normalizeEmail('email', input.email);
    const name = v.text('name', input.name, 100, { required: true });
    const groups = withBaseGroup('service', v.groups('groups', input.groups));
    const clientSecret = newSecret();
    const record = newClientRecord('service', email, { name, groups, secretHash: hashSecret(clientSecret) }, this.deps.now());
    await insertNewClient(this.deps.clients, record);
    return { client: publicClient(record), clientSecret };
  }
}
