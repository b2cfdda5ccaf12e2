/**
 * The browser routes of second factors: TOTP enrolment (with its QR code), the second
 * step of a login, passkey ceremonies in the JSON @simplewebauthn/browser takes and gives,
 * and the admins' reset. Each is one gRPC call; the cross-site guard runs before all of them.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { type CompleteLoginResponse, type LoginChallenge, type Passkey, SecondFactorKind } from '../../gen/clientauth/v1/second_factor.js';
import type { ClientAuthCallOptions, ClientAuthCalls } from '../../src/sdk/typed-client.js';
import { type BodyFields, ROUTE_FIELDS } from '../json/body-fields.js';
import { clientJson, timeJson } from '../json/client-json.js';
import type { JsonObject } from '../json/request-body.js';
import { stringField } from '../json/request-fields.js';
import { respondJson } from '../json/respond.js';
import type { JsonFieldNames } from '../middleware/error-middleware.js';
import { invalidField } from '../middleware/http-error.js';

/** What these routes borrow from the main routes: reading bodies, calling, and answering with a session. */
export interface SecondFactorRouteHelpers {
  api: ClientAuthCalls;
  body(ctx: Context, fields: BodyFields): Promise<JsonObject>;
  callOptions(ctx: Context): ClientAuthCallOptions;
  authenticated(ctx: Context): ClientAuthCallOptions;
  answerWithSession(ctx: Context, session: CompleteLoginResponse): void;
}

export const FACTOR_NAMES: Partial<Record<SecondFactorKind, string>> = {
  [SecondFactorKind.SECOND_FACTOR_KIND_TOTP]: 'totp',
  [SecondFactorKind.SECOND_FACTOR_KIND_RECOVERY_CODE]: 'recovery_code',
  [SecondFactorKind.SECOND_FACTOR_KIND_PASSKEY]: 'passkey',
};

/** The passkey assertion of CompleteLogin arrives as `passkey: { ceremony_token, response }`. */
const PASSKEY_FIELDS: JsonFieldNames = { ceremony_token: 'passkey.ceremony_token', response: 'passkey.response' };
const TARGET_ID_FIELD: JsonFieldNames = { client_id: 'id' };
/** The passkey of PATCH /passkeys/:id is the path's `:id`; the service calls it passkey_id. */
const PASSKEY_ID_FIELD: JsonFieldNames = { passkey_id: 'id' };

/**
 * A correct password of a user with a second factor: no cookies yet, but 401 MFA_REQUIRED
 * with the challenge, so a front end that knows nothing of second factors fails safe.
 */
export function answerWithChallenge(ctx: Context, challenge: LoginChallenge): void {
  ctx.status = 401;
  respondJson(ctx, {
    message: 'a second factor is required: POST /login/complete with the challenge and one of the factors',
    reason: 'MFA_REQUIRED',
    challenge_token: challenge.challengeToken,
    challenge_expire_time: timeJson(challenge.expireTime),
    factors: challenge.factors.map((kind) => FACTOR_NAMES[kind]).filter((name) => name !== undefined),
  });
}

