import { Metadata } from '@grpc/grpc-js';
import { expect } from 'chai';
import { CallGate, INTERNAL_PASS_KEY } from '../../../src/transport/grpc/call-gate.js';
import { clientIpOf } from '../../../src/transport/grpc/caller-ip.js';
import { cidrList } from '../../../src/transport/shared/ip-address.js';
import { freshEmail, loginFrom, outcomeOf, PASSWORD, registerUser, sourceIp, WRONG } from '../../support/attacks.js';
import { SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';

const MAX = 2;

describe('The client IP the gRPC server counts against', () => {
  const named = (ip: string, pass?: string) => {
    const metadata = new Metadata();
    metadata.set('x-client-ip', ip);
    if (pass !== undefined) metadata.set(INTERNAL_PASS_KEY, pass);
    return metadata;
  };
  const nobody = { proxies: cidrList([]) };

  it('is the peer address, IPv4 or IPv6, without its port', () => {
    expect(clientIpOf('192.0.2.7:51234', new Metadata(), nobody)).to.equal('192.0.2.7');
    expect(clientIpOf('2001:db8::7:5555', new Metadata(), nobody)).to.equal('2001:db8::7');
    expect(clientIpOf('::ffff:192.0.2.8:443', new Metadata(), nobody)).to.equal('192.0.2.8');
  });

  it('is the x-client-ip a listed proxy names, and never what another peer names, loopback included', () => {
    const listed = { proxies: cidrList(['10.0.0.0/8']) };
    expect(clientIpOf('10.1.2.3:4000', named('198.51.100.4'), listed)).to.equal('198.51.100.4');
    expect(clientIpOf('192.0.2.7:4000', named('198.51.100.4'), listed)).to.equal('192.0.2.7');
    expect(clientIpOf('10.1.2.3:4000', named('not an ip'), listed)).to.equal('10.1.2.3');
    for (const peer of ['127.0.0.1:4000', '127.9.9.9:4000', '::1:4000']) {
      expect(clientIpOf(peer, named('198.51.100.4'), listed), peer).to.not.equal('198.51.100.4');
      expect(clientIpOf(peer, named('198.51.100.4'), nobody), peer).to.not.equal('198.51.100.4');
    }
  });

  it("is the x-client-ip the bridge of this process names, proven by the server's pass, and not one with another pass", () => {
    const gate = new CallGate();
    const trust = { proxies: cidrList([]), ownBridge: gate };
    expect(clientIpOf('127.0.0.1:0', named('198.51.100.4', gate.internalPass), trust)).to.equal('198.51.100.4');
    expect(clientIpOf('127.0.0.1:0', named('198.51.100.4', new CallGate().internalPass), trust)).to.equal('127.0.0.1');
    expect(clientIpOf('127.0.0.1:0', named('198.51.100.4', ''), trust)).to.equal('127.0.0.1');
  });
});

for (const setup of SETUPS)
  describe(`Who may name the client IP in x-client-ip (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let byDefault: TestServer;
    let untrusting: TestServer;
    let listing: TestServer;

    before(async function () {
      // An empty TRUSTED_PROXY_CIDRS is the default: no peer is listed.
      byDefault = await startTestServer(setupEnv(setup, this, 'client_ip_default', { TRUSTED_PROXY_CIDRS: '' }));
      untrusting = await startTestServer(setupEnv(setup, this, 'client_ip_untrusted', { TRUSTED_PROXY_CIDRS: '192.0.2.0/24' }));
      listing = await startTestServer(setupEnv(setup, this, 'client_ip_listed', { TRUSTED_PROXY_CIDRS: '127.0.0.1/32' }));
    });
    after(async () => {
      for (const server of [byDefault, untrusting, listing]) await server?.close();
    });

    /**
     * The address a login that names `claimed` is counted and recorded under, as the user
     * reads it back. Successful logins, so that no suite sharing this Redis finds the
     * loopback address's per-IP counts spent.
     */
    const signedInFrom = async (server: TestServer, claimed: string) => {
      const email = freshEmail('signed-in-from');
      await registerUser(server.api, email);
      const { accessToken } = await server.api.login({ email, password: PASSWORD }, { clientIp: claimed });
      const { signIns } = await server.api.listMySignIns({ pageSize: 0, pageToken: '' }, { token: accessToken });
      return signIns[0]!.clientIp;
    };

    it('by default, no peer: a caller on loopback (a sidecar) is counted as itself, whatever address it names', async () => {
      expect(await signedInFrom(byDefault, '203.0.113.7')).to.equal('127.0.0.1');
    });

    it('counts a peer outside TRUSTED_PROXY_CIDRS as itself, whatever address it names', async () => {
      expect(await signedInFrom(untrusting, '203.0.113.7')).to.equal('127.0.0.1');
    });

    it('believes the address a peer in TRUSTED_PROXY_CIDRS names', async () => {
      expect(await signedInFrom(listing, '203.0.113.7')).to.equal('203.0.113.7');
    });
  });

// The per-IP limits a named address would escape, on the set-up whose limiter is the server's own.
describe(`A sidecar naming a new address on every call (${SETUP_TITLES.embedded})`, function () {
  this.timeout(60000);
  let server: TestServer;

  before(async function () {
    server = await startTestServer(setupEnv('embedded', this, 'client_ip_sidecar', { LOGIN_MAX_FAILURES: String(MAX), TRUSTED_PROXY_CIDRS: '' }));
  });
  after(async () => server?.close());

  it('cannot rotate its guesses past the per-IP limits: by default every one counts against its loopback address', async () => {
    const email = freshEmail('sidecar');
    await registerUser(server.api, email);
    const reasons = [];
    for (let i = 0; i < MAX + 2; i++) reasons.push((await outcomeOf(loginFrom(server.api, email, WRONG, sourceIp(i)))).reason);
    expect(reasons).to.deep.equal(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'TOO_MANY_ATTEMPTS', 'TOO_MANY_ATTEMPTS']);
  });
});
