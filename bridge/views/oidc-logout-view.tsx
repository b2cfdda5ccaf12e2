/**
 * The OpenID Provider's end-session confirmation (RP-initiated logout): sign out of this
 * service and the app, or stay. One form posted to the provider with its CSRF token; the
 * "yes" button names `logout`, as the provider expects.
 */
import { PostForm } from './form.js';
import { Layout } from './layout.js';
import type { PageFrame } from './page-frame.js';

export interface OidcLogoutViewProps {
  frame: PageFrame;
  /** The app that asked, by its client's name; null when the request named none. */
  app: string | null;
  action: string;
  xsrf: string;
}

export function OidcLogoutView({ frame, app, action, xsrf }: OidcLogoutViewProps) {
  const { logout } = frame.locale.t.oidcPages;
  return (
    <Layout frame={frame} title={logout.title}>
      <h1>{logout.title}</h1>
      <p>{logout.question(app)}</p>
      <PostForm action={action} hidden={{ xsrf }} class="oidc-logout">
        <button type="submit" name="logout" value="yes">
          {logout.yes}
        </button>
        <button type="submit" class="secondary">
          {logout.no}
        </button>
      </PostForm>
    </Layout>
  );
}
