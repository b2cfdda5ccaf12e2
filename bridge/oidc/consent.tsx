/**
 * The consent interaction of the OpenID Provider on the hosted pages. A client that is not
 * first-party asks the person once: Allow records what it asked for in the provider's grant
 * (scopes, claims), so the next authorization asking no more skips the page; Deny ends the
 * interaction with access_denied at the client's redirect URI. prompt=consent asks again,
 * and a grant that was revoked (our logout, suspension, the provider's revocation) is gone
 * from the store, so its client asks again too. First-party clients are never asked.
 */
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import { readForm } from '../pages/form.js';
import type { PageRenderer } from '../pages/page-renderer.js';
import { ConsentView } from '../views/consent-view.js';
import type { InteractionOrigins } from './interaction-origins.js';
import { FIRST_PARTY_FIELD, INTERACTION_PATH } from './provider-paths.js';

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

export interface ConsentDependencies {
  /** The hosted pages' renderer; null when the pages are off (UI_ENABLED=false): no page can ask, so consent is refused. */
  renderer: PageRenderer | null;
  origins: InteractionOrigins;
  bodyLimitBytes: number;
  /** The bridge's cross-site guard: the decision is a form's post, refused from another site. */
  crossSiteGuard: Middleware;
  provider(ctx: Context): Promise<Provider>;
  details(ctx: Context, provider: Provider): Promise<Interaction>;
}

/** The path the consent page posts its decision to. */
export function consentPath(uid: string): string {
  return `${INTERACTION_PATH}/${uid}/consent`;
}

/**
 * The grant with what the interaction found missing added: the scopes and claims the
 * client asked for and may ask for (the provider has already dropped any others).
 */
async function grantFor(provider: Provider, interaction: Interaction): Promise<string> {
  const accountId = interaction.session?.accountId;
  const clientId = interaction.params['client_id'];
  if (accountId === undefined || typeof clientId !== 'string') throw new Error('a consent interaction without a signed-in account or a client');
  const existing = interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined;
  const grant = existing ?? new provider.Grant({ accountId, clientId });
  const details = interaction.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
  return grant.save();
}

async function finish(ctx: Context, provider: Provider, result: InteractionResults): Promise<void> {
  ctx.status = 303;
  ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: true }));
}

/** Answers an interaction whose prompt is consent: granted at once for a first-party client, else the consent page. */
export async function askConsent(ctx: Context, deps: ConsentDependencies, provider: Provider, interaction: Interaction): Promise<void> {
  const client = await provider.Client.find(String(interaction.params['client_id']));
  if (client === undefined) throw new Error('the interaction names a client the provider no longer has');
  if (client.metadata()[FIRST_PARTY_FIELD] === true) return finish(ctx, provider, { consent: { grantId: await grantFor(provider, interaction) } });
  if (deps.renderer === null) {
    return finish(ctx, provider, { error: 'access_denied', error_description: 'this client needs consent, and the hosted pages are off (UI_ENABLED)' });
  }
  const frame = deps.renderer.frame(ctx);
  const scopes = String(interaction.params['scope'] ?? '').split(' ');
  const view = <ConsentView frame={frame} app={client.clientName ?? client.clientId} scopes={scopes} action={consentPath(interaction.uid)} />;
  deps.renderer.render(ctx, view, { formOrigins: await deps.origins.ofInteraction(interaction.uid) });
}

export function consentRoutes(router: Router, deps: ConsentDependencies): void {
  router.post(`${INTERACTION_PATH}/:uid/consent`, deps.crossSiteGuard, async (ctx) => {
    const provider = await deps.provider(ctx);
    const interaction = await deps.details(ctx, provider);
    const form = await readForm(ctx, deps.bodyLimitBytes, ['decision']);
    // A decision for an interaction that asks for none (a stale tab): back to where the interaction stands.
    if (interaction.prompt.name !== 'consent' || interaction.uid !== ctx.params['uid']) {
      ctx.status = 303;
      ctx.redirect(`${INTERACTION_PATH}/${interaction.uid}`);
      return;
    }
    if (form.decision === 'allow') return finish(ctx, provider, { consent: { grantId: await grantFor(provider, interaction) } });
    // Anything else is no: only an explicit Allow grants.
    return finish(ctx, provider, { error: 'access_denied', error_description: 'the person did not allow this app to use their account' });
  });
}
