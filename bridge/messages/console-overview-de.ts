/** Die Wörter der Übersicht der Admin-Konsole auf Deutsch (die Zahlen von GetAdminOverview). */
import type { consoleOverviewEn } from './console-overview-en.js';

export const consoleOverviewDe: typeof consoleOverviewEn = {
  countedAt: (time: string) => `Gezählt am ${time}.`,
  figuresLabel: 'Der Dienst jetzt',
  users: 'Personen',
  services: 'Dienst-Clients',
  suspended: 'Gesperrt',
  activeSessions: 'Aktive Sitzungen',
  signIns: 'Anmeldungen, letzte 24 Stunden',
  failedSignIns: 'Fehlgeschlagene Anmeldungen, letzte 24 Stunden',
  pendingDeletions: 'Nicht zugestellte Löschanfragen',
  keyTitle: 'Signaturschlüssel',
  keyInUse: 'Zugriffstoken werden signiert mit',
  signingSince: (date: string, age: string) => `signiert seit ${date} (${age})`,
  operatorKey: 'dem Schlüssel des Betreibers aus JWT_PRIVATE_KEY_FILE',
  sharedSecret: 'Zugriffstoken werden mit dem gemeinsamen HS256-Geheimnis (JWT_SECRET_KEY) signiert; es wird kein Schlüssel veröffentlicht.',
  noKey: 'Zurzeit signiert kein Schlüssel.',
};
