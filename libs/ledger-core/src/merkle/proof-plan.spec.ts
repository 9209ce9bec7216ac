import { describe, expect, it } from '@jest/globals';
import { toHex } from '@govx/crypto';
import fc from 'fast-check';
import { consistencyPlan, inclusionPlan, type NodeId, type ProofPlan } from './proof-plan.js';
import { RFC9162_SHA256 } from './tree-hasher.js';

type Pair = readonly [level: number, index: number];
/** [size or size1, index or size2, ephemeral begin, ephemeral end (0, 0: none), node ids]. */
type PlanVector = readonly [number, number, number, number, readonly Pair[]];

const pairs = (plan: ProofPlan): Pair[] => plan.ids.map((id) => [id.level, id.index] as const);
const range = (plan: ProofPlan): [number, number] => [
  plan.ephemeral?.begin ?? 0,
  plan.ephemeral?.end ?? 0,
];

// transparency-dev/merkle proof/proof_test.go TestInclusion @ 02a3e2029520f515596d5238c54fb0ac9e19bff4:
// (size, index) → ids, with `rehash(begin, end, …)` where an ephemeral node is folded.
// prettier-ignore
const INCLUSION_PLANS: readonly PlanVector[] = [
  [1, 0, 0, 0, []],
  [2, 0, 0, 0, [[0, 1]]],
  [2, 1, 0, 0, [[0, 0]]],
  [3, 1, 0, 0, [[0, 0], [0, 2]]],
  [7, 0, 2, 4, [[0, 1], [1, 1], [0, 6], [1, 2]]],
  [7, 1, 2, 4, [[0, 0], [1, 1], [0, 6], [1, 2]]],
  [7, 2, 2, 4, [[0, 3], [1, 0], [0, 6], [1, 2]]],
  [7, 3, 2, 4, [[0, 2], [1, 0], [0, 6], [1, 2]]],
  [7, 4, 0, 0, [[0, 5], [0, 6], [2, 0]]],
  [7, 5, 0, 0, [[0, 4], [0, 6], [2, 0]]],
  [7, 6, 0, 0, [[1, 2], [2, 0]]],
  [4, 2, 0, 0, [[0, 3], [1, 0]]],
  [5, 3, 0, 0, [[0, 2], [1, 0], [0, 4]]],
  [6, 3, 0, 0, [[0, 2], [1, 0], [1, 2]]],
  [6, 4, 0, 0, [[0, 5], [2, 0]]],
  [15, 10, 2, 4, [[0, 11], [1, 4], [0, 14], [1, 6], [3, 0]]],
  [31, 24, 2, 4, [[0, 25], [1, 13], [0, 30], [1, 14], [3, 2], [4, 0]]],
  [95, 81, 3, 6, [[0, 80], [1, 41], [2, 21], [0, 94], [1, 46], [2, 22], [4, 4], [6, 0]]],
];

// transparency-dev/merkle proof/proof_test.go TestConsistency: (size1, size2) → ids.
// prettier-ignore
const CONSISTENCY_PLANS: readonly PlanVector[] = [
  [1, 2, 0, 0, [[0, 1]]],
  [1, 4, 0, 0, [[0, 1], [1, 1]]],
  [1, 6, 0, 0, [[0, 1], [1, 1], [1, 2]]],
  [2, 3, 0, 0, [[0, 2]]],
  [2, 8, 0, 0, [[1, 1], [2, 1]]],
  [3, 7, 3, 5, [[0, 2], [0, 3], [1, 0], [0, 6], [1, 2]]],
  [4, 7, 0, 2, [[0, 6], [1, 2]]],
  [5, 7, 0, 0, [[0, 4], [0, 5], [0, 6], [2, 0]]],
  [6, 7, 0, 0, [[1, 2], [0, 6], [2, 0]]],
  [7, 8, 0, 0, [[0, 6], [0, 7], [1, 2], [2, 0]]],
  [1, 1, 0, 0, []],
  [2, 2, 0, 0, []],
  [3, 3, 0, 0, []],
  [4, 4, 0, 0, []],
  [5, 5, 0, 0, []],
  [7, 7, 0, 0, []],
  [8, 8, 0, 0, []],
  [2, 4, 0, 0, [[1, 1]]],
  [3, 5, 0, 0, [[0, 2], [0, 3], [1, 0], [0, 4]]],
  [3, 6, 0, 0, [[0, 2], [0, 3], [1, 0], [1, 2]]],
  [4, 6, 0, 0, [[1, 2]]],
  [1, 7, 2, 4, [[0, 1], [1, 1], [0, 6], [1, 2]]],
  [10, 15, 2, 4, [[1, 4], [1, 5], [0, 14], [1, 6], [3, 0]]],
  [24, 31, 1, 4, [[3, 2], [0, 30], [1, 14], [2, 6], [4, 0]]],
  [81, 95, 4, 7, [[0, 80], [0, 81], [1, 41], [2, 21], [0, 94], [1, 46], [2, 22], [4, 4], [6, 0]]],
];

