/** The abuse-resistance part of `npm run bench`: the login storm's report and the blocklist's cost. */
import { commonPasswordList } from '../../src/adapters/password-lists/common-password-file.js';
import { CommonPasswordBlocklist } from '../../src/domain/abuse/password-blocklist.js';
import type { StormFigures } from './storm-driver.js';

export const STORM = { storm: 200, seconds: 6, userLogins: 10 };
const TARGETS = { validateP99Ratio: 2, refusalMs: 50 };

/** Microseconds per blocklist check, over a mix of listed and unlisted passwords. */
export function measureBlocklist(): { entries: number; microsPerCheck: number; buildMs: number } {
  const started = performance.now();
  // Read from the list the build wrote, as the service reads it at its first check.
  const blocklist = new CommonPasswordBlocklist(() => commonPasswordList());
  const entries = blocklist.size;
  const buildMs = performance.now() - started;
  const rounds = 200_000;
  const checkStarted = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) {
    try {
      blocklist.check('password', i % 2 === 0 ? `rare passphrase ${i}` : 'baseball', 'someone@example.com');
    } catch {
      // a refusal is a result like any other here
    }
  }
  const microsPerCheck = Number(process.hrtime.bigint() - checkStarted) / 1e3 / rounds;
  return { entries, microsPerCheck, buildMs };
}

/** The report's lines for one set-up's storm. */
export function stormReport(name: string, figures: StormFigures): string[] {
  const lines: string[] = [];
  const ratio = figures.stormValidateP99Ms / figures.idleValidateP99Ms;
  const counts = (record: Record<string, number>) =>
    Object.entries(record)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ') || 'none';
  lines.push(
    `  ${name}: ValidateToken p99 idle ${figures.idleValidateP99Ms.toFixed(2)} ms, during the storm ${figures.stormValidateP99Ms.toFixed(2)} ms ` +
      `(x${ratio.toFixed(2)}, target <= ${TARGETS.validateP99Ratio}: ${ratio <= TARGETS.validateP99Ratio ? 'met' : 'NOT met'}), ${figures.validateCalls} calls, failures: ${counts(figures.validateFailures)}`,
  );
  lines.push(`  ${name}: the storm's logins ended: ${counts(figures.storm)}`);
  const refused = figures.userLogins.filter((login) => login.outcome === 'SERVER_BUSY' || login.outcome === 'TOO_MANY_ATTEMPTS');
  const ok = figures.userLogins.filter((login) => login.outcome === 'OK');
  const other = figures.userLogins.filter((login) => !ok.includes(login) && !refused.includes(login));
  const slowRefusals = refused.filter((login) => login.ms > TARGETS.refusalMs);
  const max = (logins: typeof ok) => (logins.length ? Math.max(...logins.map((login) => login.ms)).toFixed(1) : '-');
  lines.push(
    `  ${name}: the real user's ${figures.userLogins.length} logins: ${ok.length} OK (slowest ${max(ok)} ms), ` +
      `${refused.length} refused with RESOURCE_EXHAUSTED (slowest ${max(refused)} ms), ${other.length} otherwise (${other.map((login) => login.outcome).join(', ') || 'none'})`,
  );
  lines.push(
    `  ${name}: target (each login OK, or refused within ${TARGETS.refusalMs} ms; none otherwise): ${slowRefusals.length === 0 && other.length === 0 ? 'met' : 'NOT met'}`,
  );
  return lines;
}
