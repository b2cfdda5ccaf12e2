/**
 * The browser routes: each reads its input, makes one gRPC call, and answers with JSON
 * and cookies. No business logic lives here; the service decides, the bridge translates.
 */
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { LoginResponse, RefreshTokenResponse } from '../../gen/clientauth/v1/client_auth.js';
import type { ClientAuthCallOptions, ClientAuthCalls } from '../../src/sdk/typed-client.js';
import { parseBearer } from '../../src/transport/shared/bearer-token.js';
import { CookiePolicy, ORIGINAL_REFRESH_PATH, REFRESH_PATH } from '../cookie-policy.js';
import { auditEventJson } from '../json/audit-json.js';
import { type BodyFields, bodyFields, checkRegistrationGroups, ROUTE_FIELDS } from '../json/body-fields.js';
import { clientJson, deletionRequestJson, timeJson } from '../json/client-json.js';
import { ORIGINAL_MESSAGES, originalUserJson } from '../json/original-json.js';
import { readJsonObject } from '../json/request-body.js';
import { stringField, stringListField, stringMapField } from '../json/request-fields.js';
import { respondJson } from '../json/respond.js';
import type { JsonFieldNames } from '../middleware/error-middleware.js';
import { HttpError } from '../middleware/http-error.js';
import type { UpstreamHealth } from '../upstream-health.js';
import { accountRoutes } from './account-routes.js';
import { callOptionsOf } from './call-options.js';
import { answerWithChallenge, secondFactorRoutes } from './second-factor-routes.js';

export interface RouteDependencies {
  api: ClientAuthCalls;
  health: UpstreamHealth;
  cookies: CookiePolicy;
  callTimeoutMs: number;
  bodyLimitBytes: number;
}

/** The admin routes name the target client `id`; the service calls it client_id. */
const TARGET_ID_FIELD: JsonFieldNames = { client_id: 'id' };

