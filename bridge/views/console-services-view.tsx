/**
 * /admin/services: the service clients with their last token issue (to the minute, as the
 * service records it), a form to reset each one's secret, and the form to register one.
 */
import type { Client } from '../../gen/clientauth/v1/client.js';
import type { FormError } from '../pages/form.js';
import { ConsoleLayout } from './console-layout.js';
import { DataTable } from './data-table.js';
import { Button, ErrorSummary, PostForm, TextField } from './form.js';
import type { PageFrame } from './page-frame.js';

export const SERVICES_PATH = '/admin/services';

export interface ConsoleServicesViewProps {
  frame: PageFrame;
  adminEmail: string;
  services: readonly Client[];
  /** The next page's address; none on the last page. */
  nextPage?: string | undefined;
  /** What the register form had when it was refused. */
  typed?: { name: string; email: string; groups: string };
  errors?: readonly FormError[];
}

export function ConsoleServicesView({
  frame,
  adminEmail,
  services,
  nextPage,
  typed = { name: '', email: '', groups: '' },
  errors = [],
}: ConsoleServicesViewProps) {
  const { locale } = frame;
  const words = locale.t.consoleOps.services;
  const never = locale.t.consoleOps.never;
  return (
    <ConsoleLayout frame={frame} title={locale.t.console.nav.sections.services} current="services" adminEmail={adminEmail} hasErrors={errors.length > 0}>
      <ErrorSummary frame={frame} errors={errors} />
      <p>{words.intro}</p>
      {services.length === 0 ? (
        <p>{words.none}</p>
      ) : (
        <DataTable
          caption={words.listCaption}
          rows={services}
          keyOf={(service) => service.id}
          columns={[
            { label: words.name, rowHeader: true, cell: (service) => service.name },
            { label: words.id, cell: (service) => <code>{service.id}</code> },
            { label: words.email, cell: (service) => service.email },
            { label: words.groups, cell: (service) => service.groups.join(', ') },
            { label: words.lastToken, cell: (service) => (service.lastTokenIssueTime ? locale.dateTime(service.lastTokenIssueTime) : never) },
            { label: words.status, cell: (service) => (service.suspended ? words.suspended : words.active) },
            {
              label: locale.t.consoleOidc.column,
              cell: (service) => (
                <a href={`${SERVICES_PATH}/${service.id}/oidc`}>
                  {locale.t.consoleOidc.link}
                  <span class="visually-hidden"> {service.name}</span>
                </a>
              ),
            },
            {
              label: words.resetSecret,
              actions: true,
              cell: (service) => (
                <PostForm action={`${SERVICES_PATH}/${service.id}/reset-secret`}>
                  <Button secondary>
                    {words.resetSecret}
                    <span class="visually-hidden"> {service.name}</span>
                  </Button>
                </PostForm>
              ),
            },
          ]}
        />
      )}
      {nextPage ? (
        <p>
          <a href={nextPage}>{words.more}</a>
        </p>
      ) : null}
      <h2>{words.registerTitle}</h2>
      <PostForm action={SERVICES_PATH}>
        <TextField frame={frame} name="name" label={words.registerName} value={typed.name} errors={errors} spellcheck={false} />
        <TextField
          frame={frame}
          name="email"
          type="email"
          label={words.registerEmail}
          value={typed.email}
          errors={errors}
          autocomplete="off"
          spellcheck={false}
        />
        <TextField
          frame={frame}
          name="groups"
          label={words.registerGroups}
          hint={words.registerGroupsHint}
          value={typed.groups}
          errors={errors}
          spellcheck={false}
        />
        <Button>{words.register}</Button>
      </PostForm>
    </ConsoleLayout>
  );
}
