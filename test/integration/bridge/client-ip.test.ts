import { expect } from 'chai';
import { clientIpOf } from '../../../bridge/middleware/browser-ip.js';
import { freshEmail, PASSWORD, registerUser, WRONG } from '../../support/attacks.js';
import { SETUP_TITLES, setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { CookieClient, startTestBridge, type TestBridge } from './bridge-fixture.js';

const MAX = 2;

describe('The client IP the bridge passes on', () => {
  it('is the socket peer unless BRIDGE_TRUST_PROXY is on, whatever X-Forwarded-For says', () => {
    expect(clientIpOf('::ffff:192.0.2.1', '198.51.100.9', { trustProxy: false, proxyHops: 1 })).to.equal('192.0.2.1');
  });

  it('is the entry BRIDGE_PROXY_HOPS from the end of X-Forwarded-For behind trusted proxies', () => {
    const policy = { trustProxy: true, proxyHops: 1 };
    expect(clientIpOf('10.0.0.2', '6.6.6.6, 198.51.100.9', policy)).to.equal('198.51.100.9');
    expect(clientIpOf('10.0.0.2', '6.6.6.6, 198.51.100.9, 10.0.0.3', { ...policy, proxyHops: 2 })).to.equal('198.51.100.9');
    expect(clientIpOf('10.0.0.2', '', policy)).to.equal('10.0.0.2');
    expect(clientIpOf('10.0.0.2', 'garbage', policy)).to.equal('10.0.0.2');
  });
});

describe(`The bridge's client IP reaches the limits (${SETUP_TITLES.embedded})`, function () {
  this.timeout(60000);
  let server: TestServer;
  let direct: TestBridge;
  let proxied: TestBridge;

  before(async function () {
    server = await startTestServer(setupEnv('embedded', this, 'bridge_client_ip', { LOGIN_MAX_FAILURES: String(MAX) }));
    direct = await startTestBridge(server.address);
    proxied = await startTestBridge(server.address, { BRIDGE_TRUST_PROXY: 'true', BRIDGE_PROXY_HOPS: '1' });
  });
  after(async () => {
    await direct?.close();
    await proxied?.close();
    await server?.close();
  });

  const statuses = async (bridge: TestBridge, email: string, forwardedFor: (i: number) => string) => {
    const browser = new CookieClient(bridge.url);
    const seen = [];
    for (let i = 0; i < MAX + 2; i++) {
      seen.push((await browser.post('/login', { email, password: WRONG }, { headers: { 'X-Forwarded-For': forwardedFor(i) } })).status);
    }
    return seen;
  };

  it('ignores a spoofed X-Forwarded-For without BRIDGE_TRUST_PROXY: each new address is still the same browser', async () => {
    const email = freshEmail('xff');
    await registerUser(server.api, email);
    expect(await statuses(direct, email, (i) => `198.51.100.${i + 1}`)).to.deep.equal([401, 401, 429, 429]);
  });

  it('believes only the entry the trusted proxy appended, not those the client wrote before it', async () => {
    const email = freshEmail('xff-proxied');
    await registerUser(server.api, email);
    expect(await statuses(proxied, email, (i) => `198.51.100.${i + 1}, 192.0.2.50`)).to.deep.equal([401, 401, 429, 429]);
    const browser = new CookieClient(proxied.url);
    const fromAnotherClient = await browser.post('/login', { email, password: PASSWORD }, { headers: { 'X-Forwarded-For': '192.0.2.51' } });
    expect(fromAnotherClient.status).to.equal(200);
  });
});
