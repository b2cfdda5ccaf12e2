import { expect } from 'chai';
import { loadConfig } from '../../../src/config/index.js';

const EMBEDDED = { JWT_SECRET_KEY: 'a-secret-that-is-long-enough-for-the-tests' };

describe('ACCESS_LOG_READ_SAMPLE', () => {
  it('is 1 by default: every successful GetMe and GET /me is logged', () => {
    expect(loadConfig(EMBEDDED).accessLogReads.readSample).to.equal(1);
  });

  for (const [raw, value] of [
    ['0', 0],
    ['0.01', 0.01],
    ['1', 1],
  ] as const) {
    it(`reads ${raw} as ${value}`, () => {
      expect(loadConfig({ ...EMBEDDED, ACCESS_LOG_READ_SAMPLE: raw }).accessLogReads.readSample).to.equal(value);
    });
  }

  for (const raw of ['2', '-1', 'some', '1%']) {
    it(`stops on ${raw}, naming the variable`, () => {
      expect(() => loadConfig({ ...EMBEDDED, ACCESS_LOG_READ_SAMPLE: raw })).to.throw(/ACCESS_LOG_READ_SAMPLE must be a number from 0 to 1/);
    });
  }
});
