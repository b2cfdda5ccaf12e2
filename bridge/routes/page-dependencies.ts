/** What every page's routes are given: the client of the service, the cookies, the configuration and the renderer. */
import type { UiConfig } from '../../src/config/index.js';
import type { ClientAuthCalls } from '../../src/sdk/typed-client.js';
import type { CookiePolicy } from '../cookie-policy.js';
import type { PageRenderer } from '../pages/page-renderer.js';

export interface PageRouteDependencies {
  api: ClientAuthCalls;
  cookies: CookiePolicy;
  ui: UiConfig;
  renderer: PageRenderer;
  callTimeoutMs: number;
  bodyLimitBytes: number;
  /** EMAIL_VERIFIED_REDIRECT_URL: where the verification page's "Continue" leads once a link confirmed an address. */
  emailVerifiedRedirectUrl: string;
}
