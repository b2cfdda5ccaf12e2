import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/config/index.js';

const PRODUCTION = { NODE_ENV: 'production', JWT_SECRET_KEY: 'k'.repeat(32) };
const SMTP = { SMTP_URL: 'smtps://mailer:secret@smtp.example.com', SMTP_FROM: 'Example <no-reply@example.com>' };

describe('Configuration of password reset, email verification and mail', () => {
  it('has both features on, links to the local bridge and mail into DATA_DIR/mail by default', () => {
    const config = loadConfig({ DATA_DIR: '/srv/auth' });
    expect(config.recovery).to.deep.include({
      passwordReset: true,
      emailVerification: true,
      requireVerifiedEmail: false,
      publicUrl: 'http://localhost:8000',
      resetTokenTtlSeconds: 30 * 60,
      productName: 'client-auth',
    });
    expect(config.mail).to.deep.include({ kind: 'files', directory: '/srv/auth/mail', maxAgeSeconds: 3600 });
    expect(config.bridge.emailVerifiedRedirectUrl).to.equal('http://localhost:8000/');
  });

  it('reads SMTP, the public URL without its trailing slash, the lifetimes and the redirect', () => {
    const config = loadConfig({
      ...SMTP,
      PUBLIC_URL: 'https://auth.example.com/',
      PASSWORD_RESET_TTL_MIN: '10',
      MAIL_MAX_AGE_MIN: '20',
      EMAIL_VERIFIED_REDIRECT_URL: 'https://app.example.com/welcome',
      PRODUCT_NAME: 'Example Cloud',
    });
    expect(config.mail).to.deep.include({ kind: 'smtp', url: SMTP.SMTP_URL, from: SMTP.SMTP_FROM, maxAgeSeconds: 1200 });
    expect(config.recovery).to.deep.include({ publicUrl: 'https://auth.example.com', resetTokenTtlSeconds: 600, productName: 'Example Cloud' });
    expect(config.bridge.emailVerifiedRedirectUrl).to.equal('https://app.example.com/welcome');
  });

  it('refuses a production start without SMTP_URL while either feature is on, and accepts it with both off', () => {
    expect(() => loadConfig(PRODUCTION)).to.throw(ConfigError, /SMTP_URL is required when NODE_ENV=production/);
    expect(() => loadConfig({ ...PRODUCTION, PASSWORD_RESET: 'false' })).to.throw(ConfigError, /SMTP_URL is required/);
    expect(() => loadConfig({ ...PRODUCTION, EMAIL_VERIFICATION: 'false' })).to.throw(ConfigError, /SMTP_URL is required/);
    expect(loadConfig({ ...PRODUCTION, PASSWORD_RESET: 'false', EMAIL_VERIFICATION: 'false' }).recovery.passwordReset).to.equal(false);
    expect(loadConfig({ ...PRODUCTION, ...SMTP }).mail.kind).to.equal('smtp');
    expect(() => loadConfig({ ...PRODUCTION, SMTP_URL: SMTP.SMTP_URL })).to.throw(ConfigError, /SMTP_FROM is required/);
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    ['an SMTP_URL of another scheme', { SMTP_URL: 'http://mail.example.com' }, /SMTP_URL must start with smtp:\/\/ or smtps:\/\//],
    ['a PUBLIC_URL that is not a URL', { PUBLIC_URL: 'auth.example.com' }, /PUBLIC_URL must be an absolute http\(s\) URL/],
    ['a PUBLIC_URL with a query', { PUBLIC_URL: 'https://auth.example.com/?a=1' }, /PUBLIC_URL must have no query/],
    [
      'an EMAIL_VERIFIED_REDIRECT_URL of another scheme',
      { EMAIL_VERIFIED_REDIRECT_URL: 'javascript:alert(1)' },
      /EMAIL_VERIFIED_REDIRECT_URL must be an http\(s\) URL/,
    ],
    ['a PASSWORD_RESET_TTL_MIN under 5', { PASSWORD_RESET_TTL_MIN: '4' }, /PASSWORD_RESET_TTL_MIN must be a whole number from 5 to 1440/],
    ['a MAIL_MAX_AGE_MIN of 0', { MAIL_MAX_AGE_MIN: '0' }, /MAIL_MAX_AGE_MIN/],
    [
      'REQUIRE_VERIFIED_EMAIL without EMAIL_VERIFICATION',
      { REQUIRE_VERIFIED_EMAIL: 'true', EMAIL_VERIFICATION: 'false' },
      /REQUIRE_VERIFIED_EMAIL=true needs EMAIL_VERIFICATION=true/,
    ],
  ];
  for (const [what, env, message] of bad) {
    it(`stops on ${what}, naming the variable`, () => {
      expect(() => loadConfig(env)).to.throw(ConfigError, message);
    });
  }
});
