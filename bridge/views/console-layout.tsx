/**
 * Every admin console page: the one layout of the hosted pages, the console's sections, who
 * is signed in, and the page's heading. The title names the console, so a tab of it is
 * never mistaken for an account page.
 */
import type { ComponentChildren } from 'preact';
import { ConsoleNav, type ConsoleSectionKey } from './console-nav.js';
import { Layout } from './layout.js';
import type { PageFrame } from './page-frame.js';

export interface ConsoleLayoutProps {
  frame: PageFrame;
  title: string;
  /** The section the page belongs to, marked as the current one. */
  current: ConsoleSectionKey;
  /** The signed-in admin's email, shown beside the sections. */
  adminEmail: string;
  hasErrors?: boolean;
  scripts?: readonly string[];
  children: ComponentChildren;
}

export function ConsoleLayout({ frame, title, current, adminEmail, hasErrors = false, scripts = [], children }: ConsoleLayoutProps) {
  const { t } = frame.locale;
  return (
    <Layout frame={frame} title={`${title} – ${t.console.name}`} hasErrors={hasErrors} scripts={scripts}>
      <p class="console-who">
        {t.console.signedInAs(adminEmail)} · <a href="/account">{t.console.toAccount}</a>
      </p>
      <ConsoleNav frame={frame} current={current} />
      <h1>{title}</h1>
      {children}
    </Layout>
  );
}
