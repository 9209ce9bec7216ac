import { describe, expect, it } from '@jest/globals';
import { fromHex, toHex } from '@govx/crypto';
import { MerkleAccumulator } from './accumulator.js';
import { RFC9162_SHA256, SM3_TREE_HASHER } from './tree-hasher.js';
import { COMPACT_TREES, LEAF_INPUTS, NODE_HASHES, ROOT_HASHES } from './testonly/ct-vectors.js';

const h = RFC9162_SHA256;
const leafHashes = LEAF_INPUTS.map((hex) => h.hashLeaf(fromHex(hex)));
const hash32 = (byte: number): Uint8Array => new Uint8Array(32).fill(byte);

function build(count: number): MerkleAccumulator {
  const acc = new MerkleAccumulator();
  for (const leaf of leafHashes.slice(0, count)) acc.append(leaf);
  return acc;
}

describe(MerkleAccumulator.name, () => {
  describe('root()', () => {
    it('matches the CT roots at sizes 0..8 (testonly/constants.go RootHashes)', () => {
      const acc = new MerkleAccumulator();
      const roots = [toHex(acc.root())];
      for (const leaf of leafHashes) {
        acc.append(leaf);
        roots.push(toHex(acc.root()));
      }
      expect(roots).toEqual(ROOT_HASHES);
      expect(roots[8]).toBe('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
    });

    it('is the empty root of its hasher at size 0', () => {
      expect(toHex(new MerkleAccumulator(SM3_TREE_HASHER).root())).toBe(
        toHex(SM3_TREE_HASHER.emptyRoot()),
      );
    });

    it('returns a copy that the caller may modify', () => {
      const acc = build(1);
      acc.root().fill(0);
      expect(toHex(acc.root())).toBe(ROOT_HASHES[1]);
    });
  });

  describe('state()', () => {
    it('matches the CT compact ranges at sizes 0..8 (testonly/constants.go CompactTrees)', () => {
      for (let size = 0; size <= 8; size++) {
        expect(build(size).state().map(toHex)).toEqual(COMPACT_TREES[size]);
      }
    });

    it('returns copies', () => {
      const acc = build(3);
      for (const s of acc.state()) s.fill(0);
      expect(toHex(acc.root())).toBe(ROOT_HASHES[3]);
    });
  });

  describe('append()', () => {
    it('reports every perfect-subtree node (testonly/constants.go NodeHashes)', () => {
      const seen: string[][] = [[], [], [], []];
      const acc = new MerkleAccumulator();
      for (const leaf of leafHashes) {
        acc.append(leaf, (level, index, hash) => {
          expect(seen[level]!.length).toBe(index);
          seen[level]!.push(toHex(hash));
        });
      }
      expect(seen).toEqual(NODE_HASHES);
    });

    it('reports the leaf first, then each completed parent upwards', () => {
      const acc = build(7);
      const calls: [number, number][] = [];
      acc.append(leafHashes[7]!, (level, index) => calls.push([level, index]));
      expect(calls).toEqual([
        [0, 7],
        [1, 3],
        [2, 1],
        [3, 0],
      ]);
      expect(acc.size).toBe(8);
    });

    it('addresses nodes exactly beyond 2^32 leaves', () => {
      const size = 2 ** 40 + 5; // binary …101: three subtree roots
      const acc = MerkleAccumulator.fromState(h, size, [hash32(1), hash32(2), hash32(3)]);
      const calls: [number, number][] = [];
      acc.append(hash32(4), (level, index) => calls.push([level, index]));
      expect(calls).toEqual([
        [0, 2 ** 40 + 5],
        [1, 2 ** 39 + 2],
      ]);
      expect(acc.size).toBe(2 ** 40 + 6);
      expect(acc.state()).toHaveLength(3);
    });

    it('does not apply the append when onNode throws', () => {
      const acc = build(3);
      expect(() =>
        acc.append(leafHashes[3]!, (level) => {
          if (level === 2) throw new Error('store down');
        }),
      ).toThrow('store down');
      expect(acc.size).toBe(3);
      expect(toHex(acc.root())).toBe(ROOT_HASHES[3]);
      acc.append(leafHashes[3]!);
      expect(toHex(acc.root())).toBe(ROOT_HASHES[4]);
    });

    it('copies the leaf hash', () => {
      const acc = new MerkleAccumulator();
      const leaf = leafHashes[0]!.slice();
      acc.append(leaf);
      leaf.fill(0);
      expect(toHex(acc.root())).toBe(ROOT_HASHES[1]);
    });

    it('rejects anything but a hash of the hasher size', () => {
      const acc = new MerkleAccumulator();
      expect(() => acc.append(new Uint8Array(31))).toThrow(
        new RangeError('leafHash: expected 32 bytes, got 31'),
      );
      expect(() => acc.append(new Uint8Array(33))).toThrow(RangeError);
      expect(() => acc.append('00' as unknown as Uint8Array)).toThrow(TypeError);
      expect(acc.size).toBe(0);
    });

    it('refuses to grow past 2^53 - 1 leaves', () => {
      const full = Number.MAX_SAFE_INTEGER;
      const acc = MerkleAccumulator.fromState(
        h,
        full,
        Array.from({ length: 53 }, (_, i) => hash32(i)),
      );
      expect(() => acc.append(hash32(0))).toThrow(RangeError);
    });
  });

  describe('appendSubtree()', () => {
    const leaves = Array.from({ length: 200 }, (_, i) =>
      RFC9162_SHA256.hashLeaf(new Uint8Array([i, i >> 8])),
    );
    const subtreeRoot = (from: number, width: number): Uint8Array => {
      const acc = new MerkleAccumulator(RFC9162_SHA256);
      for (let i = from; i < from + width; i++) acc.append(leaves[i]!);
      return acc.root();
    };

    it('gives the roots of appending the leaves one by one, for every aligned mix', () => {
      for (const level of [0, 1, 2, 3, 5]) {
        const width = 2 ** level;
        for (let prefix = 0; prefix <= 64; prefix += width) {
          const oneByOne = new MerkleAccumulator(RFC9162_SHA256);
          const mixed = new MerkleAccumulator(RFC9162_SHA256);
          for (let i = 0; i < prefix; i++) {
            oneByOne.append(leaves[i]!);
            mixed.append(leaves[i]!);
          }
          for (let i = prefix; i < prefix + 2 * width; i++) oneByOne.append(leaves[i]!);
          mixed.appendSubtree(level, subtreeRoot(prefix, width));
          mixed.appendSubtree(level, subtreeRoot(prefix + width, width));
          expect(mixed.size).toBe(oneByOne.size);
          expect(toHex(mixed.root())).toBe(toHex(oneByOne.root()));
          mixed.append(leaves[199]!);
          oneByOne.append(leaves[199]!);
          expect(toHex(mixed.root())).toBe(toHex(oneByOne.root()));
        }
      }
    });

    it('refuses a subtree that is not aligned or not a hash', () => {
      const acc = new MerkleAccumulator(RFC9162_SHA256);
      acc.append(leaves[0]!);
      expect(() => acc.appendSubtree(1, leaves[1]!)).toThrow(RangeError);
      expect(() => acc.appendSubtree(0, new Uint8Array(31))).toThrow(RangeError);
      expect(() => acc.appendSubtree(-1, leaves[1]!)).toThrow();
      expect(acc.size).toBe(1);
    });
  });

  describe('fromState()', () => {
    it('resumes at every size 0..8 to the same roots', () => {
      for (let size = 0; size <= 8; size++) {
        const acc = MerkleAccumulator.fromState(h, size, build(size).state());
        expect(acc.size).toBe(size);
        expect(toHex(acc.root())).toBe(ROOT_HASHES[size]);
        for (const leaf of leafHashes.slice(size)) acc.append(leaf);
        expect(toHex(acc.root())).toBe(ROOT_HASHES[8]);
      }
    });

    it('copies the given hashes', () => {
      const state = build(5).state();
      const acc = MerkleAccumulator.fromState(h, 5, state);
      for (const s of state) s.fill(0);
      expect(toHex(acc.root())).toBe(ROOT_HASHES[5]);
    });

    it('requires popcount(size) hashes of the hasher size', () => {
      expect(() => MerkleAccumulator.fromState(h, 5, [hash32(1)])).toThrow(
        new RangeError('hashes: a tree of size 5 has 2 subtree roots, got 1'),
      );
      expect(() => MerkleAccumulator.fromState(h, 0, [hash32(1)])).toThrow(RangeError);
      expect(() => MerkleAccumulator.fromState(h, 3, [hash32(1), new Uint8Array(31)])).toThrow(
        /^hashes\[1\]: expected 32 bytes/,
      );
      expect(() => MerkleAccumulator.fromState(h, 1, null as unknown as Uint8Array[])).toThrow(
        TypeError,
      );
    });

    it('rejects a size that is not a non-negative safe integer', () => {
      for (const size of [-1, 1.5, NaN, 2 ** 53]) {
        expect(() => MerkleAccumulator.fromState(h, size, [])).toThrow(/^size: /);
      }
    });
  });

  describe('constructor()', () => {
    it('defaults to RFC9162_SHA256 and rejects a non-hasher', () => {
      expect(toHex(new MerkleAccumulator().root())).toBe(ROOT_HASHES[0]);
      expect(() => new MerkleAccumulator({} as typeof h)).toThrow(
        new TypeError('hasher: expected a TreeHasher'),
      );
    });
  });
});
