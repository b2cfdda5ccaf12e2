/** Every account page: the one layout, the account's sections, and the page's heading. */
import type { ComponentChildren } from 'preact';
import { AccountNav } from './account-nav.js';
import { Layout } from './layout.js';
import type { PageFrame } from './page-frame.js';

export interface AccountLayoutProps {
  frame: PageFrame;
  title: string;
  /** The section's path, marked as the current one. */
  current: string;
  hasErrors?: boolean;
  scripts?: readonly string[];
  children: ComponentChildren;
}

export function AccountLayout({ frame, title, current, hasErrors = false, scripts = [], children }: AccountLayoutProps) {
  return (
    <Layout frame={frame} title={title} hasErrors={hasErrors} scripts={scripts}>
      <AccountNav frame={frame} current={current} />
      <h1>{title}</h1>
      {children}
    </Layout>
  );
}
