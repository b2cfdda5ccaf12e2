/**
 * Every admin action is one audit event naming the admin, the target, the IP and the
 * outcome: a refusal by the service too (the last admin, an unknown client, a caller who is
 * not an admin, ...), recorded as a failure with its reason, on both set-ups.
 */
import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { type AuditEvent, AuditOutcome } from '../../../gen/clientauth/v1/audit.js';
import { ListAuditEventsRequest } from '../../../gen/clientauth/v1/client_auth.js';
import { newId } from '../../../src/domain/kernel/ids.js';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';

const ADMIN = { email: 'refusals-root@example.com', password: 'admin password 1' };
const PASSWORD = 'correct horse battery';
const KEY_ENCRYPTION_KEY = 'a-key-encryption-key-of-at-least-32-bytes!';

for (const setup of SETUPS)
  describe(`Refused admin actions in the audit trail (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let server: TestServer;
    let adminToken: string;
    let adminId: string;
    let counter = 0;
    const email = (prefix: string) => `${prefix}${++counter}.${Date.now()}@example.com`;

    before(async function () {
      const env = { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, JWT_ALGORITHM: 'ES256', KEY_ENCRYPTION_KEY };
      server = await startTestServer(setupEnv(setup, this, 'refusals', env));
      const login = await server.api.login(ADMIN);
      adminToken = login.accessToken;
      adminId = login.client!.id;
    });
    after(async () => server?.close());

    const admin = () => ({ token: adminToken });
    const person = async () => {
      const address = email('person');
      const { client } = await server.api.registerUser({ email: address, password: PASSWORD, firstName: 'Ada', lastName: '', phoneNumber: '', attributes: {} });
      const { accessToken } = await server.api.login({ email: address, password: PASSWORD });
      return { id: client!.id, email: address, token: accessToken };
    };
    /** The failure records of `type`, newest first, once every queued record is written. */
    const refusals = async (type: string, filter: Partial<ListAuditEventsRequest> = {}): Promise<AuditEvent[]> => {
      await server.app.audit.flush();
      const page = await server.api.listAuditEvents(
        ListAuditEventsRequest.fromPartial({ type, outcome: AuditOutcome.AUDIT_OUTCOME_FAILURE, pageSize: 100, ...filter }),
        admin(),
      );
      return page.events;
    };
    /** The one refusal of `type` about `target`, with who, why and from where. */
    const refusalOf = async (type: string, target: string) => {
      const found = await refusals(type, { targetClientId: target });
      expect(found, `${type} refusals of ${target}`).to.have.length(1);
      expect(found[0]!.clientIp).to.not.equal('');
      return found[0]!;
    };

    it('records the last admin refused suspending, demoting or deleting themself, with LAST_ADMIN', async () => {
      expect(await failure(server.api.suspendClient({ clientId: adminId, reason: 'oops' }, admin()))).to.include({ reason: 'LAST_ADMIN' });
      expect(await failure(server.api.setClientGroups({ clientId: adminId, groups: [] }, admin()))).to.include({ reason: 'LAST_ADMIN' });
      expect(await failure(server.api.deleteClient({ clientId: adminId }, admin()))).to.include({ reason: 'LAST_ADMIN' });
      for (const type of ['client.suspended', 'groups.changed', 'client.deleted'])
        expect(await refusalOf(type, adminId)).to.include({ actorId: adminId, targetClientId: adminId, reason: 'LAST_ADMIN' });
    });

    it('records a suspension, reinstatement or second-factor reset of an unknown client, naming the id asked for', async () => {
      const unknown = newId();
      await failure(server.api.suspendClient({ clientId: unknown, reason: 'fraud' }, admin()));
      await failure(server.api.reinstateClient({ clientId: unknown }, admin()));
      await failure(server.api.resetSecondFactor({ clientId: unknown }, admin()));
      for (const type of ['client.suspended', 'client.reinstated', 'second_factor.reset'])
        expect(await refusalOf(type, unknown)).to.include({ actorId: adminId, reason: 'CLIENT_NOT_FOUND' });
    });

    it('records a service secret reset of a person, a service registered with a taken email, and a session that is not the client’s', async () => {
      const user = await person();
      expect(await failure(server.api.resetServiceSecret({ clientId: user.id }, admin()))).to.include({ reason: 'NOT_A_SERVICE' });
      expect(await refusalOf('service_secret.reset', user.id)).to.include({ actorId: adminId, reason: 'NOT_A_SERVICE' });

      const before = (await refusals('service.registered')).length;
      const refused = await failure(server.api.registerService({ email: user.email, name: 'clash', groups: [] }, admin()));
      const after = await refusals('service.registered');
      expect(after).to.have.length(before + 1);
      expect(after[0]).to.include({ actorId: adminId, targetClientId: '', reason: refused.reason });

      const other = await person();
      const sessionOfOther = (await server.api.listClientSessions({ clientId: other.id }, admin())).sessions[0]!.id;
      expect(await failure(server.api.endClientSessions({ clientId: user.id, sessionId: sessionOfOther }, admin()))).to.include({
        reason: 'SESSION_NOT_FOUND',
      });
      expect(await refusalOf('session.ended', user.id)).to.include({ actorId: adminId, reason: 'SESSION_NOT_FOUND' });
    });

    it('records a caller who is not an admin as the actor of each refused admin action, with PERMISSION_DENIED', async () => {
      const intruder = await person();
      const victim = await person();
      const as = { token: intruder.token };
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['client.suspended', () => server.api.suspendClient({ clientId: victim.id, reason: 'mine now' }, as)],
        ['client.reinstated', () => server.api.reinstateClient({ clientId: victim.id }, as)],
        ['groups.changed', () => server.api.setClientGroups({ clientId: victim.id, groups: ['admin'] }, as)],
        ['client.deleted', () => server.api.deleteClient({ clientId: victim.id }, as)],
        ['second_factor.reset', () => server.api.resetSecondFactor({ clientId: victim.id }, as)],
        ['service_secret.reset', () => server.api.resetServiceSecret({ clientId: victim.id }, as)],
        ['session.ended', () => server.api.endClientSessions({ clientId: victim.id, sessionId: '' }, as)],
      ];
      for (const [type, call] of calls) {
        expect(await failure(call()), type).to.include({ code: status.PERMISSION_DENIED });
        expect(await refusalOf(type, victim.id), type).to.include({ actorId: intruder.id, reason: 'PERMISSION_DENIED' });
      }
      await failure(server.api.registerService({ email: email('svc'), name: 'sneaky', groups: [] }, as));
      await failure(server.api.rotateSigningKey({}, as));
      for (const type of ['service.registered', 'signing_key.rotated'])
        expect((await refusals(type, { actorId: intruder.id }))[0], type).to.include({ actorId: intruder.id, targetClientId: '', reason: 'PERMISSION_DENIED' });
      // The victim is untouched.
      expect(await server.store.client(victim.id)).to.include({ suspended: false });
    });

    it('keeps a caller’s repeated permission refusals to one record a minute, and a malformed target out of the record', async () => {
      const intruder = await person();
      for (let i = 0; i < 20; i++) await failure(server.api.suspendClient({ clientId: newId(), reason: 'again' }, { token: intruder.token }));
      expect(await refusals('client.suspended', { actorId: intruder.id })).to.have.length(1);

      const junk = `<script>${'x'.repeat(5000)}`;
      const other = await person();
      await failure(server.api.reinstateClient({ clientId: junk }, { token: other.token }));
      const [record] = await refusals('client.reinstated', { actorId: other.id });
      expect(record).to.include({ targetClientId: '', reason: 'PERMISSION_DENIED' });
    });
  });