/** Leaves [start, end) under a node. */
const span = (id: NodeId): [number, number] => [
  id.index * 2 ** id.level,
  (id.index + 1) * 2 ** id.level,
];

/** Asserts the ranges tile [0, size) exactly, with no gap or overlap (one expect: it is hot). */
function expectPartition(ranges: [number, number][], size: number): void {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  let next = 0;
  let gap: number | undefined;
  for (const [start, end] of sorted) {
    if (start !== next) gap ??= next;
    next = end;
  }
  expect({ gap, end: next }).toEqual({ gap: undefined, end: size });
}

/** The ephemeral node, where present, is exactly the ids it folds, clipped to the tree. */
function expectEphemeral(plan: ProofPlan, size: number): void {
  const e = plan.ephemeral;
  if (e === undefined) return;
  const folded = plan.ids.slice(e.begin, e.end).map(span);
  expectPartition(
    folded.map(([s, t]) => [s - span(e.id)[0], t - span(e.id)[0]]),
    size - span(e.id)[0],
  );
}

/** RFC 9162 §2.1.3.2 proof length, in BigInt (independent of bits.ts). */
function inclusionLength(index: number, size: number): number {
  const x = BigInt(index) ^ BigInt(size - 1);
  const inner = x === 0n ? 0 : x.toString(2).length;
  const border = (BigInt(index) >> BigInt(inner)).toString(2).split('1').length - 1;
  return inner + border;
}

const folded = (plan: ProofPlan): number => {
  const e = plan.ephemeral;
  return e ? e.end - e.begin - 1 : 0;
};

