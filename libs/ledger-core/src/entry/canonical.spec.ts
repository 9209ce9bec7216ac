import { describe, expect, it } from '@jest/globals';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { isCanonicalJson, jcs } from './canonical.js';

// JSON values as entries hold them: integers only, any member names (integer-like included).
const value = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
    fc.string({ unit: 'binary' }),
    fc.array(tie('json'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ unit: 'binary' }), fc.nat().map(String)), tie('json'), {
      maxKeys: 5,
    }),
  ),
})).json;

describe('isCanonicalJson()', () => {
  it('agrees with the RFC 8785 encoder on canonical text', () => {
    fc.assert(
      fc.property(value, (v) => {
        const text = jcs(v);
        expect(isCanonicalJson(text, JSON.parse(text))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with the RFC 8785 encoder on arbitrary serialisations', () => {
    fc.assert(
      fc.property(value, fc.constantFrom(undefined, 1, '\t'), (v, space) => {
        const text = JSON.stringify(v, null, space);
        const parsed: unknown = JSON.parse(text);
        expect(isCanonicalJson(text, parsed)).toBe(canonicalize(parsed) === text);
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses unsorted members and accepts integer-like names in UTF-16 order', () => {
    expect(isCanonicalJson('{"b":1,"a":2}', { b: 1, a: 2 })).toBe(false);
    expect(isCanonicalJson('{"10":1,"9":2}', JSON.parse('{"10":1,"9":2}'))).toBe(true);
    expect(isCanonicalJson('{"9":2,"10":1}', JSON.parse('{"9":2,"10":1}'))).toBe(false);
  });
});
