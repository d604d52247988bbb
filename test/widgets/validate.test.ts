/**
 * The browser's reply check (src/core/validate.ts) reads the contract's schemas as written and as
 * built, where `required: true` stands for "every listed property" (vite.config.ts).
 */
import { expect } from '@open-wc/testing';
import { mismatch, type Schema } from '../../src/core/validate.ts';

const listed: Schema = { type: 'object', required: ['id', 'points'], properties: { id: { type: 'string' }, points: { type: 'integer', minimum: 0 }, note: { type: 'string' } } };
const all: Schema = { type: 'object', required: true, properties: { id: { type: 'string' }, points: { type: 'integer', minimum: 0 } } };

describe('mismatch (the reply check)', () => {
  it('names the first missing required property, as listed', () => {
    expect(mismatch(listed, { id: 'a', points: 1 })).to.equal(null);
    expect(mismatch(listed, { id: 'a' })).to.equal('/points');
    expect(mismatch(listed, { points: 1, note: 'x' })).to.equal('/id');
  });

  it('with required: true, requires every listed property and nothing else', () => {
    expect(mismatch(all, { id: 'a', points: 0 })).to.equal(null);
    expect(mismatch(all, { id: 'a', points: 0, added: 'by a newer server' })).to.equal(null);
    expect(mismatch(all, { id: 'a' })).to.equal('/points');
    expect(mismatch(all, { points: 2 })).to.equal('/id');
    expect(mismatch({ type: 'array', items: all }, [{ id: 'a', points: 1 }, { id: 'b' }])).to.equal('/1/points');
  });

  it('still checks the types of the properties it requires', () => {
    expect(mismatch(all, { id: 'a', points: -1 })).to.equal('/points');
    expect(mismatch(all, { id: 7, points: 1 })).to.equal('/id');
  });
});

describe('mismatch with the built bundle\'s short forms', () => {
  const built: Schema = { type: 'object', required: true, properties: { id: 'string', url: ['string', 'null'], tags: { type: 'array', items: 'string' } } };

  it('reads a type name as a schema of that type, and a list of names as a choice between them', () => {
    expect(mismatch('string', 'a')).to.equal(null);
    expect(mismatch('string', 1)).to.equal('/');
    expect(mismatch('number', 2)).to.equal(null);
    expect(mismatch(['string', 'null'], null)).to.equal(null);
    expect(mismatch(['string', 'null'], 3)).to.equal('/');
  });

  it('inside objects and arrays, with the pointer of the first mismatch', () => {
    expect(mismatch(built, { id: 'a', url: null, tags: ['x'] })).to.equal(null);
    expect(mismatch(built, { id: 'a', url: 5, tags: [] })).to.equal('/url');
    expect(mismatch(built, { id: 'a', url: 'u', tags: ['x', 2] })).to.equal('/tags/1');
    expect(mismatch(built, { id: 1, url: 'u', tags: [] })).to.equal('/id');
  });
});
