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
  /**
   * The origins a sign-in's form may lead to besides the return origins: the redirect
   * origins of the OpenID client whose interaction `returnTo` names (oidc/interaction-origins.ts).
   * Absent without the OpenID Provider.
   */
  formOriginsOf?: (returnTo: string | undefined) => Promise<readonly string[]>;
}
