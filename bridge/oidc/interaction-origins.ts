/**
 * The origins a page of an OpenID Provider interaction may send its form's post on to.
 * Chromium holds every redirect after a form's post to the posting page's form-action,
 * and a sign-in or consent in an interaction ends, through the provider, at the client's
 * redirect URI: so those pages allow the registered redirect origins of that interaction's
 * client, and only its (docs/oidc.md#which-origins-a-sign-in-can-return-to).
 */
import type { OidcStore } from '../../src/domain/oidc/ports.js';
import type { OidcServiceClients } from '../../src/domain/oidc/service-clients.js';
import { INTERACTION_PATH } from './provider-paths.js';

/** The provider's model of an interaction in the store; its id is the interaction's uid. */
const INTERACTION_MODEL = 'Interaction';
/** An interaction's page, as a sign-in's return_to names it: the uid alone, nothing after. */
const INTERACTION_RETURN = new RegExp(`^${INTERACTION_PATH}/([A-Za-z0-9_-]{1,64})$`);

/** The origins of URLs, each once, in the order given; what does not parse is left out. */
export function originsOf(urls: readonly string[]): string[] {
  return [...new Set(urls.filter((url) => URL.canParse(url)).map((url) => new URL(url).origin))];
}

export interface InteractionOrigins {
  /** The redirect origins of the client of the interaction `returnTo` names (a sign-in's return_to); none for any other value. */
  ofReturn(returnTo: string | undefined): Promise<string[]>;
  /** The redirect origins of the client of interaction `uid`; none when there is no such interaction. */
  ofInteraction(uid: string): Promise<string[]>;
}

export function interactionOrigins(deps: { store: OidcStore; serviceClients: Pick<OidcServiceClients, 'find'> }): InteractionOrigins {
  const settingsOf = async (clientId: unknown) => {
    if (typeof clientId !== 'string' || clientId === '') return null;
    const client = await deps.serviceClients.find(clientId);
    return client === null || client.suspended ? null : client.settings;
  };
  const ofInteraction = async (uid: string) => {
    const interaction = await deps.store.find(INTERACTION_MODEL, uid, new Date());
    const params = interaction?.payload['params'] as Record<string, unknown> | undefined;
    return originsOf((await settingsOf(params?.['client_id']))?.redirectUris ?? []);
  };
  return {
    ofInteraction,
    ofReturn: async (returnTo) => {
      const uid = returnTo === undefined ? undefined : INTERACTION_RETURN.exec(returnTo)?.[1];
      return uid === undefined ? [] : ofInteraction(uid);
    },
  };
}
