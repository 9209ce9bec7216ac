// Differential tests against a naive Merkle tree written straight from RFC 9162 §2.1: the
// accumulator, the proof plans (fed by the node hashes an append reports) and the in-memory
// proofs must agree with it for every small tree, and every proof must verify.
import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { fromHex, toHex } from '@govx/crypto';
import fc from 'fast-check';
import { MerkleAccumulator } from './accumulator.js';
import { consistencyProof, inclusionProof, rootFromLeafHashes } from './leaf-list.js';
import { consistencyPlan, inclusionPlan, type ProofPlan } from './proof-plan.js';
import { RFC9162_SHA256, SM3_TREE_HASHER, type TreeHasher } from './tree-hasher.js';
import { verifyConsistency, verifyInclusion } from './verify.js';
import {
  CONSISTENCY_PROOFS,
  INCLUSION_PROOFS,
  LEAF_INPUTS,
  ROOT_HASHES,
} from './testonly/ct-vectors.js';

/** RFC 9162 §2.1.1–2.1.4.1 over D = `leaves`, with D[a:b] written as (a, b). Memoized MTH only. */
class ReferenceTree {
  readonly #memo = new Map<string, Uint8Array>();

  constructor(
    readonly algorithm: 'sha256' | 'sm3',
    readonly leaves: readonly Uint8Array[],
  ) {}

  #hash(...parts: Uint8Array[]): Uint8Array {
    const h = createHash(this.algorithm);
    for (const p of parts) h.update(p);
    return new Uint8Array(h.digest());
  }

  /** The largest power of two smaller than n (n > 1). */
  static split(n: number): number {
    let k = 1;
    while (k * 2 < n) k *= 2;
    return k;
  }

  /** MTH(D[a:b]): HASH() if empty, HASH(0x00 || d) for one leaf, else HASH(0x01 || MTH(left) || MTH(right)). */
  mth(a: number, b: number): Uint8Array {
    const key = `${a}:${b}`;
    let out = this.#memo.get(key);
    if (out !== undefined) return out;
    const n = b - a;
    if (n === 0) out = this.#hash();
    else if (n === 1) out = this.#hash(Uint8Array.of(0x00), this.leaves[a]!);
    else {
      const k = ReferenceTree.split(n);
      out = this.#hash(Uint8Array.of(0x01), this.mth(a, a + k), this.mth(a + k, b));
    }
    this.#memo.set(key, out);
    return out;
  }

  /** PATH(m, D[a:b]) (§2.1.3.1). */
  path(m: number, a: number, b: number): Uint8Array[] {
    const n = b - a;
    if (n === 1) return [];
    const k = ReferenceTree.split(n);
    if (m < k) return [...this.path(m, a, a + k), this.mth(a + k, b)];
    return [...this.path(m - k, a + k, b), this.mth(a, a + k)];
  }

  /** PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true) (§2.1.4.1), for 0 < m <= n. */
  proof(m: number, n: number): Uint8Array[] {
    return this.subproof(m, 0, n, true);
  }

  subproof(m: number, a: number, b: number, whole: boolean): Uint8Array[] {
    const n = b - a;
    if (m === n) return whole ? [] : [this.mth(a, b)];
    const k = ReferenceTree.split(n);
    if (m <= k) return [...this.subproof(m, a, a + k, whole), this.mth(a + k, b)];
    return [...this.subproof(m - k, a + k, b, false), this.mth(a, a + k)];
  }
}

const hexes = (list: readonly Uint8Array[]): string => list.map(toHex).join(',');

/** A tree of `count` leaves: the CT leaves, then leaves of assorted lengths. */
function leavesOf(count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) =>
    i < LEAF_INPUTS.length
      ? fromHex(LEAF_INPUTS[i]!)
      : new TextEncoder().encode(`leaf ${i} `.repeat(i % 5)),
  );
}

/** Appends all leaves; records the root at each size and every node reported by onNode. */
function grow(hasher: TreeHasher, leafHashes: readonly Uint8Array[]) {
  const acc = new MerkleAccumulator(hasher);
  const nodes = new Map<string, Uint8Array>();
  const roots = [acc.root()];
  const states = [acc.state()];
  for (const leaf of leafHashes) {
    acc.append(leaf, (level, index, hash) => nodes.set(`${level}/${index}`, hash));
    roots.push(acc.root());
    states.push(acc.state());
  }
  const fetch = (plan: ProofPlan): Uint8Array[] =>
    plan.rehash(
      plan.ids.map((id) => nodes.get(`${id.level}/${id.index}`)!),
      hasher,
    );
  return { roots, states, fetch };
}

