/** Die Wörter der Seiten des OpenID Providers auf Deutsch; Schlüssel und Typ sind die von oidc-pages-en.ts. */
import type { oidcPagesEn } from './oidc-pages-en.js';

export const oidcPagesDe: typeof oidcPagesEn = {
  consent: {
    title: (app) => `${app} Zugriff auf Ihr Konto erlauben?`,
    intro: (app) => `${app} möchte Sie mit Ihrem Konto hier anmelden und Folgendes erhalten:`,
    notice: 'Sie können das jederzeit zurücknehmen, indem Sie sich auf Ihrer Kontoseite überall abmelden.',
    allow: 'Erlauben',
    deny: 'Ablehnen',
    scopes: {
      openid: 'wer Sie sind: eine Kennung Ihres Kontos, die gleich bleibt',
      profile: 'Ihren Namen',
      email: 'Ihre E-Mail-Adresse und ob sie bestätigt ist',
      groups: 'die Gruppen, zu denen Sie gehören',
      offline_access: 'Zugriff, während Sie nicht da sind, bis Sie sich abmelden oder ihn zurücknehmen',
    },
  },
  logout: {
    title: 'Abmelden?',
    question: (app) => (app === null ? 'Möchten Sie sich von diesem Dienst abmelden?' : `Möchten Sie sich von diesem Dienst und von ${app} abmelden?`),
    yes: 'Ja, abmelden',
    no: 'Nein, angemeldet bleiben',
  },
  signedOut: {
    title: 'Sie sind abgemeldet',
    body: (app) => (app === null ? 'Sie haben sich abgemeldet.' : `Sie haben sich von ${app} abgemeldet.`),
    toSignIn: 'Wieder anmelden',
  },
  error: {
    title: 'Diese Anmeldung kann nicht fortgesetzt werden',
    intro:
      'Die Anwendung hat eine Anfrage gesendet, die dieser Dienst nicht beantworten kann. Gehen Sie zurück zur Anwendung und beginnen Sie neu; wenn es wieder passiert, sagen Sie es den Betreibern der Anwendung.',
    code: (code) => `Fehlercode: ${code}`,
  },
};
