import { expect } from 'chai';
import { hostPort, loopbackFor } from '../../../src/transport/shared/loopback.js';

describe('Reaching a listener of this machine', () => {
  it('dials a wildcard bind address on the loopback of the same family, and any other as it is', () => {
    expect(loopbackFor('0.0.0.0')).to.equal('127.0.0.1');
    expect(loopbackFor('')).to.equal('127.0.0.1');
    expect(loopbackFor('::')).to.equal('::1');
    expect(loopbackFor('[::]')).to.equal('::1');
    expect(loopbackFor('10.1.2.3')).to.equal('10.1.2.3');
    expect(loopbackFor('[fd00::7]')).to.equal('fd00::7');
    expect(loopbackFor('auth.internal')).to.equal('auth.internal');
  });

  it('writes host:port with an IPv6 host in brackets', () => {
    expect(hostPort('127.0.0.1', 50051)).to.equal('127.0.0.1:50051');
    expect(hostPort('::1', 8000)).to.equal('[::1]:8000');
    expect(hostPort(loopbackFor('::'), 8000)).to.equal('[::1]:8000');
  });
});
