/**
 * The account's sections, on every account page: where each lives, and which one the reader
 * is on. A new section is one entry here and one label in the catalogue.
 */
import type { Messages } from '../messages/en.js';
import type { PageFrame } from './page-frame.js';

type SectionKey = keyof Messages['accountNav']['sections'];

/** The sections in the order a person looks for them. */
export const ACCOUNT_SECTIONS: ReadonlyArray<{ key: SectionKey; path: string }> = [
  { key: 'overview', path: '/account' },
  { key: 'profile', path: '/account/profile' },
  { key: 'password', path: '/account/password' },
  { key: 'twoFactor', path: '/account/two-factor' },
  { key: 'passkeys', path: '/account/passkeys' },
  { key: 'sessions', path: '/account/sessions' },
  { key: 'signIns', path: '/account/sign-ins' },
  { key: 'delete', path: '/account/delete' },
];

export function AccountNav({ frame, current }: { frame: PageFrame; current: string }) {
  const { t } = frame.locale;
  return (
    <nav class="account-nav" aria-label={t.accountNav.label}>
      <ul>
        {ACCOUNT_SECTIONS.map(({ key, path }) => (
          <li key={path}>
            <a href={path} aria-current={path === current ? 'page' : undefined}>
              {t.accountNav.sections[key]}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
