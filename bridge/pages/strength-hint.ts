/**
 * The live password-strength hint in words: the service's verdict (EstimatePasswordStrength)
 * as the verdict word and the advice a refusal of the same password would show, in the
 * reader's language. The estimator's advice is found and translated as in a refusal
 * (strength-advice.ts); the rules' reasons are worded as the forms word them.
 */
import type { EstimatePasswordStrengthResponse } from '../../gen/clientauth/v1/password_strength.js';
import type { Locale } from '../messages/catalogue.js';
import { adviceSentence, strengthAdviceIn } from './strength-advice.js';

/** What POST /password-strength answers. */
export interface StrengthHint {
  score: number;
  acceptable: boolean;
  /** "Weak" or "Strong enough". */
  verdict: string;
  /** Sentences that say what would make the password acceptable; none when it is. */
  advice: string[];
}

export function strengthHint(locale: Locale, estimate: EstimatePasswordStrengthResponse): StrengthHint {
  const { t } = locale;
  return {
    score: estimate.score,
    acceptable: estimate.acceptable,
    verdict: estimate.acceptable ? t.newPassword.strongEnough : t.newPassword.weak,
    advice: estimate.acceptable ? [] : adviceOf(locale, estimate),
  };
}

function adviceOf(locale: Locale, estimate: EstimatePasswordStrengthResponse): string[] {
  const { t } = locale;
  const estimator = strengthAdviceIn([estimate.warning, ...estimate.suggestions].join(' ')).map((key) => adviceSentence(locale, key));
  switch (estimate.reason) {
    case 'PASSWORD_TOO_COMMON':
      return [t.reasons.PASSWORD_TOO_COMMON];
    case 'PASSWORD_TOO_WEAK':
      return estimator.length > 0 ? estimator : [t.newPassword.addWords];
    default:
      // The length rules (INVALID_ARGUMENT), and a reason of a later service.
      return [`${t.newPassword.invalid}.`, ...estimator];
  }
}
