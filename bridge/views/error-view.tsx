/** The page of a failure no form can show beside its fields: a refused cross-site post, a wrong method, an unexpected error. */
import { Layout } from './layout.js';
import type { PageFrame } from './page-frame.js';

export function ErrorView({ frame, message }: { frame: PageFrame; message: string }) {
  const { t } = frame.locale;
  return (
    <Layout frame={frame} title={t.errorPage.title}>
      <h1>{t.errorPage.title}</h1>
      <p>{message}</p>
      <p class="hint">{t.errorPage.reference(frame.requestId)}</p>
      <p>
        <a href="/sign-in">{t.errorPage.toSignIn}</a>
      </p>
    </Layout>
  );
}
