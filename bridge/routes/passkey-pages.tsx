/**
 * /account/passkeys: the list, and adding, renaming and deleting a passkey. Renaming and
 * deleting (which takes the current password) are forms that post and are answered with a 303; adding is the same form post,
 * filled by passkey-registration.js with the ceremony's token and the browser's credential
 * (the ceremony itself runs through the JSON route /passkeys/register/begin). The passkey a
 * form names travels in a hidden field, so every path here is fixed (PAGE_PATHS).
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { ClientAuthCallOptions } from '../../src/sdk/typed-client.js';
import type { JsonObject } from '../json/request-body.js';
import { type FormError, missingFields, readForm } from '../pages/form.js';
import { expectedFailureOf, failureMessage } from '../pages/page-failure.js';
import { signedInPage } from '../pages/signed-in.js';
import { deletePasswordField, PASSKEYS_PATH, PasskeysView, renameField } from '../views/passkeys-view.js';
import type { PageRouteDependencies } from './page-dependencies.js';

export const PASSKEY_PATHS = [PASSKEYS_PATH, `${PASSKEYS_PATH}/rename`, `${PASSKEYS_PATH}/delete`];

const NOTICES = ['added', 'renamed', 'deleted'] as const;

export function passkeyPages(router: Router, deps: PageRouteDependencies): void {
  const { api, renderer } = deps;

  const show = async (
    ctx: Context,
    call: ClientAuthCallOptions,
    options: { errors?: FormError[]; status?: number; typed?: Record<string, string>; notice?: string } = {},
  ) => {
    const { passkeys } = await api.listPasskeys({}, call);
    const frame = renderer.frame(ctx);
    const view = (
      <PasskeysView
        frame={frame}
        passkeys={passkeys}
        script={renderer.assets.href('passkey-registration.js')}
        errors={options.errors}
        typed={options.typed}
        notice={options.notice}
      />
    );
    renderer.render(ctx, view, { status: options.status ?? 200 });
  };
  const failed = (ctx: Context, error: unknown, field?: string) => {
    const failure = expectedFailureOf(error);
    const message = failureMessage(renderer.frame(ctx).locale, failure);
    return { errors: [field && failure.field === 'name' ? { field, message } : { message }], status: failure.status };
  };

  router.get(
    PASSKEYS_PATH,
    signedInPage(deps, async (ctx, call) => {
      const notice = NOTICES.find((name) => name === ctx.query['notice']);
      await show(ctx, call, { notice: notice && renderer.frame(ctx).locale.t.passkeys[notice] });
    }),
  );

  router.post(
    PASSKEYS_PATH,
    signedInPage(deps, async (ctx, call) => {
      const form = await readForm(ctx, deps.bodyLimitBytes, ['ceremony_token', 'response', 'name']);
      const { t } = renderer.frame(ctx).locale;
      const typed = { name: form.name };
      const missing = missingFields(form, { name: t.passkeys.nameMissing });
      if (missing.length > 0) return show(ctx, call, { errors: missing, status: 400, typed });
      const response = credentialOf(form.response);
      if (form.ceremony_token === '' || response === null) return show(ctx, call, { errors: [{ message: t.passkeys.ceremonyFailed }], status: 400, typed });
      try {
        await api.finishPasskeyRegistration({ ceremonyToken: form.ceremony_token, response, name: form.name.trim() }, call);
      } catch (error) {
        return show(ctx, call, { ...failed(ctx, error, 'name'), typed });
      }
      renderer.redirect(ctx, `${PASSKEYS_PATH}?notice=added`);
    }),
  );

  router.post(
    `${PASSKEYS_PATH}/rename`,
    signedInPage(deps, async (ctx, call) => {
      const form = await readForm(ctx, deps.bodyLimitBytes, ['passkey_id', 'index', 'name']);
      // The row's index names the field, so an error lands beside the right one.
      const field = renameField(Number.parseInt(form.index, 10) || 0);
      const typed = { [field]: form.name };
      if (form.name.trim() === '')
        return show(ctx, call, { errors: [{ field, message: renderer.frame(ctx).locale.t.passkeys.nameMissing }], status: 400, typed });
      try {
        await api.renamePasskey({ passkeyId: form.passkey_id, name: form.name.trim() }, call);
      } catch (error) {
        return show(ctx, call, { ...failed(ctx, error, field), typed });
      }
      renderer.redirect(ctx, `${PASSKEYS_PATH}?notice=renamed`);
    }),
  );

  router.post(
    `${PASSKEYS_PATH}/delete`,
    signedInPage(deps, async (ctx, call) => {
      const form = await readForm(ctx, deps.bodyLimitBytes, ['passkey_id', 'index', 'current_password']);
      // The row's index names the field, so an error lands beside the right one.
      const field = deletePasswordField(Number.parseInt(form.index, 10) || 0);
      const words = renderer.frame(ctx).locale.t.passkeyRemoval;
      if (form.current_password === '') return show(ctx, call, { errors: [{ field, message: words.passwordMissing }], status: 400 });
      try {
        await api.deletePasskey({ passkeyId: form.passkey_id, currentPassword: form.current_password }, call);
      } catch (error) {
        if (expectedFailureOf(error).reason === 'INVALID_CREDENTIALS')
          return show(ctx, call, { errors: [{ field, message: words.passwordWrong }], status: 401 });
        return show(ctx, call, failed(ctx, error));
      }
      renderer.redirect(ctx, `${PASSKEYS_PATH}?notice=deleted`);
    }),
  );
}

/** The browser's credential, as the script put it into the form; null when it is not a JSON object. */
function credentialOf(text: string): JsonObject | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : null;
  } catch {
    return null;
  }
}
