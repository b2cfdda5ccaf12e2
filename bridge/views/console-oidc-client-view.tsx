/**
 * /admin/services/:id/oidc: how a service client signs people in through the OpenID
 * Provider (SetOidcClient), as stored, in a form that saves it again. The form holds no
 * rule of its own: every value goes to the service, whose refusals are shown.
 */
import type { OidcClient } from '../../gen/clientauth/v1/oidc_clients.js';
import { OIDC_GRANT_TYPES, OIDC_SCOPES } from '../../src/domain/oidc/ports.js';
import type { FormError, FormValues } from '../pages/form.js';
import { ConsoleLayout } from './console-layout.js';
import { SERVICES_PATH } from './console-services-view.js';
import { Button, ErrorSummary, FieldFrame, Notice, PostForm } from './form.js';
import type { PageFrame } from './page-frame.js';

export const oidcClientPath = (clientId: string) => `${SERVICES_PATH}/${encodeURIComponent(clientId)}/oidc`;

/** The form's fields: a list of URIs a line, the client type, and one box per consent, scope and grant type. */
export const OIDC_CLIENT_FIELDS = [
  'redirect_uris',
  'post_logout_redirect_uris',
  'client_type',
  'first_party',
  ...OIDC_SCOPES.map((scope) => `scope_${scope}` as const),
  ...OIDC_GRANT_TYPES.map((grant) => `grant_${grant}` as const),
] as const;
export type OidcClientForm = FormValues<(typeof OIDC_CLIENT_FIELDS)[number]>;

/** The form as the stored settings fill it; a service without settings starts as a confidential web app would. */
export function oidcClientForm(settings: OidcClient | undefined): OidcClientForm {
  const form = Object.fromEntries(OIDC_CLIENT_FIELDS.map((name) => [name, ''])) as OidcClientForm;
  form.client_type = settings?.publicClient ? 'public' : 'confidential';
  if (!settings) return form;
  form.redirect_uris = settings.redirectUris.join('\n');
  form.post_logout_redirect_uris = settings.postLogoutRedirectUris.join('\n');
  form.first_party = settings.firstParty ? 'yes' : '';
  for (const scope of settings.scopes) if ((OIDC_SCOPES as readonly string[]).includes(scope)) form[`scope_${scope as (typeof OIDC_SCOPES)[number]}`] = 'yes';
  for (const grant of settings.grantTypes)
    if ((OIDC_GRANT_TYPES as readonly string[]).includes(grant)) form[`grant_${grant as (typeof OIDC_GRANT_TYPES)[number]}`] = 'yes';
  return form;
}

export interface ConsoleOidcClientViewProps {
  frame: PageFrame;
  adminEmail: string;
  clientId: string;
  clientName: string;
  /** The settings as stored; none when the service has none (client credentials only). */
  stored: OidcClient | undefined;
  form: OidcClientForm;
  saved?: boolean;
  errors?: readonly FormError[];
}

export function ConsoleOidcClientView({ frame, adminEmail, clientId, clientName, stored, form, saved = false, errors = [] }: ConsoleOidcClientViewProps) {
  const { locale } = frame;
  const words = locale.t.consoleOidc;
  return (
    <ConsoleLayout frame={frame} title={words.title(clientName)} current="services" adminEmail={adminEmail} hasErrors={errors.length > 0}>
      <ErrorSummary frame={frame} errors={errors} />
      {saved && errors.length === 0 ? <Notice frame={frame} message={words.saved} /> : null}
      <p>{words.intro}</p>
      <p>
        <code>{clientId}</code>
      </p>
      <p class="oidc-updated">
        {stored ? words.updated(stored.updateTime ? locale.dateTime(stored.updateTime) : locale.t.consoleOps.never) : words.notRegistered}
      </p>
      <PostForm action={oidcClientPath(clientId)}>
        <UriList frame={frame} name="redirect_uris" label={words.redirectUris} hint={words.redirectUrisHint} value={form.redirect_uris} errors={errors} />
        <UriList
          frame={frame}
          name="post_logout_redirect_uris"
          label={words.postLogoutUris}
          hint={words.postLogoutUrisHint}
          value={form.post_logout_redirect_uris}
          errors={errors}
        />
        <div class="field client-type">
          <label for="client_type">{words.clientType}</label>
          <select id="client_type" name="client_type">
            <option value="confidential" selected={form.client_type !== 'public'}>
              {words.confidential}
            </option>
            <option value="public" selected={form.client_type === 'public'}>
              {words.public}
            </option>
          </select>
        </div>
        <fieldset class="choices">
          <legend>{words.firstPartyTitle}</legend>
          <Choice type="checkbox" id="first_party" name="first_party" value="yes" checked={form.first_party === 'yes'}>
            {words.firstParty}
          </Choice>
        </fieldset>
        <Boxes frame={frame} id="scopes" legend={words.scopes} prefix="scope_" names={OIDC_SCOPES} form={form} errors={errors} />
        <Boxes frame={frame} id="grant_types" legend={words.grantTypes} prefix="grant_" names={OIDC_GRANT_TYPES} form={form} errors={errors} />
        <div class="actions">
          <Button>{words.save}</Button>
          <a href={SERVICES_PATH}>{words.back}</a>
        </div>
      </PostForm>
    </ConsoleLayout>
  );
}

interface UriListProps {
  frame: PageFrame;
  name: 'redirect_uris' | 'post_logout_redirect_uris';
  label: string;
  hint: string;
  value: string;
  errors: readonly FormError[];
}

/** A list of URIs, one a line, in the frame every field has. */
function UriList({ frame, name, label, hint, value, errors }: UriListProps) {
  return (
    <FieldFrame frame={frame} id={name} label={label} hint={hint} errors={errors}>
      {(ties) => (
        <textarea id={name} name={name} rows={3} spellcheck={false} autocomplete="off" {...ties}>
          {value}
        </textarea>
      )}
    </FieldFrame>
  );
}

interface BoxesProps<Name extends string> {
  frame: PageFrame;
  /** The service's name of the field, which its refusals name: the error summary links here. */
  id: 'scopes' | 'grant_types';
  legend: string;
  prefix: 'scope_' | 'grant_';
  names: readonly Name[];
  form: OidcClientForm;
  errors: readonly FormError[];
}

/** One box per value the service knows, each named as the protocol names it. */
function Boxes<Name extends string>({ frame, id, legend, prefix, names, form, errors }: BoxesProps<Name>) {
  const error = errors.find((candidate) => candidate.field === id);
  return (
    <fieldset class={error ? 'choices field-error' : 'choices'} id={id} aria-describedby={error ? `${id}-error` : undefined}>
      <legend>{legend}</legend>
      {error ? (
        <p class="error-message" id={`${id}-error`}>
          <span class="visually-hidden">{frame.locale.t.form.errorPrefix} </span>
          {error.message}
        </p>
      ) : null}
      {names.map((value) => {
        const name = `${prefix}${value}` as keyof OidcClientForm;
        return (
          <Choice key={value} type="checkbox" id={name} name={name} value="yes" checked={form[name] === 'yes'}>
            <code>{value}</code>
          </Choice>
        );
      })}
    </fieldset>
  );
}

interface ChoiceProps {
  type: 'checkbox';
  id: string;
  name: string;
  value: string;
  checked: boolean;
  children: preact.ComponentChildren;
}

function Choice({ type, id, name, value, checked, children }: ChoiceProps) {
  return (
    <div class="choice">
      <input type={type} id={id} name={name} value={value} checked={checked} />
      <label for={id}>{children}</label>
    </div>
  );
}
