/**
 * /account/sessions and /account/sign-ins over HTTP on both set-ups: the live sessions in
 * words (device, IP, dates, "This device"), each ended from its form, all the others at
 * once, the browser's own (which signs it out); the sign-in history, a page at a time.
 * What ended stays ended: the next page goes to /sign-in and POST /refresh is refused.
 */
import { expect } from 'chai';
import { PageBrowser } from '../../support/page-browser.js';
import { expectPageHeaders, PASSWORD, type PageStack, registerPerson, startPageStack } from '../../support/page-fixture.js';
import { SETUP_TITLES, SETUPS } from '../../support/server.js';

const EVIL = { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' };
const LAPTOP = { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' };
const PHONE = {
  'User-Agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
};
const SESSION_ID = /name="session_id" value="([^"]+)"/g;

for (const setup of SETUPS)
  describe(`The sessions and sign-in history pages over HTTP, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(60000);
    let stack: PageStack;

    before(async function () {
      stack = await startPageStack(setup, this, 'session_pages');
    });
    after(() => stack?.close());

    /** One person signed in on a laptop and a phone; the ids of the phone's and the laptop's session as the laptop's page lists them. */
    async function inTwoBrowsers() {
      const { email } = await registerPerson(stack.server);
      const laptop = new PageBrowser(stack.bridge.url, LAPTOP);
      const phone = new PageBrowser(stack.bridge.url, PHONE);
      await laptop.signIn(email);
      await phone.signIn(email);
      const page = await laptop.get('/account/sessions');
      // Most recently used first: the phone signed in last; the laptop's own form comes second.
      const [phoneSession, laptopSession] = [...page.text.matchAll(SESSION_ID)].map((match) => match[1]!);
      return { email, laptop, phone, page, phoneSession: phoneSession!, laptopSession: laptopSession! };
    }

    it('lists each session by device, IP and dates, marks this device, and offers to sign out each and all the others', async () => {
      const { page } = await inTwoBrowsers();
      expect(page.status).to.equal(200);
      expectPageHeaders(page.headers, 'GET /account/sessions');
      expect(page.text).to.contain('Safari on iOS').and.contain('Chrome on Linux').and.contain('127.0.0.1');
      expect(page.text).to.match(/Chrome on Linux<span class="tag">This device<\/span>/);
      expect(page.text).to.match(/Signed in<\/dt><dd class="time">[A-Z][a-z]+ \d{1,2}, \d{4} at \d{1,2}:\d{2}\s?[AP]M UTC<\/dd>/);
      expect(page.text).to.contain('Sign out on this device').and.contain('Sign out everywhere else');
      expect(page.text).to.contain('Sign out <span class="visually-hidden">Safari on iOS, last used ');
    });

    it('says it in German, with German dates', async () => {
      const { laptop } = await inTwoBrowsers();
      const page = await laptop.get('/account/sessions', { 'Accept-Language': 'de' });
      expect(page.text).to.contain('Chrome unter Linux').and.contain('Dieses Gerät').and.contain('Überall sonst abmelden');
      expect(page.text).to.match(/Angemeldet<\/dt><dd class="time">\d{1,2}\. [A-ZÄÖÜ][a-zäöü]+ \d{4} um \d{2}:\d{2} UTC<\/dd>/);
    });

    it('signs another device out: 303 with a notice; its next page goes to /sign-in and its refresh token is refused', async () => {
      const { laptop, phone, phoneSession } = await inTwoBrowsers();
      const ended = await laptop.post('/account/sessions/end', { session_id: phoneSession });
      expect([ended.status, ended.location]).to.deep.equal([303, '/account/sessions?notice=ended']);
      expect(ended.setCookies).to.deep.equal([]);
      const after = await laptop.get('/account/sessions?notice=ended');
      expect(after.text).to.contain('That device is signed out.').and.not.contain('Safari on iOS');
      expect((await phone.get('/account')).location).to.equal('/sign-in?return_to=%2Faccount');
      expect((await phone.refresh()).status).to.equal(401);
      expect((await laptop.get('/account')).status).to.equal(200);
    });

    it("signs this browser out when it ends its own session: cookies cleared, 303 to /sign-in; the phone's session stays", async () => {
      const { laptop, phone, laptopSession } = await inTwoBrowsers();
      const ended = await laptop.post('/account/sessions/end', { session_id: laptopSession });
      expect([ended.status, ended.location]).to.deep.equal([303, '/sign-in?notice=signed-out']);
      // The access cookie, and the refresh cookie on each of its paths (cookie-policy.ts).
      expect(ended.setCookies.filter((line) => line.includes('Max-Age=0'))).to.have.length(6);
      expect(laptop.cookie('token')).to.equal(undefined);
      expect((await laptop.get('/account/sessions')).location).to.equal('/sign-in?return_to=%2Faccount%2Fsessions');
      expect((await phone.get('/account')).status).to.equal(200);
    });

    it('signs out everywhere else at once: 303 with a notice, only this device listed, the others refused', async () => {
      const { email, laptop, phone } = await inTwoBrowsers();
      const tablet = new PageBrowser(stack.bridge.url);
      await tablet.signIn(email);
      const ended = await laptop.post('/account/sessions/end-others', {});
      expect([ended.status, ended.location]).to.deep.equal([303, '/account/sessions?notice=ended-others']);
      const after = await laptop.get('/account/sessions?notice=ended-others');
      expect(after.text).to.contain('You are signed out everywhere else.').and.contain('You are not signed in anywhere else.');
      expect([...after.text.matchAll(SESSION_ID)]).to.have.length(1);
      for (const other of [phone, tablet]) {
        expect((await other.get('/account')).status).to.equal(303);
        expect((await other.refresh()).status).to.equal(401);
      }
    });

    it("says a session that is not the reader's, or no session at all, is not found, with 404 and the list again", async () => {
      const { laptop } = await inTwoBrowsers();
      const stranger = await inTwoBrowsers();
      const theirs = await laptop.post('/account/sessions/end', { session_id: stranger.phoneSession });
      expect(theirs.status).to.equal(404);
      expect(theirs.text).to.contain('That session has ended already, or it is not yours.').and.contain('role="alert"');
      expect(theirs.text).to.contain('Chrome on Linux');
      expect((await stranger.phone.get('/account')).status).to.equal(200);
      const malformed = await laptop.post('/account/sessions/end', { session_id: 'not an id' });
      expect(malformed.status).to.equal(400);
    });

    it('refuses both forms posted from another site with 403, ending nothing', async () => {
      const { laptop, phone, phoneSession } = await inTwoBrowsers();
      expect((await laptop.post('/account/sessions/end', { session_id: phoneSession }, EVIL)).status).to.equal(403);
      expect((await laptop.post('/account/sessions/end-others', {}, EVIL)).status).to.equal(403);
      expect((await phone.get('/account')).status).to.equal(200);
    });

    it('shows the sign-in history: time, outcome, method, IP and device, newest first', async () => {
      const { email } = await registerPerson(stack.server);
      const browser = new PageBrowser(stack.bridge.url, LAPTOP);
      expect((await browser.signIn(email, 'not the password')).status).to.equal(401);
      await browser.signIn(email);
      const page = await browser.get('/account/sign-ins');
      expect(page.status).to.equal(200);
      expectPageHeaders(page.headers, 'GET /account/sign-ins');
      const records = [...page.text.matchAll(/<li><dl class="record">(.*?)<\/dl><\/li>/g)].map((match) => match[1]!.replace(/<[^>]+>/g, '|'));
      expect(records).to.have.length(2);
      expect(records[0]).to.match(/\|Outcome\|\|Signed in\|\|Method\|\|Password\|\|IP address\|\|127\.0\.0\.1\|\|Device\|\|Chrome on Linux\|/);
      expect(records[1]).to.contain('|Failed|');
      expect(page.text).to.not.contain('Older sign-ins');
    });

    it('pages the history 20 at a time: older and newest links, each page its own sign-ins', async () => {
      const { email } = await registerPerson(stack.server);
      for (let count = 0; count < 21; count++) await stack.server.api.login({ email, password: PASSWORD });
      const browser = new PageBrowser(stack.bridge.url);
      await browser.signIn(email);
      const first = await browser.get('/account/sign-ins');
      const older = /<a href="(\/account\/sign-ins\?page=[^"]+)">Older sign-ins<\/a>/.exec(first.text)?.[1];
      expect(older).to.be.a('string');
      expect(first.text.match(/<li><dl class="record">/g)).to.have.length(20);
      const second = await browser.get(older!.replaceAll('&amp;', '&'));
      expect(second.status).to.equal(200);
      expect(second.text.match(/<li><dl class="record">/g)).to.have.length(2);
      expect(second.text).to.contain('<a href="/account/sign-ins">Newest sign-ins</a>').and.not.contain('Older sign-ins');
      expect((await browser.get('/account/sign-ins?page=not-a-token')).status).to.equal(400);
    });
  });
