import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/config/index.js';

describe('Configuration of second factors', () => {
  it('has passkeys off and no key-encryption key by default', () => {
    expect(loadConfig({}).secondFactor).to.deep.equal({
      keyEncryptionKey: null,
      totpIssuer: 'client-auth',
      webauthn: { rpId: 'localhost', rpName: 'client-auth', origins: [] },
    });
  });

  it('reads the relying party and its origins, which must lie on its domain', () => {
    const config = loadConfig({ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://example.com, https://app.example.com', WEBAUTHN_RP_NAME: 'Example' });
    expect(config.secondFactor.webauthn).to.deep.equal({ rpId: 'example.com', rpName: 'Example', origins: ['https://example.com', 'https://app.example.com'] });
    expect(() => loadConfig({ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://example.org' })).to.throw(
      ConfigError,
      /WEBAUTHN_ORIGINS entries must be on WEBAUTHN_RP_ID/,
    );
    expect(() => loadConfig({ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://notexample.com' })).to.throw(ConfigError, /WEBAUTHN_ORIGINS/);
    expect(() => loadConfig({ WEBAUTHN_RP_ID: 'https://example.com' })).to.throw(ConfigError, /WEBAUTHN_RP_ID must be a domain name/);
    expect(() => loadConfig({ WEBAUTHN_ORIGINS: 'https://localhost/app' })).to.throw(ConfigError, /bare origins/);
  });

  it('refuses a key-encryption key shorter than 32 bytes', () => {
    expect(() => loadConfig({ KEY_ENCRYPTION_KEY: 'short' })).to.throw(ConfigError, /KEY_ENCRYPTION_KEY must be at least 32 bytes/);
    expect(loadConfig({ KEY_ENCRYPTION_KEY: 'k'.repeat(32) }).secondFactor.keyEncryptionKey).to.equal('k'.repeat(32));
  });
});
