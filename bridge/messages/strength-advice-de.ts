/** The password-strength estimator's advice in German (the keys of strength-advice-en.ts). */
import type { strengthAdviceEn } from './strength-advice-en.js';

export const strengthAdviceDe: typeof strengthAdviceEn = {
  warnings: {
    straightRow: 'Gerade Tastenreihen Ihrer Tastatur sind leicht zu erraten.',
    keyPattern: 'Kurze Tastaturmuster sind leicht zu erraten.',
    simpleRepeat: 'Wiederholte Zeichen wie „aaa“ sind leicht zu erraten.',
    extendedRepeat: 'Wiederholte Zeichenmuster wie „abcabcabc“ sind leicht zu erraten.',
    sequences: 'Übliche Zeichenfolgen wie „abc“ sind leicht zu erraten.',
    recentYears: 'Die letzten Jahre sind leicht zu erraten.',
    dates: 'Daten sind leicht zu erraten.',
    topTen: 'Dieses Passwort wird sehr häufig verwendet.',
    topHundred: 'Dieses Passwort wird häufig verwendet.',
    common: 'Dieses Passwort ist weit verbreitet.',
    similarToCommon: 'Dieses Passwort ähnelt einem weit verbreiteten.',
    wordByItself: 'Einzelne Wörter sind leicht zu erraten.',
    namesByThemselves: 'Einzelne Vor- oder Nachnamen sind leicht zu erraten.',
    commonNames: 'Häufige Vor- und Nachnamen sind leicht zu erraten.',
    userInputs: 'Das Passwort sollte keine persönlichen Angaben und keine Angaben zu dieser Seite enthalten.',
    pwned: 'Ihr Passwort wurde bei einem Datenleck im Internet veröffentlicht.',
  },
  suggestions: {
    l33t: 'Vermeiden Sie vorhersehbare Ersetzungen wie „@“ für „a“.',
    reverseWords: 'Vermeiden Sie rückwärts geschriebene gängige Wörter.',
    allUppercase: 'Schreiben Sie einige, aber nicht alle Buchstaben groß.',
    capitalization: 'Schreiben Sie mehr als nur den ersten Buchstaben groß.',
    dates: 'Vermeiden Sie Daten und Jahre, die mit Ihnen zu tun haben.',
    recentYears: 'Vermeiden Sie die letzten Jahre.',
    associatedYears: 'Vermeiden Sie Jahre, die mit Ihnen zu tun haben.',
    sequences: 'Vermeiden Sie übliche Zeichenfolgen.',
    repeated: 'Vermeiden Sie wiederholte Wörter und Zeichen.',
    longerKeyboardPattern: 'Verwenden Sie längere Tastaturmuster und wechseln Sie mehrmals die Tipprichtung.',
    anotherWord: 'Fügen Sie weitere, weniger gebräuchliche Wörter hinzu.',
    useWords: 'Verwenden Sie mehrere Wörter, aber keine gängigen Redewendungen.',
    noNeed: 'Sie können starke Passwörter auch ohne Sonderzeichen, Ziffern oder Großbuchstaben bilden.',
    pwned: 'Wenn Sie dieses Passwort auch anderswo verwenden, sollten Sie es dort ändern.',
  },
};