export function secondFactorRoutes(router: Router, helpers: SecondFactorRouteHelpers): void {
  const { api, body, callOptions, authenticated, answerWithSession } = helpers;
  const ceremonyJson = (ceremony: { options: unknown; ceremonyToken: string; expireTime: Date | undefined }) => ({
    options: ceremony.options,
    ceremony_token: ceremony.ceremonyToken,
    expire_time: timeJson(ceremony.expireTime),
  });

  router.post('/login/complete', async (ctx) => {
    ctx.state['jsonFieldNames'] = PASSKEY_FIELDS;
    const input = await body(ctx, ROUTE_FIELDS.completeLogin);
    const passkey = input['passkey'] === undefined || input['passkey'] === null ? undefined : objectField(input, 'passkey');
    const session = await api.completeLogin(
      {
        challengeToken: stringField(input, 'challenge_token'),
        totpCode: stringField(input, 'totp_code'),
        recoveryCode: stringField(input, 'recovery_code'),
        passkey: passkey && { ceremonyToken: stringField(passkey, 'ceremony_token'), response: objectField(passkey, 'response') },
      },
      callOptions(ctx),
    );
    answerWithSession(ctx, session);
  });

  router.post('/totp/begin', async (ctx) => {
    const { secret, otpauthUri } = await api.beginTotpEnrollment({}, authenticated(ctx));
    // Loaded at the first enrolment: most starts never draw a QR code.
    const { default: QRCode } = await import('qrcode');
    const svg = await QRCode.toString(otpauthUri, { type: 'svg', margin: 2 });
    respondJson(ctx, { secret, otpauth_uri: otpauthUri, qr_code: `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}` });
  });

  router.post('/totp/confirm', async (ctx) => {
    const input = await body(ctx, ROUTE_FIELDS.totpCode);
    const { recoveryCodes } = await api.confirmTotpEnrollment({ code: stringField(input, 'code') }, authenticated(ctx));
    respondJson(ctx, { recovery_codes: recoveryCodes });
  });

  router.post('/me/recovery-codes', async (ctx) => {
    const input = await body(ctx, ROUTE_FIELDS.totpCode);
    const { recoveryCodes } = await api.regenerateRecoveryCodes({ code: stringField(input, 'code') }, authenticated(ctx));
    respondJson(ctx, { recovery_codes: recoveryCodes });
  });

  router.post('/totp/disable', async (ctx) => {
    const input = await body(ctx, ROUTE_FIELDS.disableTotp);
    await api.disableTotp({ code: stringField(input, 'code'), recoveryCode: stringField(input, 'recovery_code') }, authenticated(ctx));
    ctx.status = 204;
  });

  router.post('/passkeys/register/begin', async (ctx) => {
    respondJson(ctx, ceremonyJson(await api.beginPasskeyRegistration({}, authenticated(ctx))));
  });

  router.post('/passkeys/register/finish', async (ctx) => {
    const input = await body(ctx, ROUTE_FIELDS.finishPasskeyRegistration);
    const request = { ceremonyToken: stringField(input, 'ceremony_token'), response: objectField(input, 'response'), name: stringField(input, 'name') };
    const { passkey } = await api.finishPasskeyRegistration(request, authenticated(ctx));
    ctx.status = 201;
    respondJson(ctx, { passkey: passkeyJson(passkey) });
  });

  router.get('/passkeys', async (ctx) => {
    const { passkeys } = await api.listPasskeys({}, authenticated(ctx));
    respondJson(ctx, { passkeys: passkeys.map(passkeyJson) });
  });

  router.patch('/passkeys/:id', async (ctx) => {
    ctx.state['jsonFieldNames'] = PASSKEY_ID_FIELD;
    const input = await body(ctx, ROUTE_FIELDS.renamePasskey);
    const { passkey } = await api.renamePasskey({ passkeyId: ctx.params['id'] ?? '', name: stringField(input, 'name') }, authenticated(ctx));
    respondJson(ctx, { passkey: passkeyJson(passkey) });
  });

  router.delete('/passkeys/:id', async (ctx) => {
    const input = await body(ctx, ROUTE_FIELDS.deletePasskey);
    await api.deletePasskey({ passkeyId: ctx.params['id'] ?? '', currentPassword: stringField(input, 'current_password') }, authenticated(ctx));
    ctx.status = 204;
  });

  router.post('/passkeys/login/begin', async (ctx) => {
    const input = await body(ctx, ROUTE_FIELDS.beginPasskeyLogin);
    respondJson(ctx, ceremonyJson(await api.beginPasskeyLogin({ challengeToken: stringField(input, 'challenge_token') }, callOptions(ctx))));
  });

  router.post('/passkeys/login/finish', async (ctx) => {
    const input = await body(ctx, ROUTE_FIELDS.finishPasskeyLogin);
    const request = { ceremonyToken: stringField(input, 'ceremony_token'), response: objectField(input, 'response') };
    answerWithSession(ctx, await api.finishPasskeyLogin(request, callOptions(ctx)));
  });

  router.post('/reset-second-factor', async (ctx) => {
    ctx.state['jsonFieldNames'] = TARGET_ID_FIELD;
    const input = await body(ctx, ROUTE_FIELDS.resetSecondFactor);
    const { client } = await api.resetSecondFactor({ clientId: stringField(input, 'id') }, authenticated(ctx));
    respondJson(ctx, { client: clientJson(client) });
  });
}

function passkeyJson(passkey: Passkey | undefined) {
  if (!passkey) throw new Error('the service answered without a passkey');
  return {
    id: passkey.id,
    name: passkey.name,
    transports: passkey.transports,
    backed_up: passkey.backedUp,
    create_time: timeJson(passkey.createTime),
    last_use_time: timeJson(passkey.lastUseTime),
  };
}

/** A JSON object field (a WebAuthn response is one); missing reads as empty, which the service refuses. */
function objectField(body: JsonObject, field: string): JsonObject {
  const value = body[field];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidField(field, `${field} must be an object`);
  return value as JsonObject;
}
