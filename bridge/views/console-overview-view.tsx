/**
 * /admin: the console's first page, with the figures of GetAdminOverview, each linking to
 * the section it summarises (active sessions have no section of their own).
 */
import type { GetAdminOverviewResponse } from '../../gen/clientauth/v1/admin_overview.js';
import { SigningKeySource } from '../../gen/clientauth/v1/signing_keys.js';
import { AUDIT_PATH } from './console-audit-view.js';
import { DELETIONS_PATH } from './console-deletions-view.js';
import { KEYS_PATH } from './console-keys-view.js';
import { ConsoleLayout } from './console-layout.js';
import type { PageFrame } from './page-frame.js';

const DAY_MS = 24 * 3600 * 1000;

export function ConsoleOverviewView({ frame, adminEmail, figures }: { frame: PageFrame; adminEmail: string; figures: GetAdminOverviewResponse }) {
  const { locale } = frame;
  const { t } = locale;
  const words = t.consoleOverview;
  const number = new Intl.NumberFormat(locale.lang);
  const countedAt = figures.countTime ?? new Date();
  // The audit log's filter reads a time to the minute, in UTC.
  const since = new Date(countedAt.getTime() - DAY_MS).toISOString().slice(0, 16).replace('T', ' ');
  const auditOf = (type: string) => `${AUDIT_PATH}?${new URLSearchParams({ type, since })}`;
  const rows: Array<{ label: string; value: number; href?: string }> = [
    { label: words.users, value: figures.userCount, href: '/admin/clients?kind=user' },
    { label: words.services, value: figures.serviceCount, href: '/admin/services' },
    { label: words.suspended, value: figures.suspendedClientCount, href: '/admin/clients?suspended=yes' },
    { label: words.activeSessions, value: figures.activeSessionCount },
    { label: words.signIns, value: figures.signInCount, href: auditOf('login.succeeded') },
    { label: words.failedSignIns, value: figures.failedSignInCount, href: auditOf('login.failed') },
    { label: words.pendingDeletions, value: figures.pendingDeletionRequestCount, href: `${DELETIONS_PATH}?pending=1` },
  ];
  return (
    <ConsoleLayout frame={frame} title={t.console.nav.sections.overview} current="overview" adminEmail={adminEmail}>
      <p>{t.console.overviewIntro}</p>
      <dl class="overview-figures" aria-label={words.figuresLabel}>
        {rows.map(({ label, value, href }) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{href ? <a href={href}>{number.format(value)}</a> : number.format(value)}</dd>
          </div>
        ))}
      </dl>
      <p class="overview-counted">{words.countedAt(locale.dateTime(countedAt))}</p>
      <h2>{words.keyTitle}</h2>
      <SigningKeyLine frame={frame} figures={figures} countedAt={countedAt} />
    </ConsoleLayout>
  );
}

function SigningKeyLine({ frame, figures, countedAt }: { frame: PageFrame; figures: GetAdminOverviewResponse; countedAt: Date }) {
  const { locale } = frame;
  const words = locale.t.consoleOverview;
  if (figures.signingKeySource === SigningKeySource.SIGNING_KEY_SOURCE_SECRET) return <p>{words.sharedSecret}</p>;
  const key = figures.signingKey;
  if (!key) return <p>{words.noKey}</p>;
  const since = key.activateTime;
  return (
    <p>
      {words.keyInUse}{' '}
      <a href={KEYS_PATH}>
        <code>{key.kid}</code>
      </a>{' '}
      ({key.algorithm})
      {since ? `, ${words.signingSince(locale.dateTime(since), ageOf(locale.lang, countedAt.getTime() - since.getTime()))}` : `, ${words.operatorKey}`}.
    </p>
  );
}

/** An age in whole days, or in hours within the first day. */
function ageOf(lang: string, ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  const [value, unit] = days >= 1 ? [days, 'day'] : [Math.max(0, Math.floor(ms / 3600_000)), 'hour'];
  return new Intl.NumberFormat(lang, { style: 'unit', unit, unitDisplay: 'long' }).format(value);
}
