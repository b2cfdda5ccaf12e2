/**
 * The console's Overview (/admin) over HTTP, on both set-ups: the figures GetAdminOverview
 * counts, in words of the reader's language, each linking to the section it summarises.
 */
import { expect } from 'chai';
import { expectPageHeaders, type PageStack, registerPerson, startPageStack } from '../../support/page-fixture.js';
import { failure, SETUP_TITLES, SETUPS } from '../../support/server.js';
import { adminToken, newAdmin, signedInBrowser } from './console-fixture.js';

const KEY_ENCRYPTION_KEY = 'a-key-encryption-key-of-at-least-32-bytes!';

/** The figure shown under `label`, and where it links (absent when it links nowhere). */
function figureOf(html: string, label: string): { value: string; href?: string } | undefined {
  const match = new RegExp(`<dt>${label}</dt><dd>(?:<a href="([^"]*)">([^<]*)</a>|([^<]*))</dd>`).exec(html);
  if (!match) return undefined;
  return match[1] !== undefined ? { value: match[2]!, href: match[1].replaceAll('&amp;', '&') } : { value: match[3]! };
}

for (const setup of SETUPS)
  describe(`The console's Overview over HTTP, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(60000);
    let stack: PageStack;

    before(async function () {
      stack = await startPageStack(setup, this, 'console_overview', { JWT_ALGORITHM: 'ES256', KEY_ENCRYPTION_KEY });
    });
    after(() => stack?.close());

    it('shows the figures GetAdminOverview counts, each linking to the section it summarises, and they move as things happen', async () => {
      const admin = await newAdmin(stack);
      const browser = await signedInBrowser(stack, admin.email);
      // Signed in first: the token's sign-in and session are in the figures the page shows.
      const token = await adminToken(stack);
      const figures = await stack.server.api.getAdminOverview({}, { token });
      const page = await browser.get('/admin');
      expect(page.status).to.equal(200);
      expectPageHeaders(page.headers, 'GET /admin');
      expect(figureOf(page.text, 'People')).to.deep.equal({ value: String(figures.userCount), href: '/admin/clients?kind=user' });
      expect(figureOf(page.text, 'Service clients')).to.deep.equal({ value: String(figures.serviceCount), href: '/admin/services' });
      expect(figureOf(page.text, 'Suspended')).to.deep.equal({ value: String(figures.suspendedClientCount), href: '/admin/clients?suspended=yes' });
      expect(figureOf(page.text, 'Active sessions')).to.deep.equal({ value: String(figures.activeSessionCount) });
      expect(figureOf(page.text, 'Deletion requests not delivered')).to.deep.equal({
        value: String(figures.pendingDeletionRequestCount),
        href: '/admin/deletion-requests?pending=1',
      });
      const signIns = figureOf(page.text, 'Sign-ins, last 24 hours')!;
      const failed = figureOf(page.text, 'Failed sign-ins, last 24 hours')!;
      expect(Number(signIns.value)).to.be.at.least(1);
      // The audit log filtered to the type, from 24 hours before the count (to the minute, UTC).
      const filtersOf = (href: string): Record<string, string> => {
        const url = new URL(href, 'http://console');
        return { path: url.pathname, ...Object.fromEntries(url.searchParams) };
      };
      const { since } = filtersOf(signIns.href!);
      expect(since).to.match(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
      const dayBefore = figures.countTime!.getTime() - 24 * 3600_000;
      expect(Date.parse(`${since!.replace(' ', 'T')}Z`)).to.be.within(dayBefore - 60_000, Date.now() - 24 * 3600_000);
      expect(filtersOf(signIns.href!)).to.deep.equal({ path: '/admin/audit', type: 'login.succeeded', since });
      expect(filtersOf(failed.href!)).to.deep.equal({ path: '/admin/audit', type: 'login.failed', since });
      expect((await browser.get(signIns.href!)).status).to.equal(200);
      expect(page.text).to.contain(`<a href="/admin/signing-keys"><code>${figures.signingKey!.kid}</code></a>`);
      expect(page.text).to.contain('ES256');

      const person = await registerPerson(stack.server);
      await failure(stack.server.api.login({ email: person.email, password: 'not the password at all' }));
      await stack.server.api.suspendClient({ clientId: person.id, reason: 'test' }, { token });
      const after = await browser.get('/admin');
      expect(figureOf(after.text, 'People')!.value).to.equal(String(figures.userCount + 1));
      expect(figureOf(after.text, 'Suspended')!.value).to.equal(String(figures.suspendedClientCount + 1));
      expect(Number(figureOf(after.text, 'Failed sign-ins, last 24 hours')!.value)).to.equal(Number(failed.value) + 1);
    });

    it('says it in German, with the key’s age in days', async () => {
      const admin = await newAdmin(stack);
      const browser = await signedInBrowser(stack, admin.email, undefined, { 'Accept-Language': 'de' });
      const page = await browser.get('/admin');
      expect(page.status).to.equal(200);
      expect(figureOf(page.text, 'Personen')?.href).to.equal('/admin/clients?kind=user');
      expect(figureOf(page.text, 'Aktive Sitzungen')).to.not.equal(undefined);
      expect(page.text).to.contain('Anmeldungen, letzte 24 Stunden').and.contain('signiert seit');
    });

    it('refuses a signed-in client that is not an admin with 403, and shows no figure', async () => {
      const person = await registerPerson(stack.server);
      const browser = await signedInBrowser(stack, person.email);
      const page = await browser.get('/admin');
      expect(page.status).to.equal(403);
      expect(figureOf(page.text, 'People')).to.equal(undefined);
    });
  });
