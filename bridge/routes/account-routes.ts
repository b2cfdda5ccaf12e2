/**
 * The browser routes of a signed-in user's own account: its profile, its sessions (list
 * them, end one, end all the others), and its deletion. Each is one gRPC call; the cross-site guard runs before all of them,
 * and the service decides everything: whose session is whose, what ending one does.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { ClientAuthCallOptions, ClientAuthCalls } from '../../src/sdk/typed-client.js';
import type { CookiePolicy } from '../cookie-policy.js';
import { type BodyFields, ROUTE_FIELDS } from '../json/body-fields.js';
import { clientJson, deletionRequestJson } from '../json/client-json.js';
import type { JsonObject } from '../json/request-body.js';
import { optionalStringField, stringField } from '../json/request-fields.js';
import { respondJson } from '../json/respond.js';
import { sessionJson } from '../json/session-json.js';
import type { JsonFieldNames } from '../middleware/error-middleware.js';

/** What these routes borrow from the main routes: reading bodies, calling as the signed-in user, the cookies. */
export interface AccountRouteHelpers {
  api: ClientAuthCalls;
  cookies: CookiePolicy;
  body(ctx: Context, fields: BodyFields): Promise<JsonObject>;
  authenticated(ctx: Context): ClientAuthCallOptions;
}

/** The session to end is the path's `:id`; the service calls it session_id. */
const SESSION_ID_FIELD: JsonFieldNames = { session_id: 'id' };

export function accountRoutes(router: Router, helpers: AccountRouteHelpers): void {
  const { api, cookies, body, authenticated } = helpers;

  router.patch('/me', async (ctx) => {
    const input = await body(ctx, ROUTE_FIELDS.updateProfile);
    const firstName = optionalStringField(input, 'first_name');
    const lastName = optionalStringField(input, 'last_name');
    const request = { ...(firstName === undefined ? {} : { firstName }), ...(lastName === undefined ? {} : { lastName }) };
    const { client } = await api.updateMyProfile(request, authenticated(ctx));
    respondJson(ctx, { client: clientJson(client) });
  });

  router.get('/me/sessions', async (ctx) => {
    const { sessions } = await api.listMySessions({}, authenticated(ctx));
    respondJson(ctx, { sessions: sessions.map(sessionJson) });
  });

  router.delete('/me/sessions/:id', async (ctx) => {
    ctx.state['jsonFieldNames'] = SESSION_ID_FIELD;
    const { current } = await api.endMySession({ sessionId: ctx.params['id'] ?? '' }, authenticated(ctx));
    // The browser's own session has ended: its cookies are dead weight, as after /logout.
    if (current) cookies.clearSession(ctx);
    ctx.status = 204;
  });

  router.post('/me/sessions/end-others', async (ctx) => {
    await body(ctx, ROUTE_FIELDS.none);
    const { endedSessionCount } = await api.endMyOtherSessions({}, authenticated(ctx));
    respondJson(ctx, { ended_session_count: endedSessionCount });
  });

  router.post('/me/delete', async (ctx) => {
    const input = await body(ctx, ROUTE_FIELDS.deleteMyAccount);
    const { deletionRequest } = await api.deleteMyAccount({ password: stringField(input, 'password') }, authenticated(ctx));
    cookies.clearSession(ctx);
    respondJson(ctx, { deletion_request: deletionRequestJson(deletionRequest) });
  });
}
