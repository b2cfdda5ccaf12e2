/** Die Wörter der Bestätigung mit einem Passkey in der Admin-Konsole auf Deutsch; Schlüssel und Typ sind die von console-reauth-en.ts. */
import type { consoleReauthEn } from './console-reauth-en.js';

export const consoleReauthDe: typeof consoleReauthEn = {
  thenPasskey: 'Ihr Konto bestätigt die Anmeldung mit einem Passkey: Geben Sie Ihr Passwort ein und verwenden Sie dann Ihren Passkey.',
  continue: 'Weiter',
  usePasskey: 'Stattdessen Ihren Passkey verwenden',
  passkeyIntro: 'Ihr Passwort ist richtig. Verwenden Sie jetzt Ihren Passkey: Was Sie angefordert haben, wird gleich danach ausgeführt, ohne erneute Eingabe.',
  passkeyButton: 'Passkey verwenden',
  passkeyFailed: 'Ihr Passkey wurde nicht verwendet. Versuchen Sie es erneut, oder brechen Sie ab.',
  passkeyMissing: 'Verwenden Sie Ihren Passkey, um fortzufahren.',
  passkeyRefused:
    'Dieser Passkey wurde nicht angenommen. Geben Sie Ihr Passwort erneut ein und verwenden Sie einen Passkey, den Sie diesem Konto hinzugefügt haben.',
  noScript:
    'Ein Passkey braucht JavaScript, das in diesem Browser ausgeschaltet ist. Schalten Sie es ein und versuchen Sie es erneut, oder verwenden Sie stattdessen einen Code.',
  noScriptOnly: 'Ein Passkey braucht JavaScript, das in diesem Browser ausgeschaltet ist. Schalten Sie es ein, um mit Ihrem Passkey zu bestätigen.',
  unsupported: 'Dieser Browser kann keine Passkeys verwenden. Verwenden Sie stattdessen einen Code, oder bestätigen Sie mit einem Browser, der es kann.',
  unsupportedOnly: 'Dieser Browser kann keine Passkeys verwenden. Bestätigen Sie mit einem Browser, der es kann.',
  useCode: 'Stattdessen einen Code verwenden',
};
