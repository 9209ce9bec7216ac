import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  assertTreeInt,
  bitAt,
  bitLength,
  isPowerOfTwo,
  onesCount,
  shiftRight,
  trailingZeros,
  xor,
} from './bits.js';

// Differential tests against BigInt, over the whole safe-integer range (JS bitwise operators
// would truncate above 2^31).
const safe = fc.oneof(
  fc.integer({ min: 0, max: 1024 }),
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  fc.integer({ min: 0, max: 52 }).map((k) => 2 ** k),
  fc.integer({ min: 1, max: 53 }).map((k) => 2 ** k - 1),
);
const big = (x: number): bigint => BigInt(x);

describe('bits', () => {
  describe('bitLength()', () => {
    it('agrees with BigInt', () => {
      fc.assert(
        fc.property(safe, (x) =>
          expect(bitLength(x)).toBe(x === 0 ? 0 : big(x).toString(2).length),
        ),
      );
      expect(bitLength(2 ** 53 - 1)).toBe(53);
      expect(bitLength(2 ** 32)).toBe(33);
    });
  });

  describe('onesCount()', () => {
    it('agrees with BigInt', () => {
      fc.assert(
        fc.property(safe, (x) =>
          expect(onesCount(x)).toBe(big(x).toString(2).split('1').length - 1),
        ),
      );
    });
  });

  describe('trailingZeros()', () => {
    it('agrees with BigInt for x > 0', () => {
      fc.assert(
        fc.property(safe, (x) => {
          fc.pre(x > 0);
          const s = big(x).toString(2);
          expect(trailingZeros(x)).toBe(s.length - 1 - s.lastIndexOf('1'));
        }),
      );
    });
  });

  describe('xor()', () => {
    it('agrees with BigInt', () => {
      fc.assert(fc.property(safe, safe, (a, b) => expect(big(xor(a, b))).toBe(big(a) ^ big(b))));
    });
  });

  describe('shiftRight() and bitAt()', () => {
    it('agree with BigInt', () => {
      fc.assert(
        fc.property(safe, fc.integer({ min: 0, max: 60 }), (x, k) => {
          expect(big(shiftRight(x, k))).toBe(big(x) >> BigInt(k));
          expect(big(bitAt(x, k))).toBe((big(x) >> BigInt(k)) & 1n);
        }),
      );
    });
  });

  describe('isPowerOfTwo()', () => {
    it('holds exactly for 1, 2, 4, …', () => {
      expect([0, 1, 2, 3, 4, 6, 8, 2 ** 40, 2 ** 40 + 1].map(isPowerOfTwo)).toEqual([
        false,
        true,
        true,
        false,
        true,
        false,
        true,
        true,
        false,
      ]);
    });
  });

  describe('assertTreeInt()', () => {
    it('accepts non-negative safe integers', () => {
      for (const v of [0, 1, 2 ** 32, Number.MAX_SAFE_INTEGER])
        expect(() => assertTreeInt(v, 'size')).not.toThrow();
    });

    it('rejects everything else, naming the argument', () => {
      expect(() => assertTreeInt('1', 'size')).toThrow(
        new TypeError('size: expected a number, got string'),
      );
      expect(() => assertTreeInt(1n, 'size')).toThrow(TypeError);
      for (const v of [-1, 0.5, NaN, Infinity, 2 ** 53]) {
        expect(() => assertTreeInt(v, 'index')).toThrow(RangeError);
        expect(() => assertTreeInt(v, 'index')).toThrow(/^index: /);
      }
    });
  });
});
