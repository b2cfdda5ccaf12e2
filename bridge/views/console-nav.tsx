/**
 * The admin console's sections, on every console page: where each lives, and which one the
 * reader is on. A new section is one entry here and one label in the catalogue
 * (console-en.ts); a section's pages live under its path.
 */
import type { Messages } from '../messages/en.js';
import type { PageFrame } from './page-frame.js';

export type ConsoleSectionKey = keyof Messages['console']['nav']['sections'];

/** The sections in the order an operator on call looks for them. */
export const CONSOLE_SECTIONS: ReadonlyArray<{ key: ConsoleSectionKey; path: string }> = [
  { key: 'overview', path: '/admin' },
  { key: 'clients', path: '/admin/clients' },
  { key: 'services', path: '/admin/services' },
  { key: 'audit', path: '/admin/audit' },
  { key: 'signingKeys', path: '/admin/signing-keys' },
  { key: 'deletionRequests', path: '/admin/deletion-requests' },
];

export function ConsoleNav({ frame, current }: { frame: PageFrame; current: ConsoleSectionKey }) {
  const { t } = frame.locale;
  return (
    <nav class="account-nav console-nav" aria-label={t.console.nav.label}>
      <ul>
        {CONSOLE_SECTIONS.map(({ key, path }) => (
          <li key={path}>
            <a href={path} aria-current={key === current ? 'page' : undefined}>
              {t.console.nav.sections[key]}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
