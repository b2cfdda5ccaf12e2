import { expect } from 'chai';
import { clientIpOf } from '../../../bridge/middleware/browser-ip.js';
import { loadConfig } from '../../../src/config/index.js';
import { cidrList } from '../../../src/transport/shared/ip-address.js';
import { freshEmail, PASSWORD, registerUser, WRONG } from '../../support/attacks.js';
import { SETUP_TITLES, setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { CookieClient, startBridgeFor, startTestBridge, type TestBridge } from './bridge-fixture.js';

const MAX = 2;
/** The test's own address, listed where a bridge (or the server) must believe it as a proxy. */
const LOOPBACK = { TRUSTED_PROXY_CIDRS: '127.0.0.0/8,::1/128' };

describe('The client IP the bridge passes on', () => {
  const proxies = cidrList(['10.0.0.0/8']);

  it('is the socket peer unless BRIDGE_TRUST_PROXY is on and the peer is in TRUSTED_PROXY_CIDRS, whatever X-Forwarded-For says', () => {
    expect(clientIpOf('::ffff:192.0.2.1', '198.51.100.9', { trustProxy: false, proxyHops: 1, proxies })).to.equal('192.0.2.1');
    expect(clientIpOf('10.0.0.2', '198.51.100.9', { trustProxy: false, proxyHops: 1, proxies })).to.equal('10.0.0.2');
    expect(clientIpOf('192.0.2.1', '198.51.100.9', { trustProxy: true, proxyHops: 1, proxies })).to.equal('192.0.2.1');
    expect(clientIpOf('127.0.0.1', '198.51.100.9', { trustProxy: true, proxyHops: 1, proxies })).to.equal('127.0.0.1');
  });

  it('is the entry BRIDGE_PROXY_HOPS from the end of X-Forwarded-For behind trusted proxies', () => {
    const policy = { trustProxy: true, proxyHops: 1, proxies };
    expect(clientIpOf('10.0.0.2', '6.6.6.6, 198.51.100.9', policy)).to.equal('198.51.100.9');
    expect(clientIpOf('10.0.0.2', '6.6.6.6, 198.51.100.9, 10.0.0.3', { ...policy, proxyHops: 2 })).to.equal('198.51.100.9');
    expect(clientIpOf('10.0.0.2', '', policy)).to.equal('10.0.0.2');
    expect(clientIpOf('10.0.0.2', 'garbage', policy)).to.equal('10.0.0.2');
  });

  it('will not start with BRIDGE_TRUST_PROXY=true and no TRUSTED_PROXY_CIDRS: it would believe X-Forwarded-For from anyone', () => {
    expect(() => loadConfig({ BRIDGE_TRUST_PROXY: 'true' })).to.throw(/BRIDGE_TRUST_PROXY=true needs TRUSTED_PROXY_CIDRS/);
    expect(loadConfig({ BRIDGE_TRUST_PROXY: 'true', TRUSTED_PROXY_CIDRS: '10.0.0.0/8' }).bridge.trustedProxies).to.deep.equal(['10.0.0.0/8']);
  });
});

/** What a browser gets for MAX + 2 wrong passwords, each with its own X-Forwarded-For. */
async function statuses(bridge: TestBridge, email: string, forwardedFor: (i: number) => string): Promise<number[]> {
  const browser = new CookieClient(bridge.url);
  const seen = [];
  for (let i = 0; i < MAX + 2; i++) {
    seen.push((await browser.post('/login', { email, password: WRONG }, { headers: { 'X-Forwarded-For': forwardedFor(i) } })).status);
  }
  return seen;
}

const HELD = [401, 401, 429, 429];
const NOT_HELD = [401, 401, 401, 401];

describe(`The bridge's client IP reaches the limits (${SETUP_TITLES.embedded})`, function () {
  this.timeout(60000);
  let server: TestServer;
  let direct: TestBridge;
  let proxied: TestBridge;
  let unlisted: TestBridge;

  before(async function () {
    // These bridges run as `main.js bridge` does, in a process of their own: the server believes them only when listed.
    server = await startTestServer(
      setupEnv('embedded', this, 'bridge_client_ip', { LOGIN_MAX_FAILURES: String(MAX), RECOVERY_IP_REQUESTS_MAX: String(MAX), ...LOOPBACK }),
    );
    direct = await startTestBridge(server.address);
    proxied = await startTestBridge(server.address, { BRIDGE_TRUST_PROXY: 'true', BRIDGE_PROXY_HOPS: '1', ...LOOPBACK });
    unlisted = await startTestBridge(server.address, { BRIDGE_TRUST_PROXY: 'true', TRUSTED_PROXY_CIDRS: '192.0.2.0/24' });
  });
  after(async () => {
    for (const bridge of [direct, proxied, unlisted]) await bridge?.close();
    await server?.close();
  });

  it('ignores a spoofed X-Forwarded-For without BRIDGE_TRUST_PROXY: each new address is still the same browser', async () => {
    const email = freshEmail('xff');
    await registerUser(server.api, email);
    expect(await statuses(direct, email, (i) => `198.51.100.${i + 1}`)).to.deep.equal(HELD);
  });

  it('ignores X-Forwarded-For from a peer outside TRUSTED_PROXY_CIDRS, even with BRIDGE_TRUST_PROXY', async () => {
    const email = freshEmail('xff-unlisted');
    await registerUser(server.api, email);
    expect(await statuses(unlisted, email, (i) => `198.51.100.${i + 1}`)).to.deep.equal(HELD);
  });

  it('believes only the entry the trusted proxy appended, not those the client wrote before it', async () => {
    const email = freshEmail('xff-proxied');
    await registerUser(server.api, email);
    expect(await statuses(proxied, email, (i) => `198.51.100.${i + 1}, 192.0.2.50`)).to.deep.equal(HELD);
    const browser = new CookieClient(proxied.url);
    const fromAnotherClient = await browser.post('/login', { email, password: PASSWORD }, { headers: { 'X-Forwarded-For': '192.0.2.51' } });
    expect(fromAnotherClient.status).to.equal(200);
  });

  it('counts password-reset requests against that same entry, not one the client wrote', async () => {
    const browser = new CookieClient(proxied.url);
    const seen = [];
    for (let i = 0; i < MAX + 2; i++) {
      const request = { email: freshEmail(`reset-ip-${i}`) };
      seen.push((await browser.post('/password-reset/request', request, { headers: { 'X-Forwarded-For': `198.51.100.${i + 1}, 192.0.2.60` } })).status);
    }
    expect(seen).to.deep.equal([202, 202, 429, 429]);
  });
});

describe(`Which bridge the gRPC server believes by default (${SETUP_TITLES.embedded})`, function () {
  this.timeout(60000);
  let server: TestServer;
  let sameProcess: TestBridge;
  let otherProcess: TestBridge;

  before(async function () {
    // An empty TRUSTED_PROXY_CIDRS is the default: no peer is listed.
    server = await startTestServer(setupEnv('embedded', this, 'bridge_trust_default', { LOGIN_MAX_FAILURES: String(MAX), TRUSTED_PROXY_CIDRS: '' }));
    // Both bridges believe the test as their proxy; what differs is whether the server believes them.
    const proxiedBridge = { BRIDGE_TRUST_PROXY: 'true', ...LOOPBACK };
    sameProcess = await startBridgeFor(server, 'in-process', proxiedBridge);
    otherProcess = await startTestBridge(server.address, proxiedBridge);
  });
  after(async () => {
    for (const bridge of [sameProcess, otherProcess]) await bridge?.close();
    await server?.close();
  });

  it('the bridge of the same process, which proves itself with the pass only this process knows', async () => {
    const email = freshEmail('same-process');
    await registerUser(server.api, email);
    expect(await statuses(sameProcess, email, (i) => `198.51.100.${i + 1}`)).to.deep.equal(NOT_HELD);
  });

  it('not a bridge of another process on the same host, until TRUSTED_PROXY_CIDRS lists it', async () => {
    const email = freshEmail('other-process');
    await registerUser(server.api, email);
    expect(await statuses(otherProcess, email, (i) => `198.51.100.${i + 1}`)).to.deep.equal(HELD);
  });
});
