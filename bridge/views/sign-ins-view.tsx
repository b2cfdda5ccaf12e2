/**
 * /account/sign-ins: the account's sign-in history, newest first, one page at a time
 * (ListMySignIns pages; the next page's token travels in the link to it). Each sign-in:
 * when, what came of it, how, from which IP and device.
 */
import type { AuditEvent } from '../../gen/clientauth/v1/audit.js';
import type { Messages } from '../messages/en.js';
import { deviceName } from '../pages/device-name.js';
import { AccountLayout } from './account-layout.js';
import type { PageFrame } from './page-frame.js';

export interface SignInsViewProps {
  frame: PageFrame;
  signIns: readonly AuditEvent[];
  /** The link to the next (older) page, when there is one. */
  olderHref?: string | undefined;
  /** Whether this is a later page, so the first one is offered. */
  paged: boolean;
}

type Words = Messages['accountPages']['signIns'];

export function SignInsView({ frame, signIns, olderHref, paged }: SignInsViewProps) {
  const words = frame.locale.t.accountPages.signIns;
  return (
    <AccountLayout frame={frame} title={words.title} current="/account/sign-ins">
      <p>{words.intro}</p>
      {signIns.length === 0 ? <p>{words.none}</p> : null}
      <ol class="record-list" aria-label={words.caption}>
        {signIns.map((event) => (
          <li key={event.id}>
            <dl class="record">
              <dt>{words.time}</dt>
              <dd class="time">{event.time ? frame.locale.dateTime(event.time) : ''}</dd>
              <dt>{words.outcome}</dt>
              <dd>{outcomeOf(words, event.type)}</dd>
              <dt>{words.method}</dt>
              <dd>{methodOf(words, event.method)}</dd>
              <dt>{words.clientIp}</dt>
              <dd>{event.clientIp || frame.locale.t.accountPages.sessions.unknown}</dd>
              <dt>{words.device}</dt>
              <dd>{deviceName(frame.locale, event.userAgent)}</dd>
            </dl>
          </li>
        ))}
      </ol>
      {olderHref || paged ? (
        <nav class="pager" aria-label={words.pages}>
          {paged ? <a href="/account/sign-ins">{words.newest}</a> : null}
          {olderHref ? <a href={olderHref}>{words.older}</a> : null}
        </nav>
      ) : null}
    </AccountLayout>
  );
}

function outcomeOf(words: Words, type: string): string {
  return Object.hasOwn(words.outcomes, type) ? words.outcomes[type as keyof Words['outcomes']] : words.outcomes.other;
}

/** A login with no factor named is a password's; a factor's name is the one it used. */
function methodOf(words: Words, method: string): string {
  if (method === '') return words.methods.password;
  return Object.hasOwn(words.methods, method) ? words.methods[method as keyof Words['methods']] : method;
}
