import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  GX,
  GY,
  N,
  P,
  PointTable,
  checkCombinationX,
  generatorPoints,
  invert,
  isOnCurve,
  multiplyUnsafe,
} from './sm2-curve.js';
import type { AffinePoint } from './sm2-curve.js';

// A naive affine reference (textbook formulas, one inversion per step) to check the
// Jacobian and table code against.
type Ref = AffinePoint | undefined;
const modP = (a: bigint): bigint => ((a % P) + P) % P;
function refAdd(a: Ref, b: Ref): Ref {
  if (!a) return b;
  if (!b) return a;
  if (a.x === b.x && modP(a.y + b.y) === 0n) return undefined;
  const l =
    a.x === b.x
      ? modP((3n * a.x * a.x + (P - 3n)) * invert(2n * a.y, P))
      : modP((b.y - a.y) * invert(b.x - a.x, P));
  const x = modP(l * l - a.x - b.x);
  return { x, y: modP(l * (a.x - x) - a.y) };
}
function refMul(k: bigint, q: AffinePoint): Ref {
  let acc: Ref;
  for (let bit = BigInt(k.toString(2).length - 1); bit >= 0n; bit--) {
    acc = refAdd(acc, acc);
    if ((k >> bit) & 1n) acc = refAdd(acc, q);
  }
  return acc;
}

const G = { x: GX, y: GY };
const scalar = fc.bigInt({ min: 1n, max: N - 1n });

describe('sm2p256v1', () => {
  it('has its generator on the curve and of order n (GB/T 32918.5-2017)', () => {
    expect(isOnCurve(G)).toBe(true);
    expect(multiplyUnsafe(PointTable.small(G), N)).toBeUndefined();
    expect(refMul(N, G)).toBeUndefined();
  });
});

describe(PointTable.name, () => {
  describe('mulAdd()', () => {
    it('multiplies like the affine reference, with the small, full and 8-bit tables', () => {
      const small = PointTable.small(G);
      const full = PointTable.full(G);
      fc.assert(
        fc.property(scalar, (k) => {
          const expected = refMul(k, G);
          expect(multiplyUnsafe(small, k)).toEqual(expected);
          expect(multiplyUnsafe(full, k)).toEqual(expected);
          expect(multiplyUnsafe(generatorPoints(), k)).toEqual(expected);
        }),
        { numRuns: 20 },
      );
    });

    it('handles the doubling and cancelling edge cases', () => {
      for (const table of [PointTable.full(G), generatorPoints()]) {
        for (const k of [1n, 2n, 15n, 16n, 17n, 255n, 256n, 0x1111n, N - 1n, N - 2n]) {
          expect(multiplyUnsafe(table, k)).toEqual(refMul(k, G));
        }
      }
    });
  });
});

describe(checkCombinationX.name, () => {
  it('accepts exactly x(u1·G + u2·Q) mod n', () => {
    const q = refMul(0x1234567n, G)!;
    const table = PointTable.small(q);
    fc.assert(
      fc.property(scalar, scalar, (u1, u2) => {
        const sum = refAdd(refMul(u1, G), refMul(u2, q));
        fc.pre(sum !== undefined);
        const x = sum!.x % N;
        expect(checkCombinationX(u1, table, u2, x)).toBe(true);
        expect(checkCombinationX(u1, table, u2, (x + 1n) % N)).toBe(false);
      }),
      { numRuns: 20 },
    );
  });
});
