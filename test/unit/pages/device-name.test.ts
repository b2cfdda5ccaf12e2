/** The device a session page names from a user agent: browser and system in words, in the reader's language. */
import { expect } from 'chai';
import { localeOf } from '../../../bridge/messages/catalogue.js';
import { deviceName } from '../../../bridge/pages/device-name.js';

const en = localeOf('en');

describe('deviceName', () => {
  const cases: [string, string][] = [
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'Chrome on Linux'],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
      'Microsoft Edge on Windows',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      'Safari on iOS',
    ],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:132.0) Gecko/20100101 Firefox/132.0', 'Firefox on macOS'],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36', 'Chrome on Android'],
  ];
  for (const [agent, name] of cases) it(`names ${name}`, () => expect(deviceName(en, agent)).to.equal(name));

  it('says an empty agent is unknown, and shows a tool by its own name, shortened', () => {
    expect(deviceName(en, '')).to.equal('Unknown browser or app');
    expect(deviceName(en, 'curl/8.5.0')).to.equal('curl/8.5.0');
    expect(deviceName(en, `tool/${'x'.repeat(100)}`))
      .to.have.length(61)
      .and.match(/…$/);
  });

  it("uses the reader's language", () => {
    expect(deviceName(localeOf('de'), cases[0]![0])).to.equal('Chrome unter Linux');
    expect(deviceName(localeOf('de'), '')).to.equal('Unbekannter Browser oder unbekannte App');
  });
});
