/**
 * The strength every password that is set must have (NIST SP 800-63B asks for a check
 * against guessable values, not for composition rules): an estimator's score from 0 to 4,
 * judged with the account's own words, at least the configured minimum (PASSWORD_MIN_SCORE).
 * The common-password list is checked before, and separately: it is exact, and cheap.
 */
import { DomainError } from '../kernel/errors.js';
import type { AccountWords, PasswordStrength, StrengthEstimate, StrengthJudgement, StrengthRule } from './ports.js';

export class MinimumStrength implements StrengthRule {
  /** `minScore` 0 lets every password through without asking the estimator. */
  constructor(
    private readonly estimator: PasswordStrength,
    readonly minScore: number,
  ) {}

  async judge(password: string, account: AccountWords): Promise<StrengthJudgement | null> {
    if (this.minScore <= 0) return null;
    const estimate = advice(await this.estimator.estimate(password, accountWords(account)));
    return { estimate, strongEnough: estimate.score >= this.minScore };
  }

  async check(field: string, password: string, account: AccountWords): Promise<void> {
    const judged = await this.judge(password, account);
    if (judged && !judged.strongEnough) throw new DomainError('PASSWORD_TOO_WEAK', refusalText(field, judged.estimate), field);
  }
}

/**
 * The words of an account an attacker tries first: the email, its local part and the
 * pieces of it (`marguerite.yourcenar51` gives `marguerite`, `yourcenar51` and
 * `yourcenar`), the domain's first label, the names.
 */
export function accountWords(account: AccountWords): string[] {
  const email = account.email.toLowerCase();
  const at = email.lastIndexOf('@');
  const localPart = at === -1 ? email : email.slice(0, at);
  const domainLabel = at === -1 ? '' : (email.slice(at + 1).split('.')[0] ?? '');
  const pieces = [...localPart.split(/[^\p{L}\p{N}]+/u), ...localPart.split(/[^\p{L}]+/u)];
  const words = [email, localPart, ...pieces, domainLabel, account.firstName ?? '', account.lastName ?? ''];
  return [...new Set(words.map((word) => word.trim()).filter((word) => word.length >= 3))];
}

/** The estimator's advice as a refusal gives it (and EstimatePasswordStrength answers it): trimmed, blank sentences left out. */
function advice(estimate: StrengthEstimate): StrengthEstimate {
  return {
    score: estimate.score,
    warning: estimate.warning.trim(),
    suggestions: estimate.suggestions.map((sentence) => sentence.trim()).filter((sentence) => sentence !== ''),
  };
}

/** "password is too easy to guess. <warning> <suggestions>": the estimator's sentences, never the password. */
function refusalText(field: string, estimate: StrengthEstimate): string {
  const sentences = [estimate.warning, ...estimate.suggestions].filter((sentence) => sentence !== '');
  return [`${field} is too easy to guess.`, ...sentences].join(' ');
}
