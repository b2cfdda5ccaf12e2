/**
 * Who gets into the admin console, over HTTP on both set-ups: an admin sees it with the
 * pages' headers and the console's sections; a signed-in client that is not an admin gets
 * 403; a browser without a session goes to /sign-in and comes back; an admin demoted a
 * moment ago is refused at the next request.
 */
import { expect } from 'chai';
import { PageBrowser } from '../../support/page-browser.js';
import { expectPageHeaders, type PageStack, registerPerson, startPageStack } from '../../support/page-fixture.js';
import { SETUP_TITLES, SETUPS } from '../../support/server.js';
import { adminToken, newAdmin, signedInBrowser } from './console-fixture.js';

const SECTIONS = ['Overview', 'Clients', 'Service clients', 'Audit log', 'Signing keys', 'Deletion requests'];

for (const setup of SETUPS)
  describe(`The admin console's gate over HTTP, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(60000);
    let stack: PageStack;

    before(async function () {
      stack = await startPageStack(setup, this, 'console_gate');
    });
    after(() => stack?.close());

    it('shows an admin the console: 200, the pages’ headers, every section in the nav, who is signed in', async () => {
      const { email } = await newAdmin(stack);
      const browser = await signedInBrowser(stack, email);
      const page = await browser.get('/admin');
      expect(page.status).to.equal(200);
      expectPageHeaders(page.headers, 'GET /admin');
      for (const section of SECTIONS) expect(page.text).to.contain(`>${section}</a>`);
      expect(page.text).to.contain('<a href="/admin" aria-current="page">Overview</a>');
      expect(page.text).to.contain(`Signed in as ${email}`);
      expect(page.text).to.contain('<title>Overview – Admin console – client-auth</title>');
    });

    it('says it in German', async () => {
      const { email } = await newAdmin(stack);
      const browser = await signedInBrowser(stack, email, undefined, { 'Accept-Language': 'de' });
      const page = await browser.get('/admin');
      expect(page.text).to.contain('>Übersicht</a>').and.contain('>Audit-Protokoll</a>').and.contain('Admin-Konsole');
    });

    it('refuses a signed-in client that is not an admin with 403 and the reason in words', async () => {
      const { email } = await registerPerson(stack.server);
      const browser = await signedInBrowser(stack, email);
      const page = await browser.get('/admin');
      expect(page.status).to.equal(403);
      expectPageHeaders(page.headers, 'GET /admin');
      expect(page.text).to.contain('This page is for administrators only.');
      expect(page.text).to.not.contain('Deletion requests');
    });

    it('sends a browser without a session to the sign-in page, which comes back to the console', async () => {
      const anonymous = new PageBrowser(stack.bridge.url);
      const page = await anonymous.get('/admin');
      expect([page.status, page.location]).to.deep.equal([303, '/sign-in?return_to=%2Fadmin']);
      const { email } = await newAdmin(stack);
      const signedIn = await anonymous.post('/sign-in', { email, password: 'correct horse battery', return_to: '/admin' });
      expect([signedIn.status, signedIn.location]).to.deep.equal([303, '/admin']);
      expect((await anonymous.get('/admin')).status).to.equal(200);
    });

    it('refuses an admin demoted a moment ago at the next request', async () => {
      const { id, email } = await newAdmin(stack);
      const browser = await signedInBrowser(stack, email);
      expect((await browser.get('/admin')).status).to.equal(200);
      await stack.server.api.setClientGroups({ clientId: id, groups: [] }, { token: await adminToken(stack) });
      const after = await browser.get('/admin');
      expect(after.status).to.not.equal(200);
      expect(after.text).to.not.contain('Deletion requests');
      // Signed in again, as the client it now is: the console stays shut.
      const again = await signedInBrowser(stack, email);
      expect((await again.get('/admin')).status).to.equal(403);
    });

    it('refuses an admin whose stored record lost the group while its token still names it', async () => {
      const { id, email } = await newAdmin(stack);
      const browser = await signedInBrowser(stack, email);
      expect((await browser.get('/admin')).status).to.equal(200);
      // Around the service, so the token (which names "admin") stays valid: only the live record says otherwise.
      await stack.server.store.updateClient(id, { groups: ['user'] });
      const page = await browser.get('/admin');
      expect(page.status).to.equal(403);
      expect(page.text).to.contain('This page is for administrators only.');
    });
  });
