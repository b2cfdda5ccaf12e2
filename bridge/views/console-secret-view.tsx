/**
 * A service client's secret, shown the one time it exists in readable form: in the answer
 * to the post that made it (registering the service, or resetting its secret), never in an
 * address, a cookie or a later page; the service keeps only its hash, and the page is sent
 * with `Cache-Control: no-store` as every page is. The copy button is the console's only
 * script (copy-secret.js, a file under the pages' CSP); without it the secret is selectable
 * text in a read-only field, and the button stays hidden.
 */
import type { Client } from '../../gen/clientauth/v1/client.js';
import { ConsoleLayout } from './console-layout.js';
import { SERVICES_PATH } from './console-services-view.js';
import { Notice } from './form.js';
import type { PageFrame } from './page-frame.js';

export interface ConsoleSecretViewProps {
  frame: PageFrame;
  adminEmail: string;
  service: Client;
  secret: string;
  /** Registered: a new service; reset: a new secret for an existing one. */
  occasion: 'registered' | 'reset';
  script: string;
}

export function ConsoleSecretView({ frame, adminEmail, service, secret, occasion, script }: ConsoleSecretViewProps) {
  const words = frame.locale.t.consoleOps.secret;
  const title = occasion === 'registered' ? words.registeredTitle : words.resetTitle;
  return (
    <ConsoleLayout frame={frame} title={title} current="services" adminEmail={adminEmail} scripts={[script]}>
      <Notice frame={frame} message={occasion === 'registered' ? words.registered(service.name) : words.reset(service.name)} />
      <p>{words.intro}</p>
      <p class="warning">
        <strong>{words.onceOnly}</strong>
      </p>
      <dl class="secret-facts">
        <dt>{words.clientId}</dt>
        <dd>
          <code id="service-client-id">{service.id}</code>
        </dd>
      </dl>
      <div class="field">
        <label for="client-secret">{words.secret}</label>
        <input id="client-secret" class="secret-value" type="text" value={secret} readonly autocomplete="off" spellcheck={false} />
      </div>
      <p>
        <button type="button" class="secondary" id="copy-secret" data-copied={words.copied} hidden>
          {words.copy}
        </button>
        <span id="copy-status" role="status" />
      </p>
      <p>
        <a href={SERVICES_PATH}>{words.done}</a>
      </p>
    </ConsoleLayout>
  );
}
