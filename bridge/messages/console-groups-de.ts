/** Die Wörter des Gruppenfilters der Client-Liste der Konsole auf Deutsch; Schlüssel und Typ sind die von console-groups-en.ts. */
import type { consoleGroupsEn } from './console-groups-en.js';

export const consoleGroupsDe: typeof consoleGroupsEn = {
  label: 'Gruppe',
  hint: 'Ein Gruppenname wie admin oder billing; leer für jede Gruppe.',
  invalid: 'Geben Sie einen Gruppennamen ein: Kleinbuchstaben, Ziffern, _ . oder -, beginnend mit einem Buchstaben, höchstens 64 Zeichen',
};
