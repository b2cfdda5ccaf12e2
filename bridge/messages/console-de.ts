/** Die Wörter der Grundlage der Admin-Konsole auf Deutsch; Schlüssel und Typ sind die von console-en.ts. */
import type { consoleEn } from './console-en.js';

export const consoleDe: typeof consoleEn = {
  name: 'Admin-Konsole',
  nav: {
    label: 'Admin-Konsole',
    sections: {
      overview: 'Übersicht',
      clients: 'Clients',
      services: 'Dienst-Clients',
      audit: 'Audit-Protokoll',
      signingKeys: 'Signaturschlüssel',
      deletionRequests: 'Löschanfragen',
    },
  },
  signedInAs: (email: string) => `Angemeldet als ${email}`,
  overviewIntro: 'Finden Sie einen Client, handeln Sie, und sehen Sie, was geschah. Jede Änderung braucht eine frische Anmeldung und steht im Audit-Protokoll.',
  toAccount: 'Ihr Konto',
  reauth: {
    title: 'Bestätigen Sie, dass Sie es sind',
    intro: (minutes: string) =>
      `Änderungen in der Admin-Konsole brauchen eine Anmeldung in den letzten ${minutes}. Geben Sie Ihr Passwort ein, um fortzufahren: Was Sie angefordert haben, wird gleich danach ausgeführt, ohne erneute Eingabe.`,
    password: 'Ihr Passwort',
    passwordMissing: 'Geben Sie Ihr Passwort ein',
    code: 'Code aus Ihrer Authenticator-App oder ein Wiederherstellungscode',
    codeHint: 'Ihr Konto hat die Anmeldung in zwei Schritten, also braucht es auch den zweiten Schritt.',
    codeMissing: 'Geben Sie den Code aus Ihrer Authenticator-App oder einen Ihrer Wiederherstellungscodes ein',
    submit: 'Bestätigen und fortfahren',
    cancel: 'Abbrechen',
  },
  reasons: {
    PERMISSION_DENIED: 'Diese Seite ist nur für Administratoren. Fragen Sie einen Administrator, wenn Sie sie brauchen.',
    CLIENT_NOT_FOUND: 'Diesen Client gibt es nicht. Vielleicht wurde er gelöscht.',
    NOT_A_SERVICE: 'Das ist eine Person, kein Dienst-Client.',
    INVALID_PAGE_TOKEN: 'Diese Seite der Liste gibt es nicht mehr. Beginnen Sie mit der ersten Seite.',
  },
};
