/**
 * The one layout of every page: a header with the product's name or logo, the main
 * content, a footer. It loads the one stylesheet and, when a page asks, script files from
 * the bridge; never inline script or style (the pages' CSP forbids both).
 */
import type { ComponentChildren } from 'preact';
import type { PageFrame } from './page-frame.js';

export interface LayoutProps {
  frame: PageFrame;
  /** The page's own title; the layout adds the product's name, and "Error:" when the page shows errors. */
  title: string;
  hasErrors?: boolean;
  /** Script files of the bridge (page-assets.ts hrefs), loaded deferred. */
  scripts?: readonly string[];
  children: ComponentChildren;
}

export function Layout({ frame, title, hasErrors = false, scripts = [], children }: LayoutProps) {
  const { t, lang } = frame.locale;
  const documentTitle = `${hasErrors ? `${t.form.errorPrefix} ` : ''}${title} – ${frame.productName}`;
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{documentTitle}</title>
        <link rel="stylesheet" href={frame.stylesheet} />
        {scripts.map((src) => (
          <script key={src} src={src} defer />
        ))}
      </head>
      <body>
        <a class="skip-link" href="#main">
          {t.layout.skipToMain}
        </a>
        <header class="site-header">
          <div class="width">
            <a class="brand" href="/" aria-label={t.layout.home(frame.productName)}>
              {frame.logoUrl !== null ? <img src={frame.logoUrl} alt="" /> : frame.productName}
            </a>
          </div>
        </header>
        <main id="main" class="width" tabindex={-1}>
          {children}
        </main>
        <footer class="site-footer">
          <div class="width">{t.layout.footer(frame.productName)}</div>
        </footer>
      </body>
    </html>
  );
}
