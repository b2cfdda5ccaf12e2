/**
 * The OpenID Provider's error page, for a request it cannot answer at the app (an unknown
 * client, a redirect URI not registered): the OAuth error code and our own words, never
 * the request's values or the provider's internal description.
 */
import { Layout } from './layout.js';
import type { PageFrame } from './page-frame.js';

export function OidcErrorView({ frame, code }: { frame: PageFrame; code: string }) {
  const { error } = frame.locale.t.oidcPages;
  return (
    <Layout frame={frame} title={error.title}>
      <h1>{error.title}</h1>
      <p>{error.intro}</p>
      <p class="hint">{error.code(code)}</p>
    </Layout>
  );
}
