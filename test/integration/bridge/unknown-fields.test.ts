import { expect } from 'chai';
import { SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { CookieClient, startTestBridge, type TestBridge } from './bridge-fixture.js';

/** Every route with a JSON body, with one field it knows; each gets a field it does not know too. */
const ROUTES: ReadonlyArray<[string, Record<string, unknown>]> = [
  ['/register', { email: 'someone@example.org' }],
  ['/login', { email: 'someone@example.org' }],
  ['/password-reset/request', { email: 'someone@example.org' }],
  ['/password-reset', { token: 'x' }],
  ['/verify-email', { token: 'x' }],
  ['/login/complete', { challenge_token: 'x' }],
  ['/totp/confirm', { code: '123456' }],
  ['/totp/disable', { code: '123456' }],
  ['/passkeys/register/finish', { ceremony_token: 'x' }],
  ['/passkeys/login/begin', { challenge_token: 'x' }],
  ['/passkeys/login/finish', { ceremony_token: 'x' }],
  ['/reset-second-factor', { id: 'x' }],
  ['/suspend', { id: 'x' }],
];

for (const setup of SETUPS)
  describe(`Bridge routes refuse a body field they do not know (${SETUP_TITLES[setup]})`, function () {
    this.timeout(30000);
    let server: TestServer;
    let bridge: TestBridge;

    before(async function () {
      server = await startTestServer(setupEnv(setup, this, 'unknown_fields'));
      bridge = await startTestBridge(server.address);
    });
    after(async () => {
      await bridge?.close();
      await server?.close();
    });

    for (const [path, known] of ROUTES) {
      it(`POST ${path} answers 400 INVALID_ARGUMENT naming the unknown field, before anything else`, async () => {
        const answer = await new CookieClient(bridge.url).post(path, { ...known, colour: 'blue' });
        expect(answer.status).to.equal(400);
        expect(answer.body).to.include({ reason: 'INVALID_ARGUMENT', field: 'colour' });
      });
    }
  });
