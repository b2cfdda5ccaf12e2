/**
 * /account/passkeys: the caller's passkeys (name, when added, when last used, with Intl in
 * the reader's language), each renamed or deleted (for the current password) by a form that posts without script, and
 * a form to add one. Adding needs the browser's WebAuthn API, so that form starts hidden
 * behind a sentence saying so; passkey-registration.js, loaded from /assets/, swaps them
 * and runs the ceremony, then posts the form as any other.
 */
import type { FormError } from '../pages/form.js';
import { AccountLayout } from './account-layout.js';
import { Button, ErrorSummary, Notice, PostForm, TextField } from './form.js';
import type { PageFrame } from './page-frame.js';

export const PASSKEYS_PATH = '/account/passkeys';

export interface PasskeyRow {
  id: string;
  name: string;
  createTime: Date | undefined;
  lastUseTime: Date | undefined;
}

export interface PasskeysViewProps {
  frame: PageFrame;
  passkeys: readonly PasskeyRow[];
  /** The registration script's URL (page-assets.ts). */
  script: string;
  errors?: readonly FormError[];
  notice?: string | undefined;
  /** What was typed into a rename field that failed, by the field's id, to show it again. */
  typed?: Readonly<Record<string, string>>;
}

/** The id of the rename field of the passkey at `index` in the list. */
export const renameField = (index: number) => `name-${index}`;

/** The id of the password field of the deletion form of the passkey at `index`. */
export const deletePasswordField = (index: number) => `current-password-${index}`;

export function PasskeysView({ frame, passkeys, script, errors = [], notice, typed = {} }: PasskeysViewProps) {
  const { t } = frame.locale;
  const when = (date: Date | undefined) => (date ? frame.locale.dateTime(date) : t.passkeys.neverUsed);
  return (
    <AccountLayout frame={frame} title={t.passkeys.title} current={PASSKEYS_PATH} hasErrors={errors.length > 0} scripts={[script]}>
      <ErrorSummary frame={frame} errors={errors} />
      {notice ? <Notice frame={frame} message={notice} /> : null}
      <p>{t.passkeys.intro}</p>
      {passkeys.length === 0 ? (
        <p>{t.passkeys.none}</p>
      ) : (
        <table class="data-table">
          <caption>{t.passkeys.listCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.passkeys.name}</th>
              <th scope="col">{t.passkeys.created}</th>
              <th scope="col">{t.passkeys.lastUsed}</th>
              <th scope="col">{t.passkeys.actions}</th>
            </tr>
          </thead>
          <tbody>
            {passkeys.map((passkey, index) => (
              <tr key={passkey.id}>
                <th scope="row">{passkey.name}</th>
                <td data-label={t.passkeys.created}>{when(passkey.createTime)}</td>
                <td data-label={t.passkeys.lastUsed}>{when(passkey.lastUseTime)}</td>
                <td class="row-actions">
                  <PostForm action={`${PASSKEYS_PATH}/rename`} hidden={{ passkey_id: passkey.id, index: String(index) }}>
                    <TextField
                      frame={frame}
                      name="name"
                      id={renameField(index)}
                      label={t.passkeys.renameLabel(passkey.name)}
                      value={typed[renameField(index)] ?? passkey.name}
                      errors={errors}
                      spellcheck={false}
                    />
                    <Button secondary>
                      {t.passkeys.rename}
                      <span class="visually-hidden"> {passkey.name}</span>
                    </Button>
                  </PostForm>
                  <PostForm action={`${PASSKEYS_PATH}/delete`} hidden={{ passkey_id: passkey.id, index: String(index) }}>
                    <TextField
                      frame={frame}
                      name="current_password"
                      id={deletePasswordField(index)}
                      type="password"
                      label={t.passkeyRemoval.passwordLabel(passkey.name)}
                      errors={errors}
                      autocomplete="current-password"
                    />
                    <Button secondary>
                      {t.passkeys.delete}
                      <span class="visually-hidden"> {passkey.name}</span>
                    </Button>
                  </PostForm>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <section aria-labelledby="add-title">
        <h2 id="add-title">{t.passkeys.addTitle}</h2>
        <p id="passkey-needs-script">{t.passkeys.needsScript}</p>
        <form id="add-passkey" method="post" action={PASSKEYS_PATH} novalidate hidden data-failed={t.passkeys.ceremonyFailed}>
          <input type="hidden" name="ceremony_token" value="" />
          <input type="hidden" name="response" value="" />
          <TextField frame={frame} name="name" label={t.passkeys.addNameLabel} hint={t.passkeys.addNameHint} errors={errors} value={typed['name']} />
          <p id="passkey-ceremony-failed" class="error-message" role="alert" hidden />
          <Button>{t.passkeys.add}</Button>
        </form>
      </section>
    </AccountLayout>
  );
}
