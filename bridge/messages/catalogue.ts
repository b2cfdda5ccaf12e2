/**
 * The message catalogue of the hosted pages: the languages shipped, the choice of one by
 * the request's Accept-Language, and the formatting of numbers, waits and dates with Intl
 * in that language. A language is added by one file beside en.ts and one line here.
 */
import { de } from './de.js';
import { en, type Messages } from './en.js';

export const LANGUAGES = { en, de } as const satisfies Record<string, Messages>;
export type Language = keyof typeof LANGUAGES;
const LANGUAGE_TAGS = Object.keys(LANGUAGES) as Language[];
export const DEFAULT_LANGUAGE: Language = 'en';

/** One language's messages and formatters, for one request. */
export interface Locale {
  readonly lang: Language;
  readonly t: Messages;
  /** A wait in whole seconds as words: "45 seconds", "5 Minuten", "2 hours". */
  wait(seconds: number): string;
  /** Day and time, in UTC (the server does not know the reader's zone, and says so). */
  dateTime(date: Date): string;
  /** The day alone, in UTC. */
  date(date: Date): string;
}

const locales = new Map<Language, Locale>();

/** The locale of a language tag we ship. */
export function localeOf(lang: Language): Locale {
  let locale = locales.get(lang);
  if (locale === undefined) {
    locale = makeLocale(lang);
    locales.set(lang, locale);
  }
  return locale;
}

/**
 * The best of our languages for an Accept-Language negotiation: `accepts` is Koa's
 * ctx.acceptsLanguages (quality values, `de-AT` matching `de`); English when nothing matches.
 */
export function negotiateLocale(accepts: (...languages: string[]) => string | false): Locale {
  const chosen = accepts(...LANGUAGE_TAGS);
  return localeOf(chosen !== false && isLanguage(chosen) ? chosen : DEFAULT_LANGUAGE);
}

function isLanguage(value: string): value is Language {
  return Object.hasOwn(LANGUAGES, value);
}

function makeLocale(lang: Language): Locale {
  const unit = (name: 'second' | 'minute' | 'hour') => new Intl.NumberFormat(lang, { style: 'unit', unit: name, unitDisplay: 'long' });
  const seconds = unit('second');
  const minutes = unit('minute');
  const hours = unit('hour');
  const dateTime = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
  const date = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' });
  return {
    lang,
    t: LANGUAGES[lang],
    wait: (total) => {
      const whole = Math.max(1, Math.ceil(total));
      // Rounded up, so the page never promises a retry sooner than the service allows.
      if (whole < 90) return seconds.format(whole);
      if (whole < 90 * 60) return minutes.format(Math.ceil(whole / 60));
      return hours.format(Math.ceil(whole / 3600));
    },
    dateTime: (value) => `${dateTime.format(value)} UTC`,
    date: (value) => date.format(value),
  };
}
