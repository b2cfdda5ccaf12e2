import { expect } from 'chai';
import { loadConfig } from '../../../src/config/index.js';

const EMBEDDED = { JWT_SECRET_KEY: 'a-secret-that-is-long-enough-for-the-tests' };

describe('Configuration for gateways', () => {
  describe('deletion channels', () => {
    it('publish on our channel and on user-delete, which the original api-gateway listens on, by default', () => {
      expect(loadConfig(EMBEDDED).deletionChannels).to.deep.equal(['client-data-deletion-request', 'user-delete']);
    });

    it('are a comma-separated DELETION_CHANNELS list, duplicates dropped', () => {
      expect(loadConfig({ ...EMBEDDED, DELETION_CHANNELS: 'deletions, user-delete,deletions' }).deletionChannels).to.deep.equal(['deletions', 'user-delete']);
    });

    it('still accept the older DELETION_CHANNEL, as the only channel', () => {
      expect(loadConfig({ ...EMBEDDED, DELETION_CHANNEL: 'gone' }).deletionChannels).to.deep.equal(['gone']);
    });

    it('refuse DELETION_CHANNEL and DELETION_CHANNELS together, naming both', () => {
      expect(() => loadConfig({ ...EMBEDDED, DELETION_CHANNEL: 'a', DELETION_CHANNELS: 'b,c' })).to.throw(/DELETION_CHANNELS or DELETION_CHANNEL, not both/);
    });
  });

  describe('ACCESS_LOG_SAMPLE', () => {
    it('is 0 by default: the gateway checks log no line when they end as usual', () => {
      expect(loadConfig(EMBEDDED).accessLogSample).to.equal(0);
    });

    for (const [raw, value] of [
      ['1', 1],
      ['0.01', 0.01],
      ['.5', 0.5],
      ['0', 0],
    ] as const) {
      it(`reads ${raw} as ${value}`, () => {
        expect(loadConfig({ ...EMBEDDED, ACCESS_LOG_SAMPLE: raw }).accessLogSample).to.equal(value);
      });
    }

    for (const raw of ['2', '-0.1', 'half', '1e-2', '0.5x']) {
      it(`stops on ${raw}, naming the variable`, () => {
        expect(() => loadConfig({ ...EMBEDDED, ACCESS_LOG_SAMPLE: raw })).to.throw(/ACCESS_LOG_SAMPLE must be a number from 0 to 1/);
      });
    }
  });
});