describe(inclusionPlan.name, () => {
  it.each(INCLUSION_PLANS)(
    'matches proof_test.go for size %d, index %d',
    (size, index, begin, end, ids) => {
      const plan = inclusionPlan(index, size);
      expect(pairs(plan)).toEqual(ids);
      expect(range(plan)).toEqual([begin, end]);
    },
  );

  it('tiles the tree with the leaf, and has the RFC proof length (sizes up to 2^53)', () => {
    const sizes = fc.oneof(
      fc.integer({ min: 1, max: 5000 }),
      fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    );
    fc.assert(
      fc.property(
        sizes.chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size - 1 }))),
        ([size, index]) => {
          const plan = inclusionPlan(index, size);
          expectPartition([...plan.ids.map(span), [index, index + 1]], size);
          expectEphemeral(plan, size);
          expect(plan.ids.length - folded(plan)).toBe(inclusionLength(index, size));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('is exact for indexes and sizes above 2^32', () => {
    const plan = inclusionPlan(2 ** 40 + 5, 2 ** 41 + 3);
    expect(plan.ids.length - folded(plan)).toBe(inclusionLength(2 ** 40 + 5, 2 ** 41 + 3));
    expect(plan.ids.length - folded(plan)).toBe(42);
    expectPartition([...plan.ids.map(span), [2 ** 40 + 5, 2 ** 40 + 6]], 2 ** 41 + 3);
  });

  it('rejects index >= size and malformed numbers, naming the argument', () => {
    for (const [index, size] of [
      [0, 0],
      [1, 0],
      [2, 1],
      [3, 0],
      [8, 7],
    ] as const) {
      expect(() => inclusionPlan(index, size)).toThrow(RangeError);
      expect(() => inclusionPlan(index, size)).toThrow(/^index: /);
    }
    expect(() => inclusionPlan(-1, 4)).toThrow(/^index: /);
    expect(() => inclusionPlan(0.5, 4)).toThrow(/^index: /);
    expect(() => inclusionPlan(0, NaN)).toThrow(/^size: /);
  });
});

describe(consistencyPlan.name, () => {
  it.each(CONSISTENCY_PLANS)(
    'matches proof_test.go for sizes %d → %d',
    (size1, size2, begin, end, ids) => {
      const plan = consistencyPlan(size1, size2);
      expect(pairs(plan)).toEqual(ids);
      expect(range(plan)).toEqual([begin, end]);
    },
  );

  it('is empty from the empty tree and between equal sizes', () => {
    expect(consistencyPlan(0, 0).ids).toEqual([]);
    expect(consistencyPlan(0, 17).ids).toEqual([]);
    expect(consistencyPlan(2 ** 50, 2 ** 50).ids).toEqual([]);
  });

  it('tiles the larger tree with the smaller one (sizes up to 2^53)', () => {
    const sizes = fc.oneof(
      fc.integer({ min: 2, max: 5000 }),
      fc.integer({ min: 2, max: Number.MAX_SAFE_INTEGER }),
    );
    fc.assert(
      fc.property(
        sizes.chain((size2) =>
          fc.tuple(fc.integer({ min: 1, max: size2 - 1 }), fc.constant(size2)),
        ),
        ([size1, size2]) => {
          const plan = consistencyPlan(size1, size2);
          const bin = BigInt(size1).toString(2);
          const seeded = bin.lastIndexOf('1') === 0;
          const ranges = plan.ids.map(span);
          expectPartition(seeded ? [...ranges, [0, size1]] : ranges, size2);
          expectEphemeral(plan, size2);
          // §2.1.4.2: (seed unless size1 is a power of two) + the inclusion proof of size1 - 1
          // above the level of that seed.
          const shift = bin.length - 1 - bin.lastIndexOf('1');
          const length = (seeded ? 0 : 1) + inclusionLength(size1 - 1, size2) - shift;
          expect(plan.ids.length - folded(plan)).toBe(length);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('is exact for sizes above 2^32', () => {
    const plan = consistencyPlan(2 ** 40 + 5, 2 ** 41 + 3);
    expectPartition(plan.ids.map(span), 2 ** 41 + 3);
  });

  it('rejects size1 > size2 and malformed numbers, naming the argument', () => {
    expect(() => consistencyPlan(5, 0)).toThrow(new RangeError('size1: 5 is greater than size2 0'));
    expect(() => consistencyPlan(9, 8)).toThrow(RangeError);
    expect(() => consistencyPlan(-1, 8)).toThrow(/^size1: /);
    expect(() => consistencyPlan(1, 2 ** 53)).toThrow(/^size2: /);
  });
});

describe('ProofPlan', () => {
  describe('rehash()', () => {
    const h = RFC9162_SHA256;
    const hs = [1, 2, 3, 4, 5].map((i) => h.hashLeaf(new TextEncoder().encode(`Hash ${i}`)));
    const hex = (list: Uint8Array[]): string[] => list.map(toHex);

    // transparency-dev/merkle proof/proof_test.go TestRehash.
    it('folds the ephemeral node where there is one', () => {
      expect(hex(inclusionPlan(3, 8).rehash(hs.slice(0, 3), h))).toEqual(hex(hs.slice(0, 3)));
      expect(hex(inclusionPlan(9, 15).rehash(hs.slice(0, 5), h))).toEqual(
        hex([hs[0]!, hs[1]!, h.hashChildren(hs[3]!, hs[2]!), hs[4]!]),
      );
      expect(hex(inclusionPlan(2, 7).rehash(hs.slice(0, 4), h))).toEqual(
        hex([hs[0]!, hs[1]!, h.hashChildren(hs[3]!, hs[2]!)]),
      );
    });

    it('leaves its input alone', () => {
      const input = hs.slice(0, 4);
      inclusionPlan(2, 7).rehash(input, h);
      expect(hex(input)).toEqual(hex(hs.slice(0, 4)));
    });

    it('rejects a wrong count or hash length', () => {
      expect(() => inclusionPlan(2, 7).rehash(hs.slice(0, 3), h)).toThrow(
        new RangeError('hashes: expected 4 node hashes, got 3'),
      );
      expect(() => inclusionPlan(0, 2).rehash([new Uint8Array(31)], h)).toThrow(/^hashes\[0\]: /);
    });
  });
});
