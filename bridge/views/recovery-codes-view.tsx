/**
 * The recovery codes, shown the one time they exist in readable form: in the answer to the
 * post that made them (turning TOTP on, or asking for new codes), never in an address, a
 * cookie or a later page; the service keeps only their hashes. The download is a data: link
 * with the `download` attribute: the browser saves the file from the page itself, so no
 * second request is needed and nothing is kept to answer one. The pages' CSP does not
 * govern downloads, and no script is involved.
 */
import { AccountLayout } from './account-layout.js';
import { Notice } from './form.js';
import type { PageFrame } from './page-frame.js';
import { TWO_FACTOR_PATH } from './two-factor-view.js';

export interface RecoveryCodesViewProps {
  frame: PageFrame;
  codes: readonly string[];
  /** Enrolled: TOTP was just turned on; replaced: the codes replace earlier ones. */
  occasion: 'enrolled' | 'replaced';
}

export function RecoveryCodesView({ frame, codes, occasion }: RecoveryCodesViewProps) {
  const { t } = frame.locale;
  const file = [t.recoveryCodes.fileHeading(frame.productName), '', ...codes, ''].join('\r\n');
  return (
    <AccountLayout frame={frame} title={t.recoveryCodes.title} current={TWO_FACTOR_PATH}>
      <Notice frame={frame} message={occasion === 'enrolled' ? t.recoveryCodes.enabled : t.recoveryCodes.replaced} />
      <p>{t.recoveryCodes.intro}</p>
      <p class="warning">
        <strong>{t.recoveryCodes.onceOnly}</strong>
      </p>
      <ul class="recovery-codes" aria-label={t.recoveryCodes.listLabel}>
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <p>
        <a class="button" href={`data:text/plain;charset=utf-8,${encodeURIComponent(file)}`} download={t.recoveryCodes.fileName}>
          {t.recoveryCodes.download}
        </a>
      </p>
      <p>
        <a href={TWO_FACTOR_PATH}>{t.recoveryCodes.done}</a>
      </p>
    </AccountLayout>
  );
}
