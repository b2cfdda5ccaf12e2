/** Steps password reset and email verification share: switching off, limiting requests, issuing tokens. */
import { describeError } from '../kernel/error-text.js';
import { domainError, UnavailableError } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import { RetryLaterError } from '../kernel/retry-later.js';
import { hashSecret, newSecret } from '../kernel/secrets.js';
import type { Recovery, TokenPurpose } from './ports.js';

/** The recovery ports when the feature is on, or FEATURE_DISABLED. */
export function requireFeature(recovery: Recovery | undefined, feature: 'passwordReset' | 'emailVerification'): Recovery {
  if (!recovery?.settings[feature]) throw domainError('FEATURE_DISABLED');
  return recovery;
}

/**
 * Counts one request on each key and refuses it with TOO_MANY_ATTEMPTS when any key is
 * past the limit. Every key is counted whatever happens next, known email or not, so the
 * refusal says nothing about an account. A limiter that cannot be reached lets the
 * request through, with a warning: recovery must not stop because Redis did.
 */
export async function limitRequests(recovery: Recovery, log: Logger, keys: { key: string; perIp?: boolean }[]): Promise<void> {
  const { max, maxPerIp, windowSeconds } = recovery.settings.requestLimit;
  let over: boolean[];
  try {
    over = await Promise.all(keys.map(async ({ key, perIp }) => (await recovery.limiter.hit(key)) > (perIp ? maxPerIp : max)));
  } catch (error) {
    if (!(error instanceof UnavailableError)) throw error;
    log.warn({ err: describeError(error) }, 'request limiter unavailable; recovery requests go unlimited meanwhile');
    return;
  }
  if (over.includes(true)) {
    const minutes = Math.ceil(windowSeconds / 60);
    // The counters say how many, not since when: the whole window is the honest retry-after.
    throw new RetryLaterError('TOO_MANY_ATTEMPTS', `too many requests; wait up to ${minutes} minute${minutes === 1 ? '' : 's'} and try again`, windowSeconds);
  }
}

/** A new one-time token for `clientId`: the value goes into an email, only its hash is stored. */
export async function issueOneTimeToken(recovery: Recovery, clientId: string, purpose: TokenPurpose, ttlSeconds: number, now: number): Promise<string> {
  const token = newSecret();
  await recovery.tokens.add({
    hash: hashSecret(token),
    clientId,
    purpose,
    createdAt: new Date(now),
    expiresAt: new Date(now + ttlSeconds * 1000),
  });
  return token;
}

/** The mail values every template may use. */
export function commonMailValues(recovery: Recovery, email: string): Record<string, string> {
  return { product: recovery.settings.productName, email, publicUrl: recovery.settings.publicUrl };
}
