/**
 * The provider's interactions on the hosted pages. Signing in is the hosted sign-in (with
 * its second step and passkeys): the interaction sends the browser to /sign-in and back,
 * and the session cookie it then carries tells the provider who signed in, how (amr), and
 * when. prompt=login and max_age ask for a sign-in newer than the interaction itself.
 * Consent is consent.tsx's: first-party clients are granted without a page, any other
 * client asks the person.
 */
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type Provider from 'oidc-provider';
import type { OidcAccounts } from '../../src/domain/oidc/accounts.js';
import type { OidcStore } from '../../src/domain/oidc/ports.js';
import type { CookiePolicy } from '../cookie-policy.js';
import { HttpError } from '../middleware/http-error.js';
import type { PageRenderer } from '../pages/page-renderer.js';
import { accessTokenOf } from '../pages/signed-in.js';
import { askConsent, type ConsentDependencies, consentRoutes } from './consent.js';
import type { InteractionOrigins } from './interaction-origins.js';
import { ACR_ONE_FACTOR, ACR_TWO_FACTORS, INTERACTION_PATH } from './provider-paths.js';

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
  provider(ctx: Context): Promise<Provider>;
  accounts: OidcAccounts;
  store: OidcStore;
  cookies: CookiePolicy;
  renderer: PageRenderer | null;
  origins: InteractionOrigins;
  bodyLimitBytes: number;
  crossSiteGuard: Middleware;
}

/** The interaction this browser is in, by its cookie; a 404 saying so when it has none (expired, or another browser's). */
async function detailsOf(ctx: Context, provider: Provider) {
  return provider.interactionDetails(ctx.req, ctx.res).catch(async (error: unknown) => {
    // Imported here, not at the top: oidc-provider loads with the provider (provider-mount.ts), which gave this error.
    const { errors } = await import('oidc-provider');
    if (error instanceof errors.SessionNotFound)
      throw new HttpError('NOT_FOUND', 'this sign-in has expired or began in another browser; start again from the app');
    throw error;
  });
}

export function interactionRoutes(router: Router, deps: InteractionDependencies): void {
  const consent: ConsentDependencies = { ...deps, details: detailsOf };
  consentRoutes(router, consent);
  router.get(`${INTERACTION_PATH}/:uid`, async (ctx) => {
    const provider = await deps.provider(ctx);
    const interaction = await detailsOf(ctx, provider);
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
      const login = {
        accountId: signIn.accountId,
        amr: signIn.amr,
        acr: signIn.amr.some((method) => SECOND_FACTORS.has(method)) ? ACR_TWO_FACTORS : ACR_ONE_FACTOR,
        ts: Math.floor(signIn.authTime.getTime() / 1000),
      };
      ctx.status = 303;
      ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, { login }, { mergeWithLastSubmission: false }));
      return;
    }
    await askConsent(ctx, consent, provider, interaction);
  });
}
