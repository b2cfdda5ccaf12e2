/**
 * The password-strength estimator's advice in a PASSWORD_TOO_WEAK failure, read back from
 * the service's message (its estimator's sentences, in English, after the refusal; see
 * src/domain/abuse/password-strength.ts) so a page can say it in the reader's language. The
 * sentences are found by the catalogue's English words, which are zxcvbn-ts's own; one the
 * catalogue does not know (a later zxcvbn-ts) is left out rather than shown untranslated.
 */
import type { Locale } from '../messages/catalogue.js';
import { strengthAdviceEn } from '../messages/strength-advice-en.js';

type Advice = typeof strengthAdviceEn;
/** One sentence of advice, by zxcvbn-ts's key: `warnings.straightRow`, `suggestions.useWords`. */
export type AdviceKey = { [Kind in keyof Advice]: `${Kind}.${keyof Advice[Kind] & string}` }[keyof Advice];

const KNOWN: readonly (readonly [AdviceKey, string])[] = (Object.keys(strengthAdviceEn) as (keyof Advice)[]).flatMap((kind) =>
  Object.entries(strengthAdviceEn[kind]).map(([key, sentence]) => [`${kind}.${key}` as AdviceKey, sentence] as const),
);

/** The advice the service's message holds, in the order it gives it. */
export function strengthAdviceIn(message: string): AdviceKey[] {
  return KNOWN.map(([key, sentence]) => [key, message.indexOf(sentence)] as const)
    .filter(([, at]) => at !== -1)
    .sort(([, a], [, b]) => a - b)
    .map(([key]) => key);
}

/** One sentence of advice in the locale's language. */
export function adviceSentence(locale: Locale, key: AdviceKey): string {
  const [kind, name] = key.split('.') as [keyof Advice, string];
  return (locale.t.strengthAdvice[kind] as Readonly<Record<string, string>>)[name] ?? '';
}