export function bridgeRoutes(deps: RouteDependencies): Router {
  const { api, cookies } = deps;
  // Exact paths only: the cookie paths and the cross-site guard name them exactly.
  const router = new Router({ strict: true, sensitive: true });

  const body = async (ctx: Context, fields: BodyFields) => bodyFields(ctx, await readJsonObject(ctx, deps.bodyLimitBytes), fields);
  const callOptions = (ctx: Context, token?: string): ClientAuthCallOptions => callOptionsOf(ctx, deps.callTimeoutMs, token);
  /** The caller's access token: an Authorization header (non-browser callers) or the cookie. */
  const accessToken = (ctx: Context): string | undefined => {
    const header = ctx.get('Authorization');
    const token = header === '' ? cookies.readAccess(ctx) : parseBearer(header);
    if (header !== '' && token === undefined) throw new HttpError('TOKEN_INVALID', 'the Authorization header must be "Bearer <token>"');
    if (token !== undefined && !CookiePolicy.isTokenShaped(token)) throw new HttpError('TOKEN_INVALID', 'the token is malformed');
    return token;
  };
  const authenticated = (ctx: Context) => callOptions(ctx, accessToken(ctx));
  /**
   * A new or rotated session: the tokens go into cookies only, never into the body.
   * `original` holds what the original's clients read from the same answer.
   */
  const answerWithSession = (ctx: Context, session: LoginResponse | RefreshTokenResponse, original: { message?: string } = {}) => {
    cookies.setSession(
      ctx,
      { value: session.accessToken, expiresAt: session.accessTokenExpireTime },
      { value: session.refreshToken, expiresAt: session.refreshTokenExpireTime },
    );
    respondJson(ctx, {
      ...original,
      client: clientJson(session.client),
      access_token_expire_time: timeJson(session.accessTokenExpireTime),
      refresh_token_expire_time: timeJson(session.refreshTokenExpireTime),
    });
  };

  const registerUser = async (ctx: Context) => {
    const input = await body(ctx, ROUTE_FIELDS.registerUser);
    checkRegistrationGroups(input);
    const { client } = await api.registerUser(
      {
        email: stringField(input, 'email'),
        password: stringField(input, 'password'),
        firstName: stringField(input, 'first_name'),
        lastName: stringField(input, 'last_name'),
        phoneNumber: stringField(input, 'phone_number'),
        attributes: stringMapField(input, 'attributes'),
      },
      callOptions(ctx),
    );
    ctx.status = 201;
    respondJson(ctx, { message: ORIGINAL_MESSAGES.userRegistered, client: clientJson(client) });
  };
  router.post('/register', registerUser);
  router.post('/register-user', registerUser);

  router.post('/register-service', async (ctx) => {
    const input = await body(ctx, ROUTE_FIELDS.registerService);
    const request = { email: stringField(input, 'email'), name: stringField(input, 'name'), groups: stringListField(input, 'groups') };
    const response = await api.registerService(request, authenticated(ctx));
    ctx.status = 201;
    // No `apiToken`, which the original answered: it was a JWT that never expired, and no
    // token is issued here; the service exchanges its secret for one (IssueServiceToken).
    respondJson(ctx, { message: ORIGINAL_MESSAGES.serviceRegistered, client: clientJson(response.client), client_secret: response.clientSecret });
  });

  router.post('/login', async (ctx) => {
    const input = await body(ctx, ROUTE_FIELDS.login);
    const session = await api.login({ email: stringField(input, 'email'), password: stringField(input, 'password') }, callOptions(ctx));
    if (session.secondFactorChallenge) answerWithChallenge(ctx, session.secondFactorChallenge);
    else answerWithSession(ctx, session, { message: ORIGINAL_MESSAGES.loggedIn });
  });

  const refresh = async (ctx: Context) => {
    const refreshToken = cookies.readRefresh(ctx);
    if (refreshToken === undefined) throw new HttpError('TOKEN_MISSING', 'no refresh cookie; log in again');
    if (!CookiePolicy.isTokenShaped(refreshToken)) {
      cookies.clearSession(ctx);
      throw new HttpError('TOKEN_INVALID', 'the refresh cookie is malformed; log in again');
    }
    try {
      answerWithSession(ctx, await api.refreshToken({ refreshToken }, callOptions(ctx)));
    } catch (error) {
      // A refresh token the service refused (reused, revoked, expired) will never work
      // again: drop the cookies so the page sees a logged-out state, not a loop of 401s.
      if (isGrpcStatus(error, GrpcStatus.UNAUTHENTICATED)) cookies.clearSession(ctx);
      throw error;
    }
  };
  router.get(REFRESH_PATH, refresh);
  router.post(REFRESH_PATH, refresh);
  // The original service's refresh route; the refresh cookie is set for this path too.
  router.get(ORIGINAL_REFRESH_PATH, refresh);
  router.post(ORIGINAL_REFRESH_PATH, refresh);

  router.get('/me', async (ctx) => {
    const { client } = await api.getMe({}, authenticated(ctx));
    respondJson(ctx, { client: clientJson(client), user: originalUserJson(client) });
  });

  router.get('/me/sign-ins', async (ctx) => {
    const pageToken = typeof ctx.query['page_token'] === 'string' ? ctx.query['page_token'] : '';
    const page = await api.listMySignIns({ pageSize: 0, pageToken }, authenticated(ctx));
    respondJson(ctx, { sign_ins: page.signIns.map(auditEventJson), next_page_token: page.nextPageToken });
  });

  router.post('/logout', async (ctx) => {
    // The cookies go whatever happens next: a browser asking to log out must end up
    // logged out, even when the session is already gone or the service cannot be reached.
    cookies.clearSession(ctx);
    let token: string | undefined;
    try {
      token = accessToken(ctx);
    } catch {
      token = undefined;
    }
    if (token !== undefined) {
      try {
        await api.logout({}, callOptions(ctx, token));
      } catch (error) {
        // Expired, invalid or already revoked: there is no session left to end.
        if (!isGrpcStatus(error, GrpcStatus.UNAUTHENTICATED)) throw error;
      }
    }
    ctx.status = 204;
  });

  const deleteCaller = async (ctx: Context) => {
    // Nothing to read, but a body naming another client must not delete the caller unnoticed.
    await body(ctx, ROUTE_FIELDS.none);
    const { deletionRequest } = await api.deleteClient({ clientId: '' }, authenticated(ctx));
    cookies.clearSession(ctx);
    respondJson(ctx, { deletion_request: deletionRequestJson(deletionRequest) });
  };
  router.post('/delete', deleteCaller);
  router.delete('/me', deleteCaller);

  router.post('/suspend', async (ctx) => {
    ctx.state['jsonFieldNames'] = TARGET_ID_FIELD;
    const input = await body(ctx, ROUTE_FIELDS.suspend);
    const request = { clientId: stringField(input, 'id'), reason: stringField(input, 'reason') };
    const { client } = await api.suspendClient(request, authenticated(ctx));
    respondJson(ctx, { client: clientJson(client) });
  });

  router.post('/reinstate', async (ctx) => {
    ctx.state['jsonFieldNames'] = TARGET_ID_FIELD;
    const input = await body(ctx, ROUTE_FIELDS.reinstate);
    const { client } = await api.reinstateClient({ clientId: stringField(input, 'id') }, authenticated(ctx));
    respondJson(ctx, { client: clientJson(client) });
  });

  secondFactorRoutes(router, { api, body, callOptions: (ctx) => callOptions(ctx), authenticated, answerWithSession });
  accountRoutes(router, { api, cookies, body, authenticated });

  router.get('/healthz', async (ctx) => {
    const upstream = await deps.health.check(deps.callTimeoutMs);
    if (upstream === 'SERVING') {
      respondJson(ctx, { status: upstream });
      return;
    }
    ctx.status = 503;
    respondJson(ctx, { message: 'the gRPC upstream is not serving', reason: 'UNAVAILABLE', status: upstream });
  });

  return router;
}

function isGrpcStatus(error: unknown, code: GrpcStatus): boolean {
  return typeof error === 'object' && error !== null && (error as Partial<ServiceError>).code === code;
}
