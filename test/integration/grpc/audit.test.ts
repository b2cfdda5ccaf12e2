import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { type AuditEvent, AuditOutcome } from '../../../gen/clientauth/v1/audit.js';
import { ListAuditEventsRequest } from '../../../gen/clientauth/v1/client_auth.js';
import { newId } from '../../../src/domain/kernel/ids.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { failure, SETUP_TITLES, SETUPS, SUITE_AS_PROXY, setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { CookieClient, startTestBridge, type TestBridge } from '../bridge/bridge-fixture.js';

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new passphrase';
const WRONG = 'not the password at all';
const ADMIN = { email: 'audit-root@example.com', password: 'admin password 1' };
const MAX_FAILURES = 3;
const USER_AGENT = 'AuditTest/1.0 (a browser)';

for (const setup of SETUPS)
  describe(`The audit trail (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let server: TestServer;
    let bridge: TestBridge;
    let adminToken: string;
    let adminId: string;
    let counter = 0;
    const email = (prefix = 'audited') => `${prefix}${++counter}.${Date.now()}@example.com`;
    /** Every credential the flows below handled, for the scan that no record holds one. */
    const secrets = new Set<string>([PASSWORD, NEW_PASSWORD, WRONG, ADMIN.password]);

    before(async function () {
      const env = { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, LOGIN_MAX_FAILURES: String(MAX_FAILURES) };
      server = await startTestServer(setupEnv(setup, this, 'audit', env));
      bridge = await startTestBridge(server.address);
      const login = await server.api.login(ADMIN);
      adminToken = login.accessToken;
      adminId = login.client!.id;
      secrets.add(login.accessToken).add(login.refreshToken);
    });
    after(async () => {
      await bridge?.close();
      await server?.close();
    });

    const register = async (address = email()) => {
      const { client } = await server.api.registerUser({ email: address, password: PASSWORD, firstName: 'Ada', lastName: '', phoneNumber: '', attributes: {} });
      return client!;
    };
    const remember = <T extends { accessToken: string; refreshToken?: string }>(pair: T): T => {
      secrets.add(pair.accessToken);
      if (pair.refreshToken) secrets.add(pair.refreshToken);
      return pair;
    };
    /** The records matching `filter`, newest first, once every queued record is written. */
    const events = async (filter: Partial<ListAuditEventsRequest> = {}): Promise<AuditEvent[]> => {
      await server.app.audit.flush();
      const all: AuditEvent[] = [];
      let pageToken = '';
      do {
        const page = await server.api.listAuditEvents(ListAuditEventsRequest.fromPartial({ pageSize: 500, ...filter, pageToken }), { token: adminToken });
        all.push(...page.events);
        pageToken = page.nextPageToken;
      } while (pageToken !== '');
      return all;
    };
    const ofTarget = (target: string) => events({ targetClientId: target });
    const only = (records: AuditEvent[], type: string, outcome = AuditOutcome.AUDIT_OUTCOME_SUCCESS) => {
      const matching = records.filter((record) => record.type === type && record.outcome === outcome);
      expect(matching, `${type} records`).to.have.length(1);
      return matching[0]!;
    };

    it('records the admin bootstrap, done by the system at start-up', async () => {
      const record = only(await ofTarget(adminId), 'admin.bootstrapped');
      expect(record).to.include({ actorId: 'system', targetClientId: adminId });
      expect(record.groupsAfter).to.include('admin');
    });

    it("records a browser's registration and sign-in with the IP, user agent and request id the bridge saw", async () => {
      const browser = new CookieClient(bridge.url);
      const address = email('browser');
      const headers = { 'User-Agent': USER_AGENT, 'X-Request-Id': 'audit-request-1' };
      const registered = await browser.post('/register', { email: address, password: PASSWORD }, { headers });
      expect(registered.status).to.equal(201);
      const userId = registered.body.client.id as string;
      const loggedIn = await browser.post('/login', { email: address, password: PASSWORD }, { headers: { ...headers, 'X-Request-Id': 'audit-request-2' } });
      expect(loggedIn.status).to.equal(200);
      secrets.add(browser.cookie('token')!).add(browser.cookie('refresh_token')!);

      const records = await ofTarget(userId);
      const registration = only(records, 'client.registered');
      expect(registration).to.include({
        actorId: 'anonymous',
        targetClientId: userId,
        clientIp: '127.0.0.1',
        userAgent: USER_AGENT,
        requestId: 'audit-request-1',
        email: address,
      });
      const signIn = only(records, 'login.succeeded');
      expect(signIn).to.include({ actorId: userId, targetClientId: userId, clientIp: '127.0.0.1', userAgent: USER_AGENT, requestId: 'audit-request-2' });
      expect(signIn.sessionId).to.match(/^[0-9a-f-]{36}$/);

      // The account page's view of the same sign-in.
      const page = await browser.get('/me/sign-ins');
      expect(page.status).to.equal(200);
      expect(page.body.sign_ins).to.have.length(1);
      expect(page.body.sign_ins[0]).to.include({
        type: 'login.succeeded',
        outcome: 'success',
        target_client_id: userId,
        client_ip: '127.0.0.1',
        user_agent: USER_AGENT,
      });
      expect(page.body.next_page_token).to.equal('');
    });

    it('records the address a trusted proxy in front of the bridge names in X-Forwarded-For', async () => {
      const proxied = await startTestBridge(server.address, { BRIDGE_TRUST_PROXY: 'true', ...SUITE_AS_PROXY });
      try {
        const address = email('proxied');
        const response = await new CookieClient(proxied.url).post(
          '/register',
          { email: address, password: PASSWORD },
          { headers: { 'X-Forwarded-For': '203.0.113.9' } },
        );
        expect(response.status).to.equal(201);
        expect(only(await ofTarget(response.body.client.id), 'client.registered')).to.include({ clientIp: '203.0.113.9' });
      } finally {
        await proxied.close();
      }
    });

    it('records failed logins (with their reason), throttled ones, refreshes, a reused refresh token and logouts on the user they target', async () => {
      const user = await register();
      const unknown = email('nobody');
      for (let i = 0; i < MAX_FAILURES; i++) await failure(server.api.login({ email: user.email, password: WRONG }));
      expect(await failure(server.api.login({ email: user.email, password: PASSWORD }))).to.include({ reason: 'TOO_MANY_ATTEMPTS' });
      expect(await failure(server.api.login({ email: unknown, password: WRONG }))).to.include({ reason: 'INVALID_CREDENTIALS' });

      const other = await register();
      const first = remember(await server.api.login({ email: other.email, password: PASSWORD }));
      const second = remember(await server.api.refreshToken({ refreshToken: first.refreshToken }));
      // Once its successor is rotated too, the first token coming back is reuse, however soon.
      remember(await server.api.refreshToken({ refreshToken: second.refreshToken }));
      expect(await failure(server.api.refreshToken({ refreshToken: first.refreshToken }))).to.include({ reason: 'REFRESH_TOKEN_REUSED' });
      const third = remember(await server.api.login({ email: other.email, password: PASSWORD }));
      await server.api.logout({}, { token: third.accessToken });

      const failed = (await ofTarget(user.id)).filter((record) => record.type === 'login.failed');
      expect(failed).to.have.length(MAX_FAILURES);
      for (const record of failed)
        expect(record).to.include({ actorId: 'anonymous', reason: 'INVALID_CREDENTIALS', email: user.email, outcome: AuditOutcome.AUDIT_OUTCOME_FAILURE });
      const throttled = only(await ofTarget(user.id), 'login.throttled', AuditOutcome.AUDIT_OUTCOME_FAILURE);
      expect(throttled).to.include({ actorId: 'anonymous', reason: 'TOO_MANY_ATTEMPTS' });
      const forUnknown = (await events({ type: 'login.failed' })).filter((record) => record.email === unknown);
      expect(forUnknown).to.have.length(1);
      expect(forUnknown[0]).to.include({ targetClientId: '', actorId: 'anonymous' });

      const records = await ofTarget(other.id);
      const sessionOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sid as string;
      const refreshed = records.filter((record) => record.type === 'token.refreshed');
      expect(refreshed).to.have.length(2);
      for (const record of refreshed) expect(record).to.include({ actorId: other.id, sessionId: sessionOf(second.accessToken) });
      expect(only(records, 'refresh_token.reused', AuditOutcome.AUDIT_OUTCOME_FAILURE)).to.include({
        actorId: 'anonymous',
        sessionId: sessionOf(first.accessToken),
      });
      expect(only(records, 'logout')).to.include({ actorId: other.id, targetClientId: other.id, sessionId: sessionOf(third.accessToken) });
    });

    it("records password changes, right and wrong, on the user's own account", async () => {
      const user = await register();
      const { accessToken } = remember(await server.api.login({ email: user.email, password: PASSWORD }));
      await failure(server.api.changePassword({ currentPassword: WRONG, newPassword: NEW_PASSWORD }, { token: accessToken }));
      await server.api.changePassword({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD }, { token: accessToken });
      const records = await ofTarget(user.id);
      expect(only(records, 'password.changed')).to.include({ actorId: user.id });
      expect(only(records, 'password.changed', AuditOutcome.AUDIT_OUTCOME_FAILURE)).to.include({ actorId: user.id, reason: 'INVALID_CREDENTIALS' });
    });

    it('records what admins do (service registration, groups, suspension, reinstatement, deletion) with the admin as actor', async () => {
      const service = await server.api.registerService({ email: email('svc'), name: 'Billing', groups: ['billing'] }, { token: adminToken });
      secrets.add(service.clientSecret);
      const serviceId = service.client!.id;
      remember(await server.api.issueServiceToken({ clientId: serviceId, clientSecret: service.clientSecret }));
      await failure(server.api.issueServiceToken({ clientId: serviceId, clientSecret: 'not-the-secret' }));
      secrets.add((await server.api.resetServiceSecret({ clientId: serviceId }, { token: adminToken })).clientSecret);

      const user = await register();
      await server.api.setClientGroups({ clientId: user.id, groups: ['editors'] }, { token: adminToken });
      await server.api.suspendClient({ clientId: user.id, reason: 'chargeback fraud' }, { token: adminToken });
      await server.api.reinstateClient({ clientId: user.id }, { token: adminToken });
      await server.api.deleteClient({ clientId: user.id }, { token: adminToken });

      const serviceRecords = await ofTarget(serviceId);
      expect(only(serviceRecords, 'service.registered')).to.include({ actorId: adminId });
      expect(only(serviceRecords, 'service_secret.reset')).to.include({ actorId: adminId });
      expect(only(serviceRecords, 'service_token.issued')).to.include({ actorId: serviceId });
      expect(only(serviceRecords, 'service_token.issued', AuditOutcome.AUDIT_OUTCOME_FAILURE)).to.include({
        actorId: 'anonymous',
        reason: 'INVALID_CREDENTIALS',
      });

      const records = await ofTarget(user.id);
      const groups = only(records, 'groups.changed');
      expect(groups).to.include({ actorId: adminId });
      expect(groups.groupsBefore).to.deep.equal(['user']);
      expect(groups.groupsAfter).to.have.members(['user', 'editors']);
      expect(only(records, 'client.suspended')).to.include({ actorId: adminId, reason: 'chargeback fraud' });
      expect(only(records, 'client.reinstated')).to.include({ actorId: adminId });
      expect(only(records, 'client.deleted')).to.include({ actorId: adminId });
    });

    it('records a deletion by the client itself with the client as actor', async () => {
      const user = await register();
      const { accessToken } = remember(await server.api.login({ email: user.email, password: PASSWORD }));
      await server.api.deleteClient({ clientId: '' }, { token: accessToken });
      expect(only(await ofTarget(user.id), 'client.deleted')).to.include({ actorId: user.id });
    });

    it('writes nothing for ValidateToken, the gateways’ per-request check', async () => {
      const user = await register();
      const { accessToken } = remember(await server.api.login({ email: user.email, password: PASSWORD }));
      const before = (await events()).length;
      for (let i = 0; i < 20; i++) await server.api.validateToken({ token: accessToken });
      expect((await events()).length).to.equal(before);
    });

    it('filters by actor, type, outcome and time, newest first, with stable pages', async () => {
      const user = await register();
      const started = new Date();
      for (let i = 0; i < 2; i++) await failure(server.api.login({ email: user.email, password: WRONG }));
      remember(await server.api.login({ email: user.email, password: PASSWORD }));
      const all = await ofTarget(user.id);
      expect(all.map((record) => record.type)).to.deep.equal(['login.succeeded', 'login.failed', 'login.failed', 'client.registered']);
      expect(all.map((record) => record.id)).to.deep.equal(
        all
          .map((record) => record.id)
          .sort()
          .reverse(),
      );

      const failures = await events({ targetClientId: user.id, outcome: AuditOutcome.AUDIT_OUTCOME_FAILURE });
      expect(failures.map((record) => record.type)).to.deep.equal(['login.failed', 'login.failed']);
      expect((await events({ actorId: user.id })).map((record) => record.type)).to.include('login.succeeded');
      const since = await events({ targetClientId: user.id, startTime: started });
      expect(since.map((record) => record.type)).to.not.include('client.registered');
      expect(await events({ targetClientId: user.id, endTime: new Date(started.getTime() - 60_000) })).to.deep.equal([]);

      // Paging one by one, while new records arrive, gives the same records once each.
      const paged: string[] = [];
      let pageToken = '';
      do {
        const page = await server.api.listAuditEvents(ListAuditEventsRequest.fromPartial({ pageSize: 1, pageToken, targetClientId: user.id }), {
          token: adminToken,
        });
        paged.push(...page.events.map((record) => record.id));
        pageToken = page.nextPageToken;
        if (paged.length === 1) await failure(server.api.login({ email: user.email, password: WRONG }));
      } while (pageToken !== '');
      expect(paged).to.deep.equal(all.map((record) => record.id));
    });

    it('filters by the client IP the bridge saw, in any notation of it, within a time range', async () => {
      const proxied = await startTestBridge(server.address, { BRIDGE_TRUST_PROXY: 'true', ...SUITE_AS_PROXY });
      try {
        const started = new Date();
        const fromIp = async (ip: string) => {
          const response = await new CookieClient(proxied.url).post(
            '/register',
            { email: email('by-ip'), password: PASSWORD },
            { headers: { 'X-Forwarded-For': ip } },
          );
          expect(response.status).to.equal(201);
          return response.body.client.id as string;
        };
        const first = await fromIp('203.0.113.61');
        const second = await fromIp('2001:db8::61');
        const third = await fromIp('203.0.113.61');
        const targets = async (filter: Partial<ListAuditEventsRequest>) => (await events(filter)).map((record) => record.targetClientId);
        expect(await targets({ clientIp: '203.0.113.61' })).to.deep.equal([third, first]);
        expect(await targets({ clientIp: '2001:0db8:0000::0061' })).to.deep.equal([second]);
        expect(await targets({ clientIp: '::ffff:203.0.113.61', startTime: started, type: 'client.registered' })).to.deep.equal([third, first]);
        expect(await targets({ clientIp: '203.0.113.61', endTime: started })).to.deep.equal([]);
      } finally {
        await proxied.close();
      }
    });

    it('lets only admins list the trail, and refuses unknown types and empty time ranges', async () => {
      const user = await register();
      const { accessToken } = remember(await server.api.login({ email: user.email, password: PASSWORD }));
      expect(await failure(server.api.listAuditEvents(ListAuditEventsRequest.fromPartial({}), { token: accessToken }))).to.include({
        code: status.PERMISSION_DENIED,
      });
      const bad = (request: Partial<ListAuditEventsRequest>) =>
        failure(server.api.listAuditEvents(ListAuditEventsRequest.fromPartial(request), { token: adminToken }));
      expect(await bad({ outcome: 7 as AuditOutcome })).to.include({ code: status.INVALID_ARGUMENT, field: 'outcome' });
      expect(await bad({ type: 'login.maybe' })).to.include({ code: status.INVALID_ARGUMENT, field: 'type' });
      expect(await bad({ actorId: 'someone' })).to.include({ code: status.INVALID_ARGUMENT, field: 'actor_id' });
      expect(await bad({ startTime: new Date(), endTime: new Date(Date.now() - 1000) })).to.include({ code: status.INVALID_ARGUMENT, field: 'end_time' });
      expect(await bad({ pageToken: 'garbage' })).to.include({ code: status.INVALID_ARGUMENT, reason: 'INVALID_PAGE_TOKEN' });
      expect(await bad({ clientIp: '203.0.113' })).to.include({ code: status.INVALID_ARGUMENT, field: 'client_ip' });
      expect(await bad({ clientIp: '10.0.0.1/8' })).to.include({ code: status.INVALID_ARGUMENT, field: 'client_ip' });
    });

    it('shows a user its own sign-ins, failed ones included, and nobody else’s', async () => {
      const user = await register();
      const someoneElse = await register();
      remember(await server.api.login({ email: someoneElse.email, password: PASSWORD }));
      await failure(server.api.login({ email: user.email, password: WRONG }));
      const { accessToken } = remember(await server.api.login({ email: user.email, password: PASSWORD }));
      await server.app.audit.flush();
      const { signIns } = await server.api.listMySignIns({ pageSize: 0, pageToken: '' }, { token: accessToken });
      expect(signIns.map((record) => [record.type, record.targetClientId])).to.deep.equal([
        ['login.succeeded', user.id],
        ['login.failed', user.id],
      ]);
      expect(await failure(server.api.listMySignIns({ pageSize: 0, pageToken: '' }))).to.include({ code: status.UNAUTHENTICATED });
    });

    it('reads its own writes: a refused login shows in the sign-ins asked for right after it', async () => {
      const user = await register();
      await failure(server.api.login({ email: user.email, password: WRONG }));
      const { accessToken } = remember(await server.api.login({ email: user.email, password: PASSWORD }));
      // No flush here: records gather before they are written, and the reader must not miss them.
      const { signIns } = await server.api.listMySignIns({ pageSize: 0, pageToken: '' }, { token: accessToken });
      expect(signIns.map((record) => record.type)).to.deep.equal(['login.succeeded', 'login.failed']);
    });

    it('keeps a flood of 1,000 failed logins on one account to a bounded trail', async () => {
      const user = await register();
      const before = server.app.audit.stats().recorded.get('login.throttled|failure')?.count ?? 0;
      const attempts = Array.from({ length: 1000 }, () => () => failure(server.api.login({ email: user.email, password: WRONG })));
      for (let i = 0; i < attempts.length; i += 10) await Promise.all(attempts.slice(i, i + 10).map((attempt) => attempt()));
      const records = await ofTarget(user.id);
      const failed = records.filter((record) => record.type === 'login.failed');
      const throttled = records.filter((record) => record.type === 'login.throttled');
      // The limiter lets a few guesses through (those running when the limit was reached);
      // the refusals after it make one record a minute.
      expect(failed.length).to.be.within(MAX_FAILURES, MAX_FAILURES + 10);
      expect(throttled).to.have.length(1);
      expect(records.length).to.be.below(20);
      // Every refusal is still counted for the metrics.
      const counted = server.app.audit.stats().recorded.get('login.throttled|failure')!.count - before;
      expect(counted + failed.length).to.equal(1000);
    });

    it('removes records older than AUDIT_RETENTION_DAYS (90 days) when the sweeper runs', async () => {
      const day = 24 * 3600 * 1000;
      const record = (ageDays: number) => {
        const at = Date.now() - ageDays * day;
        return {
          id: newId(at),
          at: new Date(at),
          type: 'logout' as const,
          outcome: 'success' as const,
          actor: 'system',
          target: newId(),
          sessionId: '',
          ip: '',
          userAgent: '',
          requestId: '',
          details: {},
        };
      };
      const old = record(91);
      const recent = record(89);
      await server.app.adapters.auditLog.append([old, recent]);
      expect(await server.app.audit.sweepExpired()).to.be.at.least(1);
      expect(await ofTarget(old.target)).to.deep.equal([]);
      expect(await ofTarget(recent.target)).to.have.length(1);
    });

    it('logs each record as one structured line with audit: true', async () => {
      const user = await register();
      const line = server.logs.map((text) => JSON.parse(text)).find((fields) => fields.audit === true && fields.target === user.id);
      expect(line).to.include({ type: 'client.registered', outcome: 'success', actor: 'anonymous', level: 'info' });
    });

    it('counts records by type and outcome, and the records dropped, for Prometheus', async () => {
      const user = await register();
      await failure(server.api.login({ email: user.email, password: WRONG }));
      const metrics = createMetrics({ audit: server.app.audit });
      const text = await metrics.registry.metrics();
      const failed = Number(/clientauth_audit_events_total\{type="login.failed",outcome="failure"\} (\d+)/.exec(text)?.[1]);
      expect(failed).to.be.at.least(1);
      expect(text).to.match(/clientauth_audit_events_total\{type="client.registered",outcome="success"\} \d+/);
      expect(text).to.match(/clientauth_audit_dropped_total 0/);
      expect(text).to.match(/clientauth_audit_queue \d+/);
    });

    if (setup === 'shared') {
      it('publishes every record on the AUDIT_STREAM Redis Stream', async () => {
        const user = await register();
        await server.app.audit.flush();
        const entries = await server.redis.xrange(server.config.audit.stream, '-', '+');
        const fields = entries.map(([, values]) => Object.fromEntries(Array.from({ length: values.length / 2 }, (_, i) => [values[2 * i], values[2 * i + 1]])));
        const published = fields.find((entry) => entry['target'] === user.id);
        expect(published).to.include({ type: 'client.registered', outcome: 'success', actor: 'anonymous' });
        expect(JSON.parse(published!['details']!)).to.deep.equal({ email: user.email });
      });
    }

    it('never holds a password, token or secret in any record, stored, streamed or logged', async () => {
      await server.app.audit.flush();
      const texts = [JSON.stringify(await events()), ...server.logs.filter((line) => line.includes('"audit":true'))];
      if (setup === 'shared') {
        texts.push(JSON.stringify(await server.db.collection('audit_events').find().toArray()));
        texts.push(JSON.stringify(await server.redis.xrange(server.config.audit.stream, '-', '+')));
      }
      expect(secrets.size).to.be.above(15);
      for (const text of texts) for (const secret of secrets) expect(text.includes(secret), 'a secret in the audit trail').to.equal(false);
    });

    it('keeps its records across a restart', async function () {
      const user = await register();
      // Closing writes what is queued: no flush here.
      const env = { ...setupEnv(setup, this, 'audit-restart'), ...(setup === 'embedded' ? { DATA_DIR: dataDir() } : { DB_NAME: dbName() }) };
      await bridge.close();
      await server.close();
      server = await startTestServer({ ...env, AUDIT_STREAM: server.config.audit.stream });
      bridge = await startTestBridge(server.address);
      adminToken = remember(await server.api.login(ADMIN)).accessToken;
      expect(only(await ofTarget(user.id), 'client.registered')).to.include({ actorId: 'anonymous' });
    });

    const dataDir = () => (server.config.stores.kind === 'embedded' ? server.config.stores.dataDir : '');
    const dbName = () => (server.config.stores.kind === 'shared' ? server.config.stores.mongo.dbName : '');
  });
