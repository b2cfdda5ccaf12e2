import Database from 'better-sqlite3';
import { expect } from 'chai';
import { prefixRange } from '../../../src/adapters/embedded/sqlite-prefix-range.js';

describe('The email index range of a prefix (SQLite)', () => {
  it('ends before the prefix with its last character raised by one code point', () => {
    expect(prefixRange('ada')).to.deep.equal({ from: 'ada', before: 'adb' });
    expect(prefixRange('50%_')).to.deep.equal({ from: '50%_', before: '50%`' });
  });

  it('counts in code points: beyond U+FFFF, across the surrogates, at U+10FFFF', () => {
    expect(prefixRange('a\u{1f600}')).to.deep.equal({ from: 'a\u{1f600}', before: 'a\u{1f601}' });
    expect(prefixRange('a\uffff')).to.deep.equal({ from: 'a\uffff', before: 'a\u{10000}' });
    expect(prefixRange('a\u{10ffff}\u{10ffff}')).to.deep.equal({ from: 'a\u{10ffff}\u{10ffff}', before: 'b' });
    expect(prefixRange('\u{10ffff}')).to.deep.equal({ from: '\u{10ffff}', before: null });
  });

  it('reads a lone surrogate as U+FFFD, as Node writes it to SQLite, and never ends a range inside the surrogates', () => {
    expect(prefixRange('a\ud7ff')).to.deep.equal({ from: 'a\ud7ff', before: 'a\ue000' });
    expect(prefixRange('a\ud800')).to.deep.equal({ from: 'a\ufffd', before: 'a\ufffe' });
    expect(prefixRange('\ud83d\udbff')).to.deep.equal({ from: '\ufffd\ufffd', before: '\ufffd\ufffe' });
    expect(prefixRange('\ud83d\ude00')).to.deep.equal({ from: '\u{1f600}', before: '\u{1f601}' });
  });

  it('bounds in SQLite exactly the strings that start with the prefix', () => {
    const db = new Database(':memory:');
    try {
      const inRange = (value: string, prefix: string) => {
        const { from, before } = prefixRange(prefix);
        return db.prepare('SELECT ? >= ? AND (? IS NULL OR ? < ?)').pluck().get(value, from, before, value, before) === 1;
      };
      // Each prefix, and an email that starts with it, as they are stored (well-formed).
      for (const prefix of ['a\ud7ff', 'a\uffff', 'a\u{1f600}', 'a\ud800']) {
        const stored = prefixRange(prefix).from;
        expect(inRange(`${stored}\u{10ffff}x`, prefix), prefix).to.equal(true);
        expect(inRange(stored, prefix), prefix).to.equal(true);
        expect(inRange('a\ue000', prefix), prefix).to.equal(false);
        expect(inRange('a\u{1f601}', prefix), prefix).to.equal(false);
      }
    } finally {
      db.close();
    }
  });
});
