/**
 * The provider's interactions on the hosted pages. Signing in is the hosted sign-in (with
 * its second step and passkeys): the interaction sends the browser to /sign-in and back,
 * and the session cookie it then carries tells the provider who signed in, how (amr), and
 * when. prompt=login and max_age ask for a sign-in newer than the interaction itself.
 * First-party clients are granted without a consent page (provider-configuration.ts);
 * any other client is refused with access_denied, as consent pages are not served yet.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { errors, type InteractionResults } from 'oidc-provider';
import type { OidcAccounts } from '../../src/domain/oidc/accounts.js';
import type { OidcStore } from '../../src/domain/oidc/ports.js';
import type { CookiePolicy } from '../cookie-policy.js';
import { HttpError } from '../middleware/http-error.js';
import { accessTokenOf } from '../pages/signed-in.js';
import { ACR_ONE_FACTOR, ACR_TWO_FACTORS, INTERACTION_PATH } from './provider-configuration.js';

/** The second factors among a sign-in's methods (RFC 8176). */
const SECOND_FACTORS = new Set(['otp', 'hwk', 'mfa']);

/** The store's model of the moment a forced sign-in was first asked for, per interaction (milliseconds). */
const FORCED_SIGN_IN = 'ForcedSignIn';

/**
 * When this interaction first asked for a new sign-in: kept in the store, to the
 * millisecond (the interaction's own times are in seconds, and a sign-in a moment before
 * it must not count).
 */
async function forcedSince(store: OidcStore, uid: string, exp: number): Promise<number> {
  const known = await store.find(FORCED_SIGN_IN, uid, new Date());
  if (known !== null) return Number(known.payload['at']);
  const at = Date.now();
  const record = { model: FORCED_SIGN_IN, id: uid, payload: { at }, grantId: null, uid: null, userCode: null, accountId: null, consumedAt: null };
  await store.upsert({ ...record, expiresAt: new Date(exp * 1000) });
  return at;
}

export interface InteractionDependencies {
  /** The provider as it is now, its request prepared as PUBLIC_URL's (provider-mount.ts). */
  provider(ctx: Context): Provider;
  accounts: OidcAccounts;
  store: OidcStore;
  cookies: CookiePolicy;
}

export function interactionRoutes(router: Router, deps: InteractionDependencies): void {
  router.get(`${INTERACTION_PATH}/:uid`, async (ctx) => {
    const provider = deps.provider(ctx);
    const interaction = await provider.interactionDetails(ctx.req, ctx.res).catch((error: unknown) => {
      if (error instanceof errors.SessionNotFound)
        throw new HttpError('NOT_FOUND', 'this sign-in has expired or began in another browser; start again from the app');
      throw error;
    });
    let result: InteractionResults;
    if (interaction.prompt.name === 'login') {
      const token = accessTokenOf(ctx, deps);
      const signIn = token === undefined ? null : await deps.accounts.signInOf(token);
      // prompt=login and max_age want a sign-in made for this request: newer than the first visit here.
      const forced = interaction.prompt.reasons.some((reason) => reason === 'login_prompt' || reason === 'max_age');
      const fresh = signIn !== null && (!forced || signIn.authTime.getTime() > (await forcedSince(deps.store, interaction.uid, interaction.exp)));
      if (!fresh) {
        ctx.status = 303;
        ctx.redirect(`/sign-in?return_to=${encodeURIComponent(ctx.path)}`);
        return;
      }
      result = {
        login: {
          accountId: signIn.accountId,
          amr: signIn.amr,
          acr: signIn.amr.some((method) => SECOND_FACTORS.has(method)) ? ACR_TWO_FACTORS : ACR_ONE_FACTOR,
          ts: Math.floor(signIn.authTime.getTime() / 1000),
        },
      };
    } else {
      result = {
        error: 'access_denied',
        error_description: 'this client needs consent, which is not offered; an admin can make it first-party (SetOidcClient)',
      };
    }
    ctx.status = 303;
    ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false }));
  });
}
