/**
 * The console's Clients section over HTTP on both set-ups: the search and filters, a
 * client's page, and each action with what a user notices: the status, the page, the
 * stored record, the audit event (the admin as actor, the client as target, the browser's
 * IP, the outcome). Bad input is 400 with the reason and changes nothing; a non-admin is
 * refused; an action outside the re-authentication window asks for the password first and
 * then completes without being entered again.
 */
import { expect } from 'chai';
import { AuditOutcome } from '../../../gen/clientauth/v1/audit.js';
import { eventually } from '../../support/eventually.js';
import { enrolTotp } from '../../support/factor-fixture.js';
import { PageBrowser } from '../../support/page-browser.js';
import { expectPageHeaders, type PageStack, registerPerson, startPageStack } from '../../support/page-fixture.js';
import { SETUP_TITLES, SETUPS } from '../../support/server.js';
import { adminToken, newAdmin, PASSWORD, signedInBrowser } from './console-fixture.js';

const EVIL = { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' };
const MINUTE = 60_000;
const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

for (const setup of SETUPS)
  describe(`The console's Clients section over HTTP, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(120000);
    let stack: PageStack;

    before(async function () {
      stack = await startPageStack(setup, this, 'console_clients');
    });
    after(() => stack?.close());

    /** An admin signed in a moment ago, and a person to act on, signed in in a browser of its own. */
    async function adminAndTarget() {
      const admin = await newAdmin(stack);
      const browser = await signedInBrowser(stack, admin.email);
      const target = await registerPerson(stack.server);
      const targetBrowser = await signedInBrowser(stack, target.email);
      return { admin, browser, target, targetBrowser };
    }

    /** The audit events about `clientId` of one type, once the recorder has written them. */
    async function eventsAbout(clientId: string, type: string, count = 1) {
      const token = await adminToken(stack);
      return eventually(
        async () => {
          const { events } = await stack.server.api.listAuditEvents({ targetClientId: clientId, type, pageSize: 10 }, { token });
          return events.length >= count ? events : undefined;
        },
        { what: `${count} ${type} event(s) about ${clientId}` },
      );
    }

    it('finds clients by an email prefix, typed in any case, with the filters in the address and a page at a time', async () => {
      const prefix = `findme${Date.now()}`;
      for (let index = 0; index < 52; index++) {
        await stack.server.api.registerUser({
          email: `${prefix}.${String(index).padStart(2, '0')}@example.org`,
          password: PASSWORD,
          firstName: 'Ada',
          lastName: '',
          phoneNumber: '',
          attributes: {},
        });
      }
      const { browser } = await adminAndTarget();
      const first = await browser.get(`/admin/clients?email=${prefix.toUpperCase()}`);
      expect(first.status).to.equal(200);
      expectPageHeaders(first.headers, 'GET /admin/clients');
      const rows = (text: string) => [...text.matchAll(/<th scope="row"><a href="\/admin\/clients\/[^"]+">([^<]+)<\/a>/g)].map((match) => match[1]!);
      expect(rows(first.text)).to.have.length(50);
      expect(rows(first.text)[0]).to.equal(`${prefix}.00@example.org`);
      const next = /<a href="(\/admin\/clients\?email=[^"]+&amp;page=[^"]+)">Next clients<\/a>/.exec(first.text)?.[1]?.replaceAll('&amp;', '&');
      expect(next).to.be.a('string');
      const second = await browser.get(next!);
      expect(rows(second.text)).to.deep.equal([`${prefix}.50@example.org`, `${prefix}.51@example.org`]);
      expect(second.text).to.not.contain('Next clients');
      expect(second.text).to.contain('First page');

      const newest = await browser.get(`/admin/clients?email=${prefix}&order=newest`);
      expect(rows(newest.text).slice(0, 2)).to.deep.equal([`${prefix}.51@example.org`, `${prefix}.50@example.org`]);
      expect(newest.text).to.contain('Clients, newest first');
      const older = /<a href="(\/admin\/clients\?[^"]*page=[^"]+)">Next clients<\/a>/.exec(newest.text)?.[1]?.replaceAll('&amp;', '&');
      expect(rows((await browser.get(older!)).text)).to.deep.equal([`${prefix}.01@example.org`, `${prefix}.00@example.org`]);

      const services = await browser.get(`/admin/clients?email=${prefix}&kind=service`);
      expect(services.text).to.contain('No client matches.');
      const unverified = await browser.get(`/admin/clients?email=${prefix}.0&verified=no&suspended=no`);
      expect(rows(unverified.text)).to.have.length(10);
    });

    it('answers a filter or page it does not know with 400 and the reason, never a 500', async () => {
      const { browser } = await adminAndTarget();
      for (const query of [
        'kind=robot',
        'order=oldest',
        'suspended=maybe',
        'verified=1',
        'page=not-a-token',
        `email=${'a'.repeat(300)}`,
        'kind=user&kind=service',
      ]) {
        const page = await browser.get(`/admin/clients?${query}`);
        expect(page.status, query).to.equal(400);
        expectPageHeaders(page.headers, query);
      }
      expect((await browser.get('/admin/clients?page=not-a-token')).text).to.contain('This page of the list does not exist any more.');
      const malformed = await browser.get('/admin/clients/not-an-id');
      expect(malformed.status).to.equal(400);
      const unknown = await browser.get('/admin/clients/01900000-0000-7000-8000-00000000abcd');
      expect(unknown.status).to.equal(404);
      expect(unknown.text).to.contain('There is no such client.');
    });

    it("shows a client's page: profile, state, the forms of every action, and its audit events", async () => {
      const { browser, target } = await adminAndTarget();
      const page = await browser.get(`/admin/clients/${target.id}`);
      expect(page.status).to.equal(200);
      expectPageHeaders(page.headers, 'GET /admin/clients/:id');
      expect(page.text).to.contain(`Client ${target.email}`).and.contain('Ada Lovelace').and.contain('Active: not suspended.');
      for (const action of ['suspend', 'groups', 'reset-second-factor', 'delete'])
        expect(page.text).to.contain(`action="/admin/clients/${target.id}/${action}"`);
      expect(page.text).to.contain('<code>client.registered</code>').and.contain('<code>login.succeeded</code>');
      const german = await browser.get(`/admin/clients/${target.id}`, { 'Accept-Language': 'de' });
      expect(german.text).to.contain('Sperren').and.contain('Was geschah');
    });

    it('suspends a client with a reason: 303 with a notice, the record suspended, its open session refused at once, one audit event', async () => {
      const { admin, browser, target, targetBrowser } = await adminAndTarget();
      const done = await browser.post(`/admin/clients/${target.id}/suspend`, { reason: 'phished, locked on call' });
      expect([done.status, done.location]).to.deep.equal([303, `/admin/clients/${target.id}?notice=suspended`]);
      const page = await browser.get(done.location!);
      expect(page.text).to.contain('The client is suspended.').and.contain('phished, locked on call').and.contain('>Reinstate</button>');
      expect(await stack.server.store.client(target.id)).to.deep.include({
        suspended: true,
        suspensionReason: 'phished, locked on call',
        suspendedBy: admin.id,
      });
      expect((await targetBrowser.get('/auth')).status).to.equal(401);
      const [event] = await eventsAbout(target.id, 'client.suspended');
      expect(event).to.deep.include({ actorId: admin.id, targetClientId: target.id, clientIp: '127.0.0.1', outcome: AuditOutcome.AUDIT_OUTCOME_SUCCESS });

      const back = await browser.post(`/admin/clients/${target.id}/reinstate`, {});
      expect([back.status, back.location]).to.deep.equal([303, `/admin/clients/${target.id}?notice=reinstated`]);
      expect(await stack.server.store.client(target.id)).to.deep.include({ suspended: false });
      await eventsAbout(target.id, 'client.reinstated');
    });

    it('refuses a suspension without a reason, or with one too long, with 400 beside the field; nothing changes', async () => {
      const { browser, target } = await adminAndTarget();
      const empty = await browser.post(`/admin/clients/${target.id}/suspend`, { reason: '  ' });
      expect(empty.status).to.equal(400);
      expect(empty.text).to.contain('Say why you suspend this client').and.contain('href="#reason"');
      const long = await browser.post(`/admin/clients/${target.id}/suspend`, { reason: 'x'.repeat(501) });
      expect(long.status).to.equal(400);
      expect(long.text).to.contain('Write a reason of at most 500 characters');
      expect(await stack.server.store.client(target.id)).to.deep.include({ suspended: false });
    });

    it("changes a client's groups: the stored groups, the client's sessions ended, one audit event; bad names are 400", async () => {
      const { admin, browser, target, targetBrowser } = await adminAndTarget();
      const done = await browser.post(`/admin/clients/${target.id}/groups`, { groups: 'billing, support' });
      expect([done.status, done.location]).to.deep.equal([303, `/admin/clients/${target.id}?notice=groups`]);
      expect((await stack.server.store.client(target.id))?.groups).to.have.members(['user', 'billing', 'support']);
      expect((await targetBrowser.get('/auth')).status).to.equal(401);
      const [event] = await eventsAbout(target.id, 'groups.changed');
      expect(event).to.deep.include({ actorId: admin.id, clientIp: '127.0.0.1' });
      const bad = await browser.post(`/admin/clients/${target.id}/groups`, { groups: 'Not A Group!' });
      expect(bad.status).to.equal(400);
      expect(bad.text).to.contain('Enter group names in lower case');
      expect((await stack.server.store.client(target.id))?.groups).to.have.members(['user', 'billing', 'support']);
    });

    it("resets a client's second factors: the client signs in with its password alone, one audit event", async () => {
      const { admin, browser, target } = await adminAndTarget();
      const { accessToken } = await stack.server.api.login({ email: target.email, password: PASSWORD });
      await enrolTotp(stack.server, accessToken);
      const challenged = await stack.server.api.login({ email: target.email, password: PASSWORD });
      expect(challenged.secondFactorChallenge).to.not.equal(undefined);
      const done = await browser.post(`/admin/clients/${target.id}/reset-second-factor`, {});
      expect([done.status, done.location]).to.deep.equal([303, `/admin/clients/${target.id}?notice=factors-reset`]);
      const after = await stack.server.api.login({ email: target.email, password: PASSWORD });
      expect(after.secondFactorChallenge).to.equal(undefined);
      const [event] = await eventsAbout(target.id, 'second_factor.reset');
      expect(event).to.deep.include({ actorId: admin.id });
    });

    it('deletes a client only when its email is typed: a wrong one is 400 and deletes nothing; then the cascade is shown', async () => {
      const { admin, browser, target } = await adminAndTarget();
      const wrong = await browser.post(`/admin/clients/${target.id}/delete`, { confirm_email: 'someone@example.org' });
      expect(wrong.status).to.equal(400);
      expect(wrong.text).to.contain('Type the client’s email address exactly as shown');
      expect(await stack.server.store.client(target.id)).to.not.equal(null);
      const done = await browser.post(`/admin/clients/${target.id}/delete`, { confirm_email: ` ${target.email.toUpperCase()} ` });
      expect([done.status, done.location]).to.deep.equal([303, `/admin/clients/${target.id}/deletion`]);
      expect(await stack.server.store.client(target.id)).to.equal(null);
      const progress = await eventually(
        async () => {
          const page = await browser.get(done.location!);
          return page.text.includes('Delivered to the other services') ? page : undefined;
        },
        { what: 'the deletion request delivered', timeoutMs: 15000 },
      );
      expect(progress.status).to.equal(200);
      expect(progress.text).to.contain(`${target.id} is deleted.`);
      const [event] = await eventsAbout(target.id, 'client.deleted');
      expect(event).to.deep.include({ actorId: admin.id, clientIp: '127.0.0.1' });
      expect((await browser.get(`/admin/clients/${target.id}`)).status).to.equal(404);
    });

    it("lists a client's sessions and signs out one or all of them: those browsers are refused at once, one audit event each", async () => {
      const { admin, browser, target, targetBrowser } = await adminAndTarget();
      const phone = await signedInBrowser(stack, target.email, PASSWORD, { 'User-Agent': PHONE });
      const page = await browser.get(`/admin/clients/${target.id}`);
      expect(page.text).to.contain('Safari on iOS');
      const ids = [...page.text.matchAll(/name="session_id" value="([^"]+)"/g)].map((match) => match[1]!);
      expect(ids).to.have.length(2);
      // Most recently used first: the phone signed in last.
      const ended = await browser.post(`/admin/clients/${target.id}/sessions/end`, { session_id: ids[0]! });
      expect([ended.status, ended.location]).to.deep.equal([303, `/admin/clients/${target.id}?notice=sessions-ended`]);
      expect((await phone.get('/auth')).status).to.equal(401);
      expect((await targetBrowser.get('/auth')).status).to.equal(200);
      const [event] = await eventsAbout(target.id, 'session.ended');
      expect(event).to.deep.include({ actorId: admin.id, sessionId: ids[0], clientIp: '127.0.0.1' });

      const all = await browser.post(`/admin/clients/${target.id}/sessions/end-all`, {});
      expect(all.status).to.equal(303);
      expect((await targetBrowser.get('/auth')).status).to.equal(401);
      expect((await browser.get(`/admin/clients/${target.id}`)).text).to.contain('The client is not signed in anywhere.');
      const bad = await browser.post(`/admin/clients/${target.id}/sessions/end`, { session_id: 'not an id' });
      expect(bad.status).to.equal(400);
      const none = await browser.post(`/admin/clients/${target.id}/sessions/end`, { session_id: '' });
      expect(none.status).to.equal(400);
    });

    it('refuses every action to a non-admin (403) and to another site (403), changing nothing', async () => {
      const { browser, target } = await adminAndTarget();
      const stranger = await signedInBrowser(stack, (await registerPerson(stack.server)).email);
      expect((await stranger.post(`/admin/clients/${target.id}/suspend`, { reason: 'no' })).status).to.equal(403);
      expect((await stranger.get(`/admin/clients/${target.id}`)).status).to.equal(403);
      expect((await browser.post(`/admin/clients/${target.id}/suspend`, { reason: 'no' }, EVIL)).status).to.equal(403);
      const anonymous = new PageBrowser(stack.bridge.url);
      expect((await anonymous.get('/admin/clients')).location).to.equal('/sign-in?return_to=%2Fadmin%2Fclients');
      expect((await anonymous.post(`/admin/clients/${target.id}/suspend`, { reason: 'no' })).location).to.equal('/sign-in');
      expect(await stack.server.store.client(target.id)).to.deep.include({ suspended: false });
    });

    it('asks for the password when the sign-in is older than ADMIN_REAUTH_MIN, then completes the action without it being entered again', async () => {
      const { admin, browser, target } = await adminAndTarget();
      await stack.server.store.backdateSessionsOf(admin.id, 16 * MINUTE);
      const asked = await browser.post(`/admin/clients/${target.id}/suspend`, { reason: 'after the window' });
      expect(asked.status).to.equal(200);
      expectPageHeaders(asked.headers, 'the re-authentication page');
      expect(asked.text).to.contain('Confirm it is you').and.contain('in the last 15 minutes');
      expect(asked.text).to.contain(`action="/admin/clients/${target.id}/suspend"`).and.contain('name="reason" value="after the window"');
      expect(asked.text).to.not.contain('name="reauth_code"');
      expect(await stack.server.store.client(target.id)).to.deep.include({ suspended: false });

      const wrong = await browser.post(`/admin/clients/${target.id}/suspend`, { reason: 'after the window', reauth_password: 'not the password' });
      expect(wrong.status).to.equal(401);
      expect(wrong.text).to.contain('The email address or the password is not right.').and.contain('name="reason" value="after the window"');
      expect(wrong.text).to.not.contain('not the password');
      expect(await stack.server.store.client(target.id)).to.deep.include({ suspended: false });
      const [failed] = await eventsAbout(admin.id, 'login.failed');
      expect(failed).to.deep.include({ outcome: AuditOutcome.AUDIT_OUTCOME_FAILURE, clientIp: '127.0.0.1' });

      const done = await browser.post(`/admin/clients/${target.id}/suspend`, { reason: 'after the window', reauth_password: PASSWORD });
      expect([done.status, done.location]).to.deep.equal([303, `/admin/clients/${target.id}?notice=suspended`]);
      expect(done.setCookies.some((line) => line.startsWith('token=') && !line.startsWith('token=;'))).to.equal(true);
      expect(await stack.server.store.client(target.id)).to.deep.include({ suspended: true, suspensionReason: 'after the window' });
      // The new session is recent: the next action needs no password.
      const next = await browser.post(`/admin/clients/${target.id}/reinstate`, {});
      expect(next.status).to.equal(303);
    });

    it('asks an admin with an authenticator app for its code too, and counts a wrong one as a failed sign-in', async () => {
      const admin = await newAdmin(stack);
      const target = await registerPerson(stack.server);
      const { accessToken } = await stack.server.api.login({ email: admin.email, password: PASSWORD });
      const { recoveryCodes } = await enrolTotp(stack.server, accessToken);
      // Signed in (password and code) through the service, the session's cookie handed to the browser.
      const browser = new PageBrowser(stack.bridge.url, { Cookie: `token=${accessToken}` });
      await stack.server.store.backdateSessionsOf(admin.id, 16 * MINUTE);
      const asked = await browser.post(`/admin/clients/${target.id}/suspend`, { reason: 'with a code' });
      expect(asked.status).to.equal(200);
      expect(asked.text).to.contain('name="reauth_code"');
      const missing = await browser.post(`/admin/clients/${target.id}/suspend`, { reason: 'with a code', reauth_password: PASSWORD });
      expect(missing.status).to.equal(400);
      expect(missing.text).to.contain('Enter the code from your authenticator app');
      const wrong = await browser.post(`/admin/clients/${target.id}/suspend`, { reason: 'with a code', reauth_password: PASSWORD, reauth_code: '000000' });
      expect(wrong.status).to.equal(401);
      expect(wrong.text).to.contain('That code is not right.').and.contain('href="#reauth_code"');
      expect(await stack.server.store.client(target.id)).to.deep.include({ suspended: false });
      const [failed] = await eventsAbout(admin.id, 'second_factor.failed');
      expect(failed).to.deep.include({ outcome: AuditOutcome.AUDIT_OUTCOME_FAILURE });
      const done = await browser.post(`/admin/clients/${target.id}/suspend`, {
        reason: 'with a code',
        reauth_password: PASSWORD,
        reauth_code: recoveryCodes[0]!,
      });
      expect(done.status).to.equal(303);
      expect(await stack.server.store.client(target.id)).to.deep.include({ suspended: true, suspensionReason: 'with a code' });
    });
  });
