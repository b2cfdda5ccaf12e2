import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/config/index.js';

describe('Configuration of the hosted pages', () => {
  it('has the pages on, no return origin, no logo, the product name, the default accent and no passkey by default', () => {
    expect(loadConfig({}).bridge.ui).to.deep.equal({
      enabled: true,
      returnToOrigins: [],
      productName: 'client-auth',
      logoUrl: null,
      accentColor: '#1d70b8',
      passwordReset: true,
      emailVerification: true,
      passkeys: false,
    });
  });

  it('follows PASSWORD_RESET and EMAIL_VERIFICATION, so the pages offer only what the service does', () => {
    const ui = loadConfig({ PASSWORD_RESET: 'false', EMAIL_VERIFICATION: 'false' }).bridge.ui;
    expect(ui).to.include({ passwordReset: false, emailVerification: false });
  });

  it('offers passkeys on the pages when WEBAUTHN_ORIGINS names an origin', () => {
    expect(loadConfig({ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://id.example.com' }).bridge.ui.passkeys).to.equal(true);
  });

  it('reads the switch, the product name, the return origins, the logo and the accent', () => {
    const ui = loadConfig({
      UI_ENABLED: 'false',
      PRODUCT_NAME: 'Example ID',
      UI_RETURN_TO_ORIGINS: 'https://app.example.com, http://localhost:3000',
      UI_LOGO_URL: 'https://cdn.example.com/logo.svg',
      UI_ACCENT_COLOR: '#0A7',
    }).bridge.ui;
    expect(ui).to.deep.equal({
      enabled: false,
      returnToOrigins: ['https://app.example.com', 'http://localhost:3000'],
      productName: 'Example ID',
      logoUrl: 'https://cdn.example.com/logo.svg',
      accentColor: '#00aa77',
      passwordReset: true,
      emailVerification: true,
      passkeys: false,
    });
    expect(loadConfig({ UI_LOGO_URL: '/static/logo.png' }).bridge.ui.logoUrl).to.equal('/static/logo.png');
  });

  it('refuses return origins that are not bare http(s) origins', () => {
    for (const bad of ['https://app.example.com/path', 'javascript:alert(1)', 'app.example.com', '*', 'ftp://files.example.com'])
      expect(() => loadConfig({ UI_RETURN_TO_ORIGINS: bad }), bad).to.throw(ConfigError, /UI_RETURN_TO_ORIGINS/);
  });

  it('refuses a logo that is neither an http(s) URL nor a path on the bridge', () => {
    for (const bad of ['javascript:alert(1)', 'data:image/svg+xml,<svg/>', '//evil.example/logo.png', 'logo.png', 'https://user:pw@cdn.example.com/logo.png'])
      expect(() => loadConfig({ UI_LOGO_URL: bad }), bad).to.throw(ConfigError, /UI_LOGO_URL/);
  });

  it('refuses an accent that is not a hex colour', () => {
    for (const bad of ['blue', '#12345', '#ggg', 'red;}body{display:none', 'rgb(0,0,0)'])
      expect(() => loadConfig({ UI_ACCENT_COLOR: bad }), bad).to.throw(ConfigError, /UI_ACCENT_COLOR must be a hex colour/);
  });
});
