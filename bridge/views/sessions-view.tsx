/**
 * /account/sessions: every live session of the account, most recently used first, the
 * reader's own marked "This device"; a form to sign each out, and one to sign out all the
 * others. Dates are the reader's language's (Intl), in UTC.
 */
import type { Session } from '../../gen/clientauth/v1/account.js';
import { deviceName } from '../pages/device-name.js';
import type { FormError } from '../pages/form.js';
import { AccountLayout } from './account-layout.js';
import { Button, ErrorSummary, Notice, PostForm } from './form.js';
import type { PageFrame } from './page-frame.js';

export interface SessionsViewProps {
  frame: PageFrame;
  sessions: readonly Session[];
  errors?: readonly FormError[];
  notice?: string | undefined;
}

export function SessionsView({ frame, sessions, errors = [], notice }: SessionsViewProps) {
  const words = frame.locale.t.accountPages.sessions;
  const others = sessions.filter((session) => !session.current);
  return (
    <AccountLayout frame={frame} title={words.title} current="/account/sessions" hasErrors={errors.length > 0}>
      <ErrorSummary frame={frame} errors={errors} />
      {notice ? <Notice frame={frame} message={notice} /> : null}
      <p>{words.intro}</p>
      <ul class="record-list">
        {sessions.map((session) => (
          <SessionItem key={session.id} frame={frame} session={session} />
        ))}
      </ul>
      {others.length > 0 ? (
        <PostForm action="/account/sessions/end-others">
          <Button secondary>{words.endOthers}</Button>
        </PostForm>
      ) : (
        <p>{words.noOthers}</p>
      )}
    </AccountLayout>
  );
}

function SessionItem({ frame, session }: { frame: PageFrame; session: Session }) {
  const { locale } = frame;
  const words = locale.t.accountPages.sessions;
  const device = deviceName(locale, session.userAgent);
  const when = (date: Date | undefined) => (date ? locale.dateTime(date) : words.unknown);
  const lastUsed = when(session.lastUseTime);
  return (
    <li>
      <h2 class="record-title">
        {device}
        {session.current ? <span class="tag">{words.thisDevice}</span> : null}
      </h2>
      <dl class="record">
        <dt>{words.clientIp}</dt>
        <dd>{session.clientIp || words.unknown}</dd>
        <dt>{words.signedInAt}</dt>
        <dd class="time">{when(session.createTime)}</dd>
        <dt>{words.lastUsed}</dt>
        <dd class="time">{lastUsed}</dd>
      </dl>
      <PostForm action="/account/sessions/end" hidden={{ session_id: session.id }}>
        {session.current ? (
          <Button secondary>{words.endThis}</Button>
        ) : (
          <Button secondary>
            {words.endOne} <span class="visually-hidden">{words.endOneDetail(device, lastUsed)}</span>
          </Button>
        )}
      </PostForm>
    </li>
  );
}
