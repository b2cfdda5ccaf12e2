/**
 * The words of the console's OpenID Connect page of a service client (SetOidcClient) in
 * English. Reached through `t.consoleOidc` (en.ts). Scopes and grant types are named as the
 * protocol names them: they are what an app's configuration asks for.
 */
export const consoleOidcEn = {
  title: (name: string) => `OpenID Connect: ${name}`,
  intro: 'How this service client signs people in to an app through the OpenID Provider. The service checks every value when you save.',
  notRegistered: 'Not registered yet: this service client uses client credentials only.',
  updated: (when: string) => `Last saved ${when}.`,
  saved: 'The settings are saved.',
  column: 'OpenID Connect',
  link: 'Settings',
  redirectUris: 'Redirect URIs',
  redirectUrisHint: 'One a line, exactly as the app sends it: https, or http on 127.0.0.1, [::1] or localhost. No wildcard, no fragment.',
  postLogoutUris: 'Post-logout redirect URIs (optional)',
  postLogoutUrisHint: 'One a line, with the same rules.',
  clientType: 'Client type',
  confidential: 'Confidential: a server-side app that keeps the client secret',
  public: 'Public: a single-page or native app, with PKCE and no secret',
  firstPartyTitle: 'Consent',
  firstParty: 'First-party: an app of your own, which skips the consent page',
  scopes: 'Scopes it may ask for',
  grantTypes: 'Grant types it may use',
  save: 'Save',
  back: 'Back to the service clients',
};
