import type { ClientAuthServer } from '../../../gen/clientauth/v1/client_auth.js';
import type { OidcClient } from '../../../gen/clientauth/v1/oidc_clients.js';
import type { Principal } from '../../domain/kernel/client.js';
import type { OidcClientRegistrations } from '../../domain/oidc/client-registration.js';
import type { OidcClientSettings, OidcGrantType, OidcScope } from '../../domain/oidc/ports.js';
import { type CallContext, type UnaryOptions, unary } from './unary.js';

/** GetOidcClient and SetOidcClient: decode, call the registration use case, encode. */
export function oidcHandlers(
  registrations: OidcClientRegistrations,
  caller: (context: CallContext) => Promise<Principal>,
  options: UnaryOptions,
): Pick<ClientAuthServer, 'setOidcClient' | 'getOidcClient'> {
  return {
    getOidcClient: unary(
      'GetOidcClient',
      async (request, context) => {
        const settings = await registrations.getOidcClient(await caller(context), request.clientId);
        return { oidcClient: settings === null ? undefined : oidcClientToProto(settings) };
      },
      options,
    ),
    setOidcClient: unary(
      'SetOidcClient',
      async (request, context) => {
        const settings = await registrations.setOidcClient(
          await caller(context),
          {
            clientId: request.clientId,
            redirectUris: request.redirectUris,
            postLogoutRedirectUris: request.postLogoutRedirectUris,
            publicClient: request.publicClient,
            firstParty: request.firstParty,
            // The use case refuses any value outside these, naming the field.
            scopes: request.scopes as OidcScope[],
            grantTypes: request.grantTypes as OidcGrantType[],
          },
          context.request,
        );
        return { oidcClient: oidcClientToProto(settings) };
      },
      options,
    ),
  };
}

function oidcClientToProto(settings: OidcClientSettings): OidcClient {
  return {
    clientId: settings.clientId,
    redirectUris: settings.redirectUris,
    postLogoutRedirectUris: settings.postLogoutRedirectUris,
    publicClient: settings.publicClient,
    firstParty: settings.firstParty,
    scopes: settings.scopes,
    grantTypes: settings.grantTypes,
    updateTime: settings.updatedAt,
  };
}
