import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/config/index.js';

const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET_KEY: 'k'.repeat(32),
  SMTP_URL: 'smtps://mailer:secret@smtp.example.com',
  SMTP_FROM: 'Example <no-reply@example.com>',
};

describe('PUBLIC_URL against the cookie policy (COOKIE_SECURE)', () => {
  it('takes an https PUBLIC_URL with Secure cookies', () => {
    const config = loadConfig({ ...PRODUCTION, PUBLIC_URL: 'https://auth.example.com' });
    expect(config.bridge).to.include({ cookieSecure: true, publicUrl: 'https://auth.example.com' });
  });

  for (const url of ['http://localhost:8000', 'http://127.0.0.1:8000', 'http://127.8.9.10', 'http://[::1]:8000', 'http://LOCALHOST']) {
    it(`takes ${url} with Secure cookies: browsers treat loopback as a secure context`, () => {
      expect(loadConfig({ ...PRODUCTION, PUBLIC_URL: url }).bridge.cookieSecure).to.equal(true);
    });
  }

  for (const url of ['http://auth.example.com', 'http://10.0.0.5:8000', 'http://localhost.example.com', 'http://128.0.0.1']) {
    it(`refuses ${url} with Secure cookies, naming both settings and both ways out`, () => {
      expect(() => loadConfig({ ...PRODUCTION, PUBLIC_URL: url }))
        .to.throw(ConfigError)
        .with.property('message')
        .that.contains(`PUBLIC_URL=${url}`)
        .and.contains('COOKIE_SECURE')
        .and.contains('https://')
        .and.contains('COOKIE_SECURE=false');
    });
  }

  it('refuses it whether COOKIE_SECURE comes from production or is set outside it', () => {
    expect(() => loadConfig({ PUBLIC_URL: 'http://auth.example.com', COOKIE_SECURE: 'true' })).to.throw(ConfigError, /PUBLIC_URL.*COOKIE_SECURE/);
  });

  it('takes an http PUBLIC_URL on any host when cookies are not Secure', () => {
    expect(loadConfig({ ...PRODUCTION, PUBLIC_URL: 'http://auth.example.com', COOKIE_SECURE: 'false' }).bridge.cookieSecure).to.equal(false);
    expect(loadConfig({ PUBLIC_URL: 'http://auth.example.com' }).bridge.publicUrl).to.equal('http://auth.example.com');
  });
});
