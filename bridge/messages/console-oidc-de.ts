/** Die Wörter der OpenID-Connect-Seite eines Dienst-Clients in der Konsole auf Deutsch; Schlüssel und Typ sind die von console-oidc-en.ts. */
import type { consoleOidcEn } from './console-oidc-en.js';

export const consoleOidcDe: typeof consoleOidcEn = {
  title: (name: string) => `OpenID Connect für ${name}`,
  intro: 'Wie dieser Dienst-Client Personen über den OpenID Provider bei einer Anwendung anmeldet. Der Dienst prüft beim Speichern jeden Wert.',
  notRegistered: 'Noch nicht eingerichtet: Dieser Dienst-Client nutzt nur Client Credentials.',
  updated: (when: string) => `Zuletzt gespeichert am ${when}.`,
  saved: 'Die Einstellungen sind gespeichert.',
  column: 'Anmeldung per OpenID Connect',
  link: 'Einstellungen',
  redirectUris: 'Weiterleitungsadressen (Redirect URIs)',
  redirectUrisHint:
    'Eine pro Zeile, genau so, wie die Anwendung sie sendet: https, oder http auf 127.0.0.1, [::1] oder localhost. Kein Platzhalter, kein Fragment.',
  postLogoutUris: 'Adressen nach dem Abmelden (optional)',
  postLogoutUrisHint: 'Eine pro Zeile, nach denselben Regeln.',
  clientType: 'Art des Clients',
  confidential: 'Vertraulich: eine serverseitige Anwendung, die das Client-Geheimnis verwahrt',
  public: 'Öffentlich: eine Single-Page- oder native Anwendung, mit PKCE und ohne Geheimnis',
  firstPartyTitle: 'Einwilligung',
  firstParty: 'Eigene Anwendung: überspringt die Einwilligungsseite',
  scopes: 'Scopes, die sie anfragen darf',
  grantTypes: 'Grant Types, die sie nutzen darf',
  save: 'Speichern',
  back: 'Zurück zu den Dienst-Clients',
};
