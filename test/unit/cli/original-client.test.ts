import { expect } from 'chai';
import { convertOriginal, type OriginalDocument } from '../../../src/cli/import-original/original-client.js';

const ID = '6385f1c2a1b2c3d4e5f60718';
const HASH = `$2a$10$${'a'.repeat(53)}`;
const NOW = new Date('2026-11-29T12:00:00Z');

/** A user document as the original's Go code wrote it: every field, those of services empty. */
function user(fields: Record<string, unknown> = {}): OriginalDocument {
  return {
    id: ID,
    fields: {
      _id: ID,
      email: 'bob@example.org',
      hashedPassword: HASH,
      suspended: false,
      groups: ['user'],
      firstName: 'Bob',
      lastName: 'Smith',
      name: '',
      ...fields,
    },
  };
}

describe('A document of the original service, converted for the import', () => {
  it('keeps the id, the bcrypt hash and the names, and dates the client from its ObjectId', () => {
    const result = convertOriginal(user(), new Set(), NOW);
    if (!result.ok) throw new Error(result.reason);
    expect(result.record).to.include({ id: ID, kind: 'user', email: 'bob@example.org', passwordHash: HASH, firstName: 'Bob', secretHash: null });
    expect(result.record.createdAt.toISOString()).to.equal('2022-11-29T11:49:22.000Z');
  });

  it('makes a service of a document with a name and no hash, with no secret', () => {
    const result = convertOriginal(user({ hashedPassword: '', firstName: '', lastName: '', name: 'Billing', groups: null }), new Set(), NOW);
    if (!result.ok) throw new Error(result.reason);
    expect(result.record).to.include({ kind: 'service', name: 'Billing', passwordHash: null, secretHash: null });
    expect(result.record.groups).to.deep.equal(['service']);
  });

  it('drops admin unless the id or the normalised email is kept', () => {
    const dropped = convertOriginal(user({ groups: ['admin', 'editors'] }), new Set(), NOW);
    const kept = convertOriginal(user({ groups: ['admin'] }), new Set(['bob@example.org']), NOW);
    expect(dropped.ok && dropped.record.groups).to.deep.equal(['user', 'editors']);
    expect(dropped).to.include({ hadAdmin: true, adminKept: false });
    expect(kept.ok && kept.record.groups).to.deep.equal(['user', 'admin']);
  });

  it('normalises the groups the original let through, saying what changed, and drops only names no group can have', () => {
    const result = convertOriginal(user({ groups: ['', 'User', 'ADMIN', 'admin', 'Editors', 'Power Users'] }), new Set(['bob@example.org']), NOW);
    if (!result.ok) throw new Error(result.reason);
    expect(result.record.groups).to.deep.equal(['user', 'admin', 'editors']);
    expect(result.groupChanges).to.deep.equal([
      '"" dropped (empty)',
      '"User" became "user"',
      '"ADMIN" became "admin"',
      '"admin" merged (a duplicate)',
      '"Editors" became "editors"',
      '"Power Users" dropped (not a group name here: lower-case a-z, 0-9, _ . - starting with a letter, at most 64)',
    ]);
    expect(convertOriginal(user(), new Set(), NOW))
      .to.include({ ok: true })
      .and.to.have.deep.property('groupChanges', []);
  });

  it('does not make an admin of a case-folded ADMIN unless it is kept', () => {
    const result = convertOriginal(user({ groups: ['ADMIN'] }), new Set(), NOW);
    expect(result.ok && result.record.groups).to.deep.equal(['user']);
    expect(result).to.include({ hadAdmin: true, adminKept: false });
  });

  it('drops entries that are not text, and groups that are not a list, saying so', () => {
    const mixed = convertOriginal(user({ groups: ['user', 42, null] }), new Set(), NOW);
    expect(mixed.ok && mixed.groupChanges).to.deep.equal(['42 dropped (not text)', 'null dropped (not text)']);
    const single = convertOriginal(user({ groups: 'user' }), new Set(), NOW);
    expect(single.ok && single.record.groups).to.deep.equal(['user']);
    expect(single.ok && single.groupChanges).to.deep.equal(['"user" dropped (groups is not a list)']);
  });

  for (const [title, fields, reason] of [
    ['no email', { email: '' }, 'email is required: a client is found by its email'],
    ['no password hash (and no service name)', { hashedPassword: '' }, 'nothing to log in with'],
    ['a hash that is not bcrypt', { hashedPassword: 'hunter22' }, 'hashedPassword is not a bcrypt hash'],
    ['both a hash and a service name', { name: 'Billing' }, 'both a hashedPassword (user) and a name (service)'],
    ['neither a hash nor a name', { hashedPassword: '' }, 'neither a hashedPassword (user) nor a name (service)'],
    ['an invalid email', { email: 'bob at example' }, 'email is not a valid email address'],
    ['a suspended flag that is not a boolean', { suspended: 'yes' }, 'suspended is not a boolean'],
    ['a first name that is not text', { firstName: 42 }, 'firstName is not a string'],
  ] as const) {
    it(`refuses ${title}, saying why`, () => {
      const result = convertOriginal(user(fields), new Set(), NOW);
      expect(result.ok).to.equal(false);
      expect(!result.ok && result.reason).to.include(reason);
    });
  }
});
