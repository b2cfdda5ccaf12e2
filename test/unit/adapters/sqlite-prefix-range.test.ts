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

  it('keeps a lone surrogate in code point order, as better-sqlite3 binds it, and never joins two into a pair', () => {
    expect(prefixRange('a\ud7ff')).to.deep.equal({ from: 'a\ud7ff', before: 'a\ud800' });
    expect(prefixRange('a\ud800')).to.deep.equal({ from: 'a\ud800', before: 'a\ud801' });
    expect(prefixRange('\ud83d\udbff')).to.deep.equal({ from: '\ud83d\udbff', before: '\ud83d\ue000' });
  });

  it('bounds in SQLite exactly the strings that start with the prefix', () => {
    const db = new Database(':memory:');
    try {
      const inRange = (value: string, prefix: string) => {
        const { from, before } = prefixRange(prefix);
        return db.prepare('SELECT ? >= ? AND (? IS NULL OR ? < ?)').pluck().get(value, from, before, value, before) === 1;
      };
      for (const prefix of ['a\ud7ff', 'a\uffff', 'a\u{1f600}', 'a\ud800']) {
        expect(inRange(`${prefix}\u{10ffff}x`, prefix), prefix).to.equal(true);
        expect(inRange(`${prefix}`, prefix), prefix).to.equal(true);
        expect(inRange('a\ue000', prefix), prefix).to.equal(false);
        expect(inRange('a\u{1f601}', prefix), prefix).to.equal(false);
      }
    } finally {
      db.close();
    }
  });
});
