/**
 * The console's client list filtered by group, over HTTP on both set-ups: the group is in
 * the address like the other filters (and in the next page's link), combines with them,
 * follows a change of a client's groups at once, and a value that is not a group name is
 * 400 with the reason beside the field.
 */
import { expect } from 'chai';
import { expectPageHeaders, type PageStack, registerPerson, startPageStack } from '../../support/page-fixture.js';
import { SETUP_TITLES, SETUPS } from '../../support/server.js';
import { adminToken, newAdmin, signedInBrowser } from './console-fixture.js';

const rows = (text: string) => [...text.matchAll(/<th scope="row"><a href="\/admin\/clients\/[^"]+">([^<]+)<\/a>/g)].map((match) => match[1]!);

for (const setup of SETUPS)
  describe(`The console's client list by group, on ${SETUP_TITLES[setup]}`, function () {
    this.timeout(120000);
    let stack: PageStack;

    before(async function () {
      stack = await startPageStack(setup, this, 'console_groups');
    });
    after(() => stack?.close());

    it('lists the members of a group, with the group in the address and the next page, combined with the other filters', async () => {
      const group = `night-shift-${Date.now()}`;
      const token = await adminToken(stack);
      const members: string[] = [];
      for (let index = 0; index < 56; index++) {
        const person = await registerPerson(stack.server);
        if (index % 13 !== 0) {
          await stack.server.api.setClientGroups({ clientId: person.id, groups: [group] }, { token });
          members.push(person.email);
        }
      }
      const admin = await newAdmin(stack);
      const browser = await signedInBrowser(stack, admin.email);

      const first = await browser.get(`/admin/clients?group=${group}`);
      expect(first.status).to.equal(200);
      expectPageHeaders(first.headers, 'GET /admin/clients?group');
      expect(first.text).to.contain(`name="group" type="text" value="${group}"`);
      expect(members).to.have.length(51);
      expect(rows(first.text)).to.deep.equal(members.slice(0, 50));
      const next = /<a href="(\/admin\/clients\?[^"]*page=[^"]+)">Next clients<\/a>/.exec(first.text)?.[1]?.replaceAll('&amp;', '&');
      expect(next).to.contain(`group=${group}`);
      expect(rows((await browser.get(next!)).text)).to.deep.equal([members[50]]);

      const newest = await browser.get(`/admin/clients?group=${group}&order=newest&suspended=no&kind=user`);
      expect(rows(newest.text)).to.deep.equal([...members].reverse().slice(0, 50));

      const [leaving] = members;
      const leaver = await stack.server.api.listClients({ pageSize: 1, pageToken: '', kind: 0, emailPrefix: leaving!, newestFirst: false, group }, { token });
      await stack.server.api.setClientGroups({ clientId: leaver.clients[0]!.id, groups: [] }, { token });
      expect(rows((await browser.get(`/admin/clients?group=${group}`)).text)).to.not.include(leaving);
      expect(rows((await browser.get(`/admin/clients?group=${group}&email=${encodeURIComponent(members[1]!)}`)).text)).to.deep.equal([members[1]]);
    });

    it('answers a group that is not a group name with 400 and the reason beside the field, never a 500', async () => {
      const admin = await newAdmin(stack);
      const browser = await signedInBrowser(stack, admin.email);
      for (const group of ['Night Shift', '-x', 'x'.repeat(65)]) {
        const page = await browser.get(`/admin/clients?group=${encodeURIComponent(group)}`);
        expect(page.status, group).to.equal(400);
        expectPageHeaders(page.headers, group);
        expect(page.text).to.contain('Enter one group name');
        expect(page.text).to.contain('aria-invalid="true"');
      }
      expect((await browser.get('/admin/clients?group=a&group=b')).status).to.equal(400);
    });
  });
