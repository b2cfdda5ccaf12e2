import { expect } from 'chai';
import { isId, newId } from '../../../src/domain/kernel/ids.js';

describe('Client and event ids', () => {
  it('are UUIDv7 and strictly increasing, even within one millisecond', () => {
    const now = Date.now() + 60_000;
    const ids = Array.from({ length: 5000 }, () => newId(now));
    expect(ids.every(isId)).to.equal(true);
    expect(ids.every((id) => id[14] === '7')).to.equal(true);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!, `id ${i}`).to.equal(true);
  });

  it('never go backwards when the clock does', () => {
    const later = newId(Date.now() + 120_000);
    expect(newId(Date.now()) > later).to.equal(true);
  });
});
