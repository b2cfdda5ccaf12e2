/** The OpenID Provider's page after a logout that named no app page to return to. */
import { Layout } from './layout.js';
import type { PageFrame } from './page-frame.js';

export function OidcSignedOutView({ frame, app }: { frame: PageFrame; app: string | null }) {
  const { signedOut } = frame.locale.t.oidcPages;
  return (
    <Layout frame={frame} title={signedOut.title}>
      <h1>{signedOut.title}</h1>
      <p>{signedOut.body(app)}</p>
      <p>
        <a href="/sign-in">{signedOut.toSignIn}</a>
      </p>
    </Layout>
  );
}
