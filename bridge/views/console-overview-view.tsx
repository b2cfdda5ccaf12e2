/** /admin: the console's first page. */
import { ConsoleLayout } from './console-layout.js';
import type { PageFrame } from './page-frame.js';

export function ConsoleOverviewView({ frame, adminEmail }: { frame: PageFrame; adminEmail: string }) {
  const { t } = frame.locale;
  return (
    <ConsoleLayout frame={frame} title={t.console.nav.sections.overview} current="overview" adminEmail={adminEmail}>
      <p>{t.console.overviewIntro}</p>
    </ConsoleLayout>
  );
}