describe.each([
  ['sha256', RFC9162_SHA256, 300, 64, 100],
  ['sm3', SM3_TREE_HASHER, 64, 32, 40],
] as const)(
  '%s tree against the RFC 9162 reference',
  (algorithm, hasher, maxSize, maxListSize, maxPairSize) => {
    const leaves = leavesOf(maxSize);
    const leafHashes = leaves.map((d) => hasher.hashLeaf(d));
    const ref = new ReferenceTree(algorithm, leaves);
    const { roots, states, fetch } = grow(hasher, leafHashes);

    describe(MerkleAccumulator.name, () => {
      it(`root() is MTH at every size 0..${maxSize}, and so is rootFromLeafHashes()`, () => {
        const bad = roots.flatMap((root, n) => (toHex(root) === toHex(ref.mth(0, n)) ? [] : [n]));
        expect(bad).toEqual([]);
        expect(toHex(rootFromLeafHashes(hasher, leafHashes))).toBe(toHex(ref.mth(0, maxSize)));
      });

      it('fromState() resumes at every size to the same roots', () => {
        const bad: number[] = [];
        states.forEach((state, n) => {
          const acc = MerkleAccumulator.fromState(hasher, n, state);
          if (toHex(acc.root()) !== toHex(roots[n]!)) bad.push(n);
          for (const leaf of leafHashes.slice(n, n + 9)) acc.append(leaf);
          if (toHex(acc.root()) !== toHex(roots[acc.size]!)) bad.push(n);
        });
        expect(bad).toEqual([]);
      });
    });

    describe(inclusionPlan.name, () => {
      it(`with onNode hashes, gives PATH for every leaf of every size 1..${maxSize}, which verifies`, () => {
        const bad: string[] = [];
        for (let size = 1; size <= maxSize; size++) {
          for (let index = 0; index < size; index++) {
            const proof = fetch(inclusionPlan(index, size));
            if (hexes(proof) !== hexes(ref.path(index, 0, size))) bad.push(`${index}/${size}`);
            verifyInclusion(hasher, index, size, leafHashes[index]!, proof, roots[size]!);
          }
        }
        expect(bad).toEqual([]);
      });
    });

    describe(inclusionProof.name, () => {
      it(`gives PATH for every leaf of every size 1..${maxListSize}`, () => {
        const bad: string[] = [];
        for (let size = 1; size <= maxListSize; size++) {
          for (let index = 0; index < size; index++) {
            const proof = inclusionProof(hasher, leafHashes, index, size);
            if (hexes(proof) !== hexes(ref.path(index, 0, size))) bad.push(`${index}/${size}`);
          }
        }
        expect(bad).toEqual([]);
      });
    });

    describe(consistencyPlan.name, () => {
      it(`gives PROOF for every 0 <= size1 <= size2 <= ${maxPairSize}, from onNode hashes and from the list`, () => {
        const bad: string[] = [];
        for (let size2 = 0; size2 <= maxPairSize; size2++) {
          for (let size1 = 0; size1 <= size2; size1++) {
            const want = size1 === 0 ? '' : hexes(ref.proof(size1, size2));
            const fromStore = fetch(consistencyPlan(size1, size2));
            const fromList = consistencyProof(hasher, leafHashes, size1, size2);
            if (hexes(fromStore) !== want || hexes(fromList) !== want)
              bad.push(`${size1}→${size2}`);
            verifyConsistency(hasher, size1, size2, fromStore, roots[size1]!, roots[size2]!);
          }
        }
        expect(bad).toEqual([]);
      });

      it(`gives PROOF for random pairs up to ${maxSize}, which verifies`, () => {
        const pairs = fc
          .integer({ min: 1, max: maxSize })
          .chain((size2) => fc.tuple(fc.integer({ min: 1, max: size2 }), fc.constant(size2)));
        fc.assert(
          fc.property(pairs, ([size1, size2]) => {
            const proof = fetch(consistencyPlan(size1, size2));
            expect(hexes(proof)).toBe(hexes(ref.proof(size1, size2)));
            verifyConsistency(hasher, size1, size2, proof, roots[size1]!, roots[size2]!);
          }),
          { numRuns: 300 },
        );
      });
    });
  },
);

describe('ReferenceTree', () => {
  const ref = new ReferenceTree('sha256', leavesOf(8));

  it('reproduces the CT roots and proofs (testonly/constants.go, reference_test.go, verify_test.go)', () => {
    expect(ROOT_HASHES.map((_, n) => toHex(ref.mth(0, n)))).toEqual(ROOT_HASHES);
    for (const v of INCLUSION_PROOFS)
      expect(ref.path(v.index, 0, v.size).map(toHex)).toEqual(v.proof);
    for (const v of CONSISTENCY_PROOFS)
      expect(ref.proof(v.size1, v.size2).map(toHex)).toEqual(v.proof);
  });
});
