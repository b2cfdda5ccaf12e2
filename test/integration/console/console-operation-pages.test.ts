/**
 * The console's service clients, audit log, signing keys and deletion requests over HTTP,
 * on both set-ups: what an admin sees, what each action stores and records in the audit
 * trail, the service's refusals in words with their status, and the re-authentication
 * before a change once the admin's sign-in is older than ADMIN_REAUTH_MIN.
 */
import { expect } from 'chai';
import { AuditOutcome } from '../../../gen/clientauth/v1/audit.js';
import { ListAuditEventsRequest } from '../../../gen/clientauth/v1/client_auth.js';
import { newId } from '../../../src/domain/kernel/ids.js';
import type { PageBrowser } from '../../support/page-browser.js';
import { expectPageHeaders, type PageStack, registerPerson, startPageStack } from '../../support/page-fixture.js';
import { failure, SETUP_TITLES, SETUPS } from '../../support/server.js';
import { adminToken, newAdmin, PASSWORD, signedInBrowser } from './console-fixture.js';

const KEY_ENCRYPTION_KEY = 'a-key-encryption-key-of-at-least-32-bytes!';
/** The secret on a secret page: the read-only field's value. */
const secretOf = (html: string) => /id="client-secret"[^>]*value="([^"]+)"/.exec(html)?.[1] ?? /value="([^"]+)"[^>]*id="client-secret"/.exec(html)?.[1];
const idOf = (html: string) => /<code id="service-client-id">([^<]+)<\/code>/.exec(html)?.[1];

for (const setup of SETUPS)
  describe(`The console's operations pages over HTTP, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(60000);
    let stack: PageStack;
    let admin: { id: string; email: string };
    let browser: PageBrowser;
    let counter = 0;
    const serviceEmail = () => `ops-service${++counter}.${Date.now()}@example.com`;

    before(async function () {
      stack = await startPageStack(setup, this, 'console_ops', { JWT_ALGORITHM: 'ES256', KEY_ENCRYPTION_KEY, SIGNING_KEY_PUBLISH_AHEAD: '2s' });
      admin = await newAdmin(stack);
      browser = await signedInBrowser(stack, admin.email);
    });
    after(() => stack?.close());

    /** The audit records of `type` naming `target`, newest first. */
    const recorded = async (type: string, target = '') => {
      await stack.server.app.audit.flush();
      const { events } = await stack.server.api.listAuditEvents(ListAuditEventsRequest.fromPartial({ type, targetClientId: target, pageSize: 50 }), {
        token: await adminToken(stack),
      });
      return events;
    };

    describe('service clients', () => {
      it('registers a service and shows its secret once, which obtains a token; one audit record names the admin, the service and the IP', async () => {
        const email = serviceEmail();
        const page = await browser.post('/admin/services', { name: 'Billing', email, groups: 'billing, reports' });
        expect(page.status).to.equal(201);
        expectPageHeaders(page.headers, 'POST /admin/services');
        expect(page.headers.get('cache-control')).to.equal('no-store');
        expect(page.text).to.contain('Service client registered').and.contain('This is the only time the secret is shown.');
        expect(page.text).to.match(/<script src="\/assets\/copy-secret\.[^"]*js"/);
        const secret = secretOf(page.text)!;
        const id = idOf(page.text)!;
        expect(secret).to.match(/^\S{20,}$/);
        const stored = (await stack.server.store.client(id))!;
        expect(stored).to.include({ kind: 'service', email, name: 'Billing' });
        expect(stored.groups).to.have.members(['service', 'billing', 'reports']);
        expect(stored.secretHash).to.be.a('string');
        expect(stored.secretHash).to.not.equal(secret);
        const { accessToken } = await stack.server.api.issueServiceToken({ clientId: id, clientSecret: secret });
        expect(accessToken).to.match(/^ey/);
        const [event, ...more] = await recorded('service.registered', id);
        expect(more).to.deep.equal([]);
        expect(event).to.include({ actorId: admin.id, targetClientId: id, clientIp: '127.0.0.1', outcome: AuditOutcome.AUDIT_OUTCOME_SUCCESS });
        // The list shows it with its token issue; the secret appears nowhere else.
        const list = await browser.get('/admin/services');
        expect(list.status).to.equal(200);
        expectPageHeaders(list.headers, 'GET /admin/services');
        expect(list.text).to.contain(email).and.contain(id);
        expect(list.text).to.not.contain(secret);
        expect(list.text).to.contain('<a href="/admin/services" aria-current="page">Service clients</a>');
      });

      it('shows each service’s last token issue, and Never before the first', async () => {
        const { client, clientSecret } = await stack.server.api.registerService(
          { email: serviceEmail(), name: 'Mailer', groups: [] },
          { token: await adminToken(stack) },
        );
        const before = (await browser.get('/admin/services')).text;
        const rowOf = (html: string) => html.slice(html.lastIndexOf('<tr>', html.indexOf(client!.id)), html.indexOf('</tr>', html.indexOf(client!.id)));
        expect(rowOf(before)).to.contain('>Never<');
        await stack.server.api.issueServiceToken({ clientId: client!.id, clientSecret });
        const after = (await browser.get('/admin/services')).text;
        expect(rowOf(after)).to.not.contain('>Never<');
        expect(rowOf(after)).to.contain(' UTC<');
      });

      it('resets a secret: the new one shown once works, the old one stops, and the reset is recorded', async () => {
        const { client, clientSecret } = await stack.server.api.registerService(
          { email: serviceEmail(), name: 'Reports', groups: [] },
          { token: await adminToken(stack) },
        );
        const page = await browser.post(`/admin/services/${client!.id}/reset-secret`, {});
        expect(page.status).to.equal(200);
        expect(page.text).to.contain('New secret for the service client');
        const secret = secretOf(page.text)!;
        expect(secret).to.not.equal(clientSecret);
        expect((await failure(stack.server.api.issueServiceToken({ clientId: client!.id, clientSecret }))).reason).to.equal('INVALID_CREDENTIALS');
        await stack.server.api.issueServiceToken({ clientId: client!.id, clientSecret: secret });
        expect((await recorded('service_secret.reset', client!.id))[0]).to.include({ actorId: admin.id, clientIp: '127.0.0.1' });
      });

      it('answers bad input with the form again, its status and the service’s reason, and stores nothing', async () => {
        const email = serviceEmail();
        const empty = await browser.post('/admin/services', { name: '', email: '', groups: '' });
        expect(empty.status).to.equal(400);
        expect(empty.text).to.contain('Enter the service’s name').and.contain('href="#email"');
        const badGroups = await browser.post('/admin/services', { name: 'Bad', email, groups: 'Not A Group!' });
        expect(badGroups.status).to.equal(400);
        expect(badGroups.text).to.contain('Check what you entered.').and.contain('href="#groups"');
        expect(await stack.server.store.countClients({ email })).to.equal(0);
        await browser.post('/admin/services', { name: 'First', email, groups: '' });
        const taken = await browser.post('/admin/services', { name: 'Second', email, groups: '' });
        expect(taken.status).to.equal(409);
        expect(taken.text).to.contain('exists already').and.contain('value="Second"');
        expect(await stack.server.store.countClients({ email })).to.equal(1);
        const person = await registerPerson(stack.server);
        const notService = await browser.post(`/admin/services/${person.id}/reset-secret`, {});
        expect(notService.status).to.equal(400);
        expect(notService.text).to.contain('That is a person, not a service client.');
      });

      it('asks for the password again once the sign-in is older than ADMIN_REAUTH_MIN, then registers without asking for the fields again', async () => {
        const late = await newAdmin(stack);
        const lateBrowser = await signedInBrowser(stack, late.email);
        await stack.server.store.backdateSessionsOf(late.id, 16 * 60_000);
        const email = serviceEmail();
        const asked = await lateBrowser.post('/admin/services', { name: 'Late', email, groups: '' });
        expect(asked.status).to.equal(200);
        expect(asked.text).to.contain('Confirm it is you').and.contain(`value="${email}"`);
        expect(await stack.server.store.countClients({ email })).to.equal(0);
        const wrong = await lateBrowser.post('/admin/services', { name: 'Late', email, groups: '', reauth_password: 'not the password' });
        expect(wrong.status).to.equal(401);
        expect(await stack.server.store.countClients({ email })).to.equal(0);
        const done = await lateBrowser.post('/admin/services', { name: 'Late', email, groups: '', reauth_password: PASSWORD });
        expect(done.status).to.equal(201);
        expect(secretOf(done.text)).to.be.a('string');
        expect(await stack.server.store.countClients({ email })).to.equal(1);
      });
    });

    describe('audit log', () => {
      it('filters by type, actor, target, outcome, IP and time, and pages', async () => {
        const { client, clientSecret } = await stack.server.api.registerService(
          { email: serviceEmail(), name: 'Audited', groups: [] },
          { token: await adminToken(stack) },
        );
        await stack.server.api.issueServiceToken({ clientId: client!.id, clientSecret });
        await failure(stack.server.api.issueServiceToken({ clientId: client!.id, clientSecret: 'wrong secret' }));
        await stack.server.app.audit.flush();
        const page = await browser.get(`/admin/audit?type=service_token.issued&target=${client!.id}&outcome=failure`);
        expect(page.status).to.equal(200);
        expectPageHeaders(page.headers, 'GET /admin/audit');
        expect(page.text).to.contain('service_token.issued (Failure)').and.contain('INVALID_CREDENTIALS');
        expect(page.text).to.not.contain('(Success)');
        expect(page.text).to.contain('<option value="service_token.issued" selected');
        expect(page.text, 'the OpenID Provider token events among the types').to.contain('<option value="oidc_token.issued"');
        const byIp = await browser.get(`/admin/audit?ip=${encodeURIComponent('::ffff:127.0.0.1')}&actor=${admin.id}&since=2020-01-01`);
        expect(byIp.status).to.equal(200);
        expect(byIp.text).to.contain(admin.id);
        const none = await browser.get(`/admin/audit?target=${client!.id}&until=2020-01-01 00:00`);
        expect(none.text).to.contain('No events match.');
        // Paging: one event a page is not offered, so the page size is the service's; the link carries the filters.
        const all = await browser.get(`/admin/audit?target=${client!.id}`);
        expect(all.text).to.not.contain('Older events');
        expect(all.text).to.contain(`href="/admin/audit/export?target=${client!.id}"`);
      });

      it('refuses bad filters with 400 and the reason beside the field, and runs no query for an unreadable time', async () => {
        const badIp = await browser.get('/admin/audit?ip=10.0.0.1/8');
        expect(badIp.status).to.equal(400);
        expect(badIp.text).to.contain('Enter an IP address, such as 203.0.113.9 or 2001:db8::1').and.contain('href="#ip"');
        const range = await browser.get('/admin/audit?since=2026-12-07 14:00&until=2026-12-07 13:00');
        expect(range.status).to.equal(400);
        expect(range.text).to.contain('The end of the time range must be after its start').and.contain('href="#until"');
        const time = await browser.get('/admin/audit?since=yesterday');
        expect(time.status).to.equal(400);
        expect(time.text).to.contain('Enter a time as 2026-12-07 14:30 (UTC)').and.contain('href="#since"');
        const type = await browser.get('/admin/audit?type=login.maybe');
        expect(type.status).to.equal(400);
        const page = await browser.get('/admin/audit?page=garbage');
        expect(page.status).to.equal(400);
        expect(page.text).to.contain('This page of the list does not exist any more.');
      });

      it('exports every matching event as JSON Lines, page after page, with the fields of ListAuditEvents and nothing secret', async () => {
        const { client, clientSecret } = await stack.server.api.registerService(
          { email: serviceEmail(), name: 'Exported', groups: [] },
          { token: await adminToken(stack) },
        );
        for (let i = 0; i < 3; i++) await stack.server.api.issueServiceToken({ clientId: client!.id, clientSecret });
        await stack.server.app.audit.flush();
        const answer = await browser.get(`/admin/audit/export?target=${client!.id}`);
        expect(answer.status).to.equal(200);
        expect(answer.headers.get('content-type')).to.equal('application/x-ndjson; charset=utf-8');
        expect(answer.headers.get('content-disposition')).to.match(/^attachment; filename="audit-events-[\dTZ-]+\.jsonl"$/);
        expect(answer.headers.get('cache-control')).to.equal('no-store');
        const lines = answer.text
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line));
        expect(lines.map((line) => line.type)).to.deep.equal(['service_token.issued', 'service_token.issued', 'service_token.issued', 'service.registered']);
        expect(Object.keys(lines[3]).sort()).to.deep.equal(
          [
            'id',
            'time',
            'type',
            'outcome',
            'actor_id',
            'target_client_id',
            'session_id',
            'client_ip',
            'user_agent',
            'reason',
            'request_id',
            'email',
            'groups_before',
            'groups_after',
            'repeated',
            'method',
            'key_id',
            'grant_type',
          ].sort(),
        );
        expect(answer.text).to.not.contain(clientSecret);
        const bad = await browser.get('/admin/audit/export?ip=nowhere');
        expect(bad.status).to.equal(400);
        expect(bad.headers.get('content-type')).to.contain('text/html');
      });

      it('streams an export longer than one page of the service (500 records), each record once, newest first', async () => {
        const target = newId();
        // Written straight to the trail: 1,234 records through the RPCs would only slow the suite.
        const start = Date.now() - 3600_000;
        const records = Array.from({ length: 1234 }, (_, i) => ({
          id: newId(start + i),
          at: new Date(start + i),
          type: (i % 2 === 0 ? 'client.suspended' : 'client.reinstated') as 'client.suspended',
          outcome: 'success' as const,
          actor: admin.id,
          target,
          sessionId: '',
          ip: '198.51.100.4',
          userAgent: 'export test',
          requestId: `export-${i}`,
          details: {},
        }));
        await stack.server.app.adapters.auditLog.append(records);
        const answer = await browser.get(`/admin/audit/export?target=${target}`);
        const ids = answer.text
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line).id as string);
        expect(ids).to.deep.equal(records.map((record) => record.id).reverse());
        const suspended = await browser.get(`/admin/audit/export?target=${target}&type=client.suspended`);
        expect(suspended.text.trimEnd().split('\n')).to.have.length(617);
      });
    });

    describe('signing keys', () => {
      it('shows the key set with states and dates, and a rotation (re-authenticated, audited) shows the next key', async () => {
        const page = await browser.get('/admin/signing-keys');
        expect(page.status).to.equal(200);
        expectPageHeaders(page.headers, 'GET /admin/signing-keys');
        expect(page.text).to.contain('The service generates, stores and rotates these keys.').and.contain('>Signing<').and.contain('ES256');
        const rotated = await browser.post('/admin/signing-keys/rotate', {});
        expect(rotated.status).to.equal(303);
        const kid = decodeURIComponent(/rotated=([^&]+)/.exec(rotated.location ?? '')![1]!);
        const after = await browser.get(rotated.location!);
        expect(after.text).to.contain(`A new key (${kid}) is published.`).and.contain('Next: published, not yet signing');
        expect((await recorded('signing_key.rotated'))[0]).to.include({ actorId: admin.id, keyId: kid, clientIp: '127.0.0.1' });
        // A notice names only a key the set holds.
        expect((await browser.get('/admin/signing-keys?rotated=forged-kid')).text).to.not.contain('forged-kid');
      });
    });

    describe('deletion requests', () => {
      it('lists the outbox’s deletion requests with their delivery, all or pending only', async () => {
        const person = await registerPerson(stack.server);
        await stack.server.api.deleteClient({ clientId: person.id }, { token: await adminToken(stack) });
        const page = await browser.get('/admin/deletion-requests');
        expect(page.status).to.equal(200);
        expectPageHeaders(page.headers, 'GET /admin/deletion-requests');
        const row = page.text.slice(page.text.indexOf(person.id), page.text.indexOf('</tr>', page.text.indexOf(person.id)));
        expect(row)
          .to.contain('Person')
          .and.match(/Delivered|Pending/);
        const pending = await browser.get('/admin/deletion-requests?pending=1');
        expect(pending.status).to.equal(200);
        expect(pending.text).to.contain('All requests');
        const stale = await browser.get('/admin/deletion-requests?page=garbage');
        expect(stale.status).to.equal(400);
        expect(stale.text).to.contain('This page of the list does not exist any more.');
      });

      it('keeps every operations page from anyone but an admin', async () => {
        const { email } = await registerPerson(stack.server);
        const user = await signedInBrowser(stack, email);
        for (const path of ['/admin/services', '/admin/audit', '/admin/audit/export', '/admin/signing-keys', '/admin/deletion-requests']) {
          const answer = await user.get(path);
          expect(answer.status, path).to.equal(403);
          expect(answer.text).to.contain('This page is for administrators only.');
        }
        const posted = await user.post('/admin/signing-keys/rotate', {});
        expect(posted.status).to.equal(403);
        const { keys } = await stack.server.api.listSigningKeys({}, { token: await adminToken(stack) });
        expect(keys.length).to.be.at.least(1);
      });
    });
  });

for (const setup of SETUPS)
  describe(`The console's signing keys with the HS256 secret, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(60000);
    let stack: PageStack;
    before(async function () {
      stack = await startPageStack(setup, this, 'console_ops_hs256');
    });
    after(() => stack?.close());

    it('says no key is published and offers no rotation; a rotation posted anyway gets the service’s reason and changes nothing', async () => {
      const { email } = await newAdmin(stack);
      const browser = await signedInBrowser(stack, email);
      const page = await browser.get('/admin/signing-keys');
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('shared secret JWT_SECRET_KEY (HS256)');
      expect(page.text).to.not.contain('Rotate the signing key now');
      const rotated = await browser.post('/admin/signing-keys/rotate', {});
      expect(rotated.status).to.equal(400);
      expect(rotated.text).to.contain('These signing keys are not the service’s to rotate');
      expect((await stack.server.api.getJwks({})).keys).to.deep.equal([]);
    });
  });
