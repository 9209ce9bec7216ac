import { describe, expect, it } from '@jest/globals';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { isCanonicalJson, jcs, jcsFast } from './canonical.js';

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

/** Rebuilds every object with its members in UTF-16 order, as govx builds its own shapes. */
function sortedDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedDeep);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = sortedDeep((v as Record<string, unknown>)[k]);
  return out;
}

// Beyond what entries hold: floats, -0, undefined members, so the fallback is exercised too.
const anyJsonish = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small' },
    value,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constant(-0),
    fc.array(tie('json'), { maxLength: 4 }),
    fc.dictionary(fc.string(), fc.oneof(tie('json'), fc.constant(undefined)), { maxKeys: 5 }),
  ),
})).json;

describe('jcsFast()', () => {
  it('is byte-identical to the RFC 8785 package on entry values, members in order or not', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(jcsFast(v)).toBe(canonicalize(v));
        expect(jcsFast(sortedDeep(v))).toBe(canonicalize(v));
      }),
      { numRuns: 3000 },
    );
  });

  it('is byte-identical to the RFC 8785 package beyond entry values (floats, undefined)', () => {
    fc.assert(
      fc.property(anyJsonish, (v) => {
        expect(jcsFast(sortedDeep(v))).toBe(canonicalize(v));
        expect(jcsFast(v)).toBe(canonicalize(v));
      }),
      { numRuns: 3000 },
    );
  });

  it('gives way to the reference encoder where JSON.stringify would differ', () => {
    // integer-like names: JS orders them numerically, RFC 8785 by UTF-16 code units
    expect(jcsFast(JSON.parse('{"10":1,"9":2}'))).toBe('{"10":1,"9":2}');
    expect(jcsFast({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
    expect(jcsFast({ a: 1e21 })).toBe(canonicalize({ a: 1e21 }));
    const proto = JSON.parse('{"z":1,"__proto__":{"b":2,"a":1}}') as unknown;
    expect(jcsFast(proto)).toBe(canonicalize(proto));
    expect(jcsFast(proto)).toBe('{"__proto__":{"a":1,"b":2},"z":1}');
  });
});
