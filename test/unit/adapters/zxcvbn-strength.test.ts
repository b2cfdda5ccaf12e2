/**
 * The estimator as the service sets it up (the built dictionaries read in place) judges
 * exactly as zxcvbn-ts does when given the language packages the documented way: the same
 * score, guesses, sequence and feedback. This is what pins the one internal the adapter
 * relies on (see src/adapters/password-lists/zxcvbn-strength.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { expect } from 'chai';
import { packageRoot } from '../../../src/adapters/package-root.js';
import { ESTIMATED_LENGTH, L33T_READINGS, loadEstimator, STRENGTH_DATA_FILE } from '../../../src/adapters/password-lists/zxcvbn-estimator.js';
import { estimatePasswordStrength, estimatorThreadLimits, ZxcvbnPasswordStrength } from '../../../src/adapters/password-lists/zxcvbn-strength.js';
import { estimatorData } from '../../../src/build/zxcvbn-dictionaries.js';
import { eventually } from '../../support/eventually.js';
import { PATTERNED_PASSWORDS, STRONG_PASSPHRASE } from '../../support/passwords.js';

const USER_INPUTS = ['ada.king@analytical.example', 'ada.king', 'ada', 'king', 'analytical', 'Ada', 'Lovelace'];

/** Passwords of every kind the matchers tell apart: words, l33t, dates, keyboard rows, repeats, sequences, user words, the long and the odd. */
function corpus(): string[] {
  const data = estimatorData();
  const words: string[] = [];
  for (const list of Object.values(data.dictionary)) for (let i = 0; i < list.length; i += Math.max(1, Math.floor(list.length / 25))) words.push(`${list[i]}`);
  return [
    ...PATTERNED_PASSWORDS,
    STRONG_PASSPHRASE,
    ...words,
    ...words.slice(0, 60).map((word, i) => `${word[0]?.toUpperCase() ?? ''}${word.slice(1)}${1990 + i}!`),
    ...words.slice(60, 120).map((word) => word.replace(/a/g, '@').replace(/o/g, '0').replace(/e/g, '3')),
    ...words.slice(120, 180).map((word, i) => `${word} ${words[(i * 7) % words.length]} ${words[(i * 13) % words.length]}`),
    'correct horse battery staple',
    'Tr0ub4dor&3',
    'lovelace1815',
    'AdaKing1852',
    '19/11/1852',
    'zxcvbnm,./',
    '!QAZ2wsx#EDC',
    'aaaaaaaaaaaaaaaa',
    'abcabcabcabc',
    '9876543210',
    'x7#kP2!qLm9z',
    'Ünïcödé pässwörd ñ',
    '🙂🙂🙂 emoji password 🙂',
    '1'.repeat(80),
    'thequickbrownfoxjumpsoverthelazydog'.repeat(3),
  ];
}

describe('The strength estimator (zxcvbn-ts with the built dictionaries)', function () {
  this.timeout(120000);

  it('judges every password of a varied corpus as zxcvbn-ts given the language packages does', async () => {
    const ours = await loadEstimator();
    const data = estimatorData();
    const reference = new ZxcvbnFactory({
      dictionary: data.dictionary,
      graphs: data.graphs as never,
      translations: data.translations as never,
      maxLength: ESTIMATED_LENGTH,
      l33tMaxSubstitutions: L33T_READINGS,
    });
    const passwords = corpus();
    expect(passwords.length).to.be.above(300);
    for (const password of passwords) {
      // Both see the same prefix, as the service cuts it (by code points).
      const seen = Array.from(password).slice(0, ESTIMATED_LENGTH).join('');
      const mine = ours.check(seen, USER_INPUTS) as unknown as Record<string, unknown>;
      const theirs = reference.check(seen, USER_INPUTS);
      const strip = (result: Record<string, unknown>) => ({ ...result, calcTime: 0 });
      expect(strip(mine), password).to.deep.equal(strip(theirs as unknown as Record<string, unknown>));
    }
  });

  it('scores each patterned password of issue 27 below 3, and a four-word passphrase 3 or more', async () => {
    for (const password of PATTERNED_PASSWORDS) expect((await estimatePasswordStrength(password, [])).score, password).to.be.below(3);
    expect((await estimatePasswordStrength(STRONG_PASSPHRASE, [])).score).to.be.at.least(3);
  });

  it('judges only the first 64 characters of a long password, whatever follows', async () => {
    const prefix = 'password'.repeat(8);
    const a = await estimatePasswordStrength(`${prefix}x7#kP2!qLm9z`, []);
    const b = await estimatePasswordStrength(prefix, []);
    expect(a).to.deep.equal(b);
  });

  it('judges the costliest 64-character inputs on a thread whose young generation is held at 4 MB', async () => {
    // The thread's young generation at V8's default (48 MB) grew the process by some 30 MB
    // more than this one under the costliest inputs (docs/benchmarks.md, issue #33).
    const costly = ['1'.repeat(64), '4@8(3&!1|0$5+7%'.repeat(5).slice(0, 64), 'a1'.repeat(32), 'thequickbrownfoxjumpsoverthelazydog'.repeat(2).slice(0, 64)];
    const scores = [];
    for (const password of costly) scores.push((await estimatePasswordStrength(password, [])).score);
    expect(scores).to.have.length(costly.length);
    expect(estimatorThreadLimits()?.maxYoungGenerationSizeMb).to.be.at.most(4);
  });

  it('reads its dictionaries from an ASCII file, which the thread holds as one byte a character while it parses', () => {
    // A single character above U+00FF made the whole 3.4 MB text two bytes a character in
    // V8, 3.3 MB more at the thread's load (docs/benchmarks.md, issue #33).
    const bytes = fs.readFileSync(path.join(packageRoot(import.meta.dirname), STRENGTH_DATA_FILE));
    expect(bytes.findIndex((byte) => byte > 0x7f)).to.equal(-1);
  });

  it('ends its thread once idle for PASSWORD_STRENGTH_IDLE_SEC, and judges the next password the same on a new one', async () => {
    const strength = new ZxcvbnPasswordStrength({ idleMs: 50 });
    const before = await Promise.all([strength.estimate('Password1!', []), strength.estimate(STRONG_PASSPHRASE, ['ada'])]);
    await eventually(() => !strength.threadRunning, { what: 'the idle thread to be ended' });
    const after = await Promise.all([strength.estimate('Password1!', []), strength.estimate(STRONG_PASSPHRASE, ['ada'])]);
    expect(after).to.deep.equal(before);
    expect(before.map((estimate) => estimate.score >= 3)).to.deep.equal([false, true]);
  });

  it('keeps its thread while estimates keep coming, and for the life of the process with 0', async () => {
    const busy = new ZxcvbnPasswordStrength({ idleMs: 300 });
    const forever = new ZxcvbnPasswordStrength({ idleMs: 0 });
    await forever.estimate('Password1!', []);
    for (let i = 0; i < 6; i++) {
      await busy.estimate(`Password${i}!`, []);
      expect(busy.threadRunning).to.equal(true);
    }
    await eventually(() => !busy.threadRunning, { what: 'the idle thread to be ended' });
    expect(forever.threadRunning).to.equal(true);
  });

  it('shares one thread between the estimators of a process with the same idle time, so a second server loads nothing', async () => {
    const first = new ZxcvbnPasswordStrength({ idleMs: 60_000 });
    const second = new ZxcvbnPasswordStrength({ idleMs: 60_000 });
    await first.estimate('Password1!', []);
    expect(second.threadRunning).to.equal(true);
  });
});
