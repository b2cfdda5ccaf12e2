/**
 * The start's index comparison (src/adapters/mongo/ensure-indexes.ts) over listIndexes
 * answers as each server gives them: MongoDB lists `sparse: true` on a sparse index and
 * nothing on another; FerretDB 1.x lists `sparse` on none, so there it cannot be compared.
 */
import { expect } from 'chai';
import { type IndexSpec, indexDifference } from '../../../src/adapters/mongo/ensure-indexes.js';

describe('indexDifference', () => {
  const spec: IndexSpec = { key: { emailSkeleton: 1 }, unique: true, sparse: true, name: 'email_skeleton_unique' };
  const listed = (extra: Record<string, unknown>) => ({ v: 2, key: { emailSkeleton: 1 }, name: 'email_skeleton_unique', unique: true, ...extra });

  describe('on MongoDB (which lists sparse)', () => {
    const server = { listsSparse: true };

    it('takes a sparse unique index of that name as present', () => {
      expect(indexDifference(listed({ sparse: true }), spec, server)).to.equal(null);
    });

    it('refuses a non-sparse one, as it refuses a non-unique one', () => {
      expect(indexDifference(listed({}), spec, server)).to.equal('not sparse');
      expect(indexDifference(listed({ unique: false, sparse: true }), spec, server)).to.equal('not unique');
    });

    it('refuses a sparse one where a non-sparse index is asked for', () => {
      const plain: IndexSpec = { key: { email: 1 }, unique: true, name: 'email_unique' };
      expect(indexDifference({ v: 2, key: { email: 1 }, name: 'email_unique', unique: true, sparse: true }, plain, server)).to.equal('sparse');
    });
  });

  describe('on FerretDB (which never lists sparse)', () => {
    const server = { listsSparse: false };

    it('takes a unique index of that name as present', () => {
      expect(indexDifference(listed({}), spec, server)).to.equal(null);
    });

    it('still refuses a non-unique one', () => {
      expect(indexDifference(listed({ unique: false }), spec, server)).to.equal('not unique');
    });
  });
});
