/** Die Wörter des Formulars, das einen Passkey entfernt, auf Deutsch (passkey-removal-en.ts). */
import type { passkeyRemovalEn } from './passkey-removal-en.js';

export const passkeyRemovalDe: typeof passkeyRemovalEn = {
  passwordLabel: (name: string) => `Ihr aktuelles Passwort, um ${name} zu löschen`,
  passwordMissing: 'Geben Sie Ihr aktuelles Passwort ein, um einen Passkey zu löschen',
  passwordWrong: 'Ihr aktuelles Passwort ist nicht richtig',
};
