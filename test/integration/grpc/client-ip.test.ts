import { Metadata } from '@grpc/grpc-js';
import { expect } from 'chai';
import { clientIpOf } from '../../../src/transport/grpc/caller-ip.js';
import { cidrList } from '../../../src/transport/shared/ip-address.js';
import { freshEmail, loginFrom, outcomeOf, registerUser, sourceIp, WRONG } from '../../support/attacks.js';
import { SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';

const MAX = 2;

describe('The client IP the gRPC server counts against', () => {
  const named = (ip: string) => {
    const metadata = new Metadata();
    metadata.set('x-client-ip', ip);
    return metadata;
  };
  const loopback = cidrList(['127.0.0.0/8', '::1/128']);

  it('is the peer address, IPv4 or IPv6, without its port', () => {
    expect(clientIpOf('192.0.2.7:51234', new Metadata(), loopback)).to.equal('192.0.2.7');
    expect(clientIpOf('2001:db8::7:5555', new Metadata(), loopback)).to.equal('2001:db8::7');
    expect(clientIpOf('::ffff:192.0.2.8:443', new Metadata(), loopback)).to.equal('192.0.2.8');
  });

  it('is the x-client-ip a trusted proxy names, and never what an untrusted peer names', () => {
    expect(clientIpOf('127.0.0.1:4000', named('198.51.100.4'), loopback)).to.equal('198.51.100.4');
    expect(clientIpOf('::1:4000', named('198.51.100.4'), loopback)).to.equal('198.51.100.4');
    expect(clientIpOf('192.0.2.7:4000', named('198.51.100.4'), loopback)).to.equal('192.0.2.7');
    expect(clientIpOf('127.0.0.1:4000', named('not an ip'), loopback)).to.equal('127.0.0.1');
  });
});

for (const setup of SETUPS)
  describe(`A spoofed x-client-ip from an untrusted peer is ignored (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let untrusting: TestServer;
    let trusting: TestServer;

    before(async function () {
      const limit = { LOGIN_MAX_FAILURES: String(MAX) };
      untrusting = await startTestServer(setupEnv(setup, this, 'client_ip_untrusted', { ...limit, TRUSTED_PROXY_CIDRS: '192.0.2.0/24' }));
      trusting = await startTestServer(setupEnv(setup, this, 'client_ip_trusted', limit));
    });
    after(async () => {
      await untrusting?.close();
      await trusting?.close();
    });

    it('counts every guess against the peer, whatever address each one claims', async () => {
      const email = freshEmail('spoofer');
      await registerUser(untrusting.api, email);
      const reasons = [];
      for (let i = 0; i < MAX + 2; i++) reasons.push((await outcomeOf(loginFrom(untrusting.api, email, WRONG, sourceIp(i)))).reason);
      expect(reasons).to.deep.equal(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'TOO_MANY_ATTEMPTS', 'TOO_MANY_ATTEMPTS']);
    });

    it('believes the address a trusted peer (loopback by default) names', async () => {
      const email = freshEmail('proxied');
      await registerUser(trusting.api, email);
      const reasons = [];
      for (let i = 0; i < MAX + 2; i++) reasons.push((await outcomeOf(loginFrom(trusting.api, email, WRONG, sourceIp(i)))).reason);
      expect(reasons).to.deep.equal(Array(MAX + 2).fill('INVALID_CREDENTIALS'));
    });
  });
