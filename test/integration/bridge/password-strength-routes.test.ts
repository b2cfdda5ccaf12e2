/**
 * The bridge passes the estimator's refusal through: 400 with PASSWORD_TOO_WEAK on
 * POST /register and POST /password-reset, and a passphrase goes through.
 */
import { expect } from 'chai';
import { PATTERNED_PASSWORDS, STRONG_PASSPHRASE } from '../../support/passwords.js';
import { setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { linkIn, type SmtpMailbox, startSmtpMailbox, tokenOf } from '../../support/smtp-mailbox.js';
import { CookieClient, startBridgeFor, type TestBridge } from './bridge-fixture.js';

const PUBLIC_URL = 'http://localhost:8000';

describe('The bridge refuses patterned passwords (embedded, in-process wiring)', function () {
  this.timeout(60000);
  let server: TestServer;
  let bridge: TestBridge;
  let mailbox: SmtpMailbox;
  let counter = 0;
  const email = (prefix: string) => `${prefix}${++counter}.${Date.now()}@example.com`;

  before(async function () {
    mailbox = await startSmtpMailbox();
    server = await startTestServer(setupEnv('embedded', this, 'strength_routes', { SMTP_URL: mailbox.url, PUBLIC_URL, RECOVERY_REQUESTS_MAX: '1000' }));
    bridge = await startBridgeFor(server, 'in-process');
  });
  after(async () => {
    await bridge?.close();
    await server?.close();
    await mailbox?.close();
  });

  it('answers POST /register 400 PASSWORD_TOO_WEAK for each patterned password, and 201 for a passphrase', async () => {
    const browser = new CookieClient(bridge.url);
    for (const password of PATTERNED_PASSWORDS) {
      const answer = await browser.post('/register', { email: email('weak'), password });
      expect(answer.status, password).to.equal(400);
      expect(answer.body, password).to.include({ reason: 'PASSWORD_TOO_WEAK' });
      expect(JSON.stringify(answer.body), password).to.not.include(password);
    }
    expect((await browser.post('/register', { email: email('strong'), password: STRONG_PASSPHRASE })).status).to.equal(201);
  });

  it('answers POST /password-reset 400 PASSWORD_TOO_WEAK for each patterned password, keeping the token for a passphrase', async () => {
    const browser = new CookieClient(bridge.url);
    const address = email('resetter');
    expect((await browser.post('/register', { email: address, password: STRONG_PASSPHRASE })).status).to.equal(201);
    await browser.post('/password-reset/request', { email: address });
    const token = tokenOf(linkIn(await mailbox.waitFor(address, /Reset your/), `${PUBLIC_URL}/password-reset?token=`));
    for (const password of PATTERNED_PASSWORDS) {
      const answer = await browser.post('/password-reset', { token, new_password: password });
      expect(answer.status, password).to.equal(400);
      expect(answer.body, password).to.include({ reason: 'PASSWORD_TOO_WEAK' });
    }
    expect((await browser.post('/password-reset', { token, new_password: `${STRONG_PASSPHRASE} again` })).status).to.equal(204);
  });
});
