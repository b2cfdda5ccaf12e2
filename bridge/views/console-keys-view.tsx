/**
 * /admin/signing-keys: the published signing keys as ListSigningKeys gives them, newest
 * first, each with its state and dates, where they come from, and the rotation (offered
 * only where the service rotates its keys).
 */
import { type SigningKey, SigningKeySource, SigningKeyState } from '../../gen/clientauth/v1/signing_keys.js';
import type { FormError } from '../pages/form.js';
import { ConsoleLayout } from './console-layout.js';
import { DataTable } from './data-table.js';
import { Button, ErrorSummary, Notice, PostForm } from './form.js';
import type { PageFrame } from './page-frame.js';

export const KEYS_PATH = '/admin/signing-keys';

export interface ConsoleKeysViewProps {
  frame: PageFrame;
  adminEmail: string;
  source: SigningKeySource;
  keys: readonly SigningKey[];
  notice?: string | undefined;
  errors?: readonly FormError[];
}

export function ConsoleKeysView({ frame, adminEmail, source, keys, notice, errors = [] }: ConsoleKeysViewProps) {
  const { locale } = frame;
  const words = locale.t.consoleOps.keys;
  const when = (date: Date | undefined) => (date ? locale.dateTime(date) : locale.t.consoleOps.none);
  const sourceWords =
    source === SigningKeySource.SIGNING_KEY_SOURCE_FILE
      ? words.sources.file
      : source === SigningKeySource.SIGNING_KEY_SOURCE_SECRET
        ? words.sources.secret
        : words.sources.stored;
  return (
    <ConsoleLayout frame={frame} title={locale.t.console.nav.sections.signingKeys} current="signingKeys" adminEmail={adminEmail} hasErrors={errors.length > 0}>
      <ErrorSummary frame={frame} errors={errors} />
      {notice ? <Notice frame={frame} message={notice} /> : null}
      <p>{words.intro}</p>
      <p>{sourceWords}</p>
      {keys.length > 0 ? (
        <DataTable
          caption={words.listCaption}
          rows={keys}
          keyOf={(key) => key.kid}
          columns={[
            { label: words.kid, rowHeader: true, cell: (key) => <code>{key.kid}</code> },
            { label: words.state, cell: (key) => stateWords(words.states, key.state) },
            { label: words.algorithm, cell: (key) => key.algorithm },
            { label: words.created, cell: (key) => when(key.createTime) },
            { label: words.activates, cell: (key) => when(key.activateTime) },
            { label: words.retired, cell: (key) => when(key.retireTime) },
            { label: words.expires, cell: (key) => when(key.expireTime) },
          ]}
        />
      ) : null}
      {source === SigningKeySource.SIGNING_KEY_SOURCE_STORED ? (
        <PostForm action={`${KEYS_PATH}/rotate`}>
          <Button>{words.rotate}</Button>
        </PostForm>
      ) : null}
    </ConsoleLayout>
  );
}

function stateWords(states: PageFrame['locale']['t']['consoleOps']['keys']['states'], state: SigningKeyState): string {
  switch (state) {
    case SigningKeyState.SIGNING_KEY_STATE_ACTIVE:
      return states.active;
    case SigningKeyState.SIGNING_KEY_STATE_NEXT:
      return states.next;
    case SigningKeyState.SIGNING_KEY_STATE_RETIRED:
      return states.retired;
    default:
      return states.unknown;
  }
}
