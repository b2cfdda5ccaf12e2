/**
 * EstimatePasswordStrength: what the service would say of a password before anyone sets
 * it, for a live hint on the pages that set one. It applies the very rules RegisterUser
 * applies, in the same order (length, the common-password list, the minimum strength),
 * so a password it calls acceptable is not refused for its strength, and one it refuses is
 * refused with the same reason and advice. The server still decides when the password is set.
 */
import { DomainError, invalidArgument } from '../kernel/errors.js';
import * as v from '../kernel/validation.js';
import type { AttemptLimits, PasswordBlocklist, StrengthRule } from './ports.js';

export interface StrengthEstimateDeps {
  limits: AttemptLimits;
  blocklist: PasswordBlocklist;
  strength: StrengthRule;
}

/** The reasons a new password is refused with, by the rule that refuses it. */
export type PasswordRefusal = 'INVALID_ARGUMENT' | 'PASSWORD_TOO_COMMON' | 'PASSWORD_TOO_WEAK';

export interface PasswordVerdict {
  /** The estimator's score, 0 to 4; 0 when the minimum is 0 and the estimator is off. */
  score: number;
  /** Whether RegisterUser would take the password (for these account words). */
  acceptable: boolean;
  /** The reason RegisterUser would refuse it with; '' when acceptable. */
  reason: PasswordRefusal | '';
  /** The estimator's warning, as a PASSWORD_TOO_WEAK refusal gives it; '' when none. */
  warning: string;
  /** The estimator's suggestions, as a PASSWORD_TOO_WEAK refusal gives them. */
  suggestions: string[];
}

const EMAIL_MAX = 254;

export class StrengthEstimates {
  constructor(private readonly deps: StrengthEstimateDeps) {}

  /**
   * The verdict on `password` for the account words given (all optional: a page may not
   * have them yet). INVALID_ARGUMENT for an empty password or input beyond the bounds a
   * registration takes (checked before anything is counted or estimated); RESOURCE_EXHAUSTED
   * / TOO_MANY_ATTEMPTS past the per-source limit, checked before the estimator is asked.
   */
  async estimatePasswordStrength(input: {
    password: string;
    email?: string;
    firstName?: string;
    lastName?: string;
    source?: string;
  }): Promise<PasswordVerdict> {
    const { password } = input;
    if (password === '') throw invalidArgument('password', 'password is required');
    if (Buffer.byteLength(password, 'utf8') > v.PASSWORD_MAX_BYTES) {
      throw invalidArgument('password', `password must be at most ${v.PASSWORD_MAX_BYTES} bytes of UTF-8`);
    }
    const account = {
      email: typedEmail(input.email ?? ''),
      firstName: v.personName('first_name', input.firstName ?? ''),
      lastName: v.personName('last_name', input.lastName ?? ''),
    };
    await this.deps.limits.beginStrengthEstimate(input.source ?? '');
    const refusal = refusalOf(() => {
      v.checkPassword('password', password);
      this.deps.blocklist.check('password', password, account.email);
    });
    const judged = await this.deps.strength.judge(password, account);
    const reason = refusal ?? (judged && !judged.strongEnough ? 'PASSWORD_TOO_WEAK' : '');
    return {
      score: judged?.estimate.score ?? 0,
      acceptable: reason === '',
      reason,
      warning: judged?.estimate.warning ?? '',
      suggestions: [...(judged?.estimate.suggestions ?? [])],
    };
  }
}

/**
 * The email as registration keys it when it is an address already, else as typed so far
 * (folded the same way): its words count while the person is still typing it.
 */
function typedEmail(value: string): string {
  if (value.length > EMAIL_MAX) throw invalidArgument('email', `email is longer than ${EMAIL_MAX} characters`);
  try {
    return v.normalizeEmail('email', value);
  } catch {
    return value.normalize('NFKC').trim().toLowerCase();
  }
}

/** The reason a synchronous rule refuses with, or null when it lets the password through. */
function refusalOf(rules: () => void): PasswordRefusal | null {
  try {
    rules();
    return null;
  } catch (error) {
    if (error instanceof DomainError && (error.reason === 'INVALID_ARGUMENT' || error.reason === 'PASSWORD_TOO_COMMON')) return error.reason;
    throw error;
  }
}
