// The compact range [0, size) of an append-only Merkle tree: one perfect-subtree root per one
// bit of `size`, so O(log n) memory (transparency-dev/merkle compact.Range).
import { assertTreeInt, onesCount } from './bits.js';
import { RFC9162_SHA256, assertTreeHasher, type TreeHasher } from './tree-hasher.js';

/**
 * Receives every node hash an append completes: the leaf at level 0, then each parent that the
 * append makes perfect. The node at (level, index) covers leaves [index·2^level, (index+1)·2^level).
 * It MUST NOT mutate `hash` (the accumulator keeps it).
 */
export type NodeVisitor = (level: number, index: number, hash: Uint8Array) => void;

/** Incremental appender, O(log n) memory: the compact range [0, size). */
export class MerkleAccumulator {
  readonly #hasher: TreeHasher;
  /** Perfect-subtree roots, left to right: strictly decreasing heights, one per set bit of size. */
  readonly #hashes: Uint8Array[];
  #size: number;

  constructor(hasher: TreeHasher = RFC9162_SHA256) {
    assertTreeHasher(hasher);
    this.#hasher = hasher;
    this.#hashes = [];
    this.#size = 0;
  }

  /**
   * Resumes from a persisted `state()`.
   * @param hashes the perfect-subtree roots of [0, size), left to right; MUST number popcount(size).
   * @throws TypeError/RangeError naming the argument when `size` or `hashes` is malformed.
   */
  static fromState(
    hasher: TreeHasher,
    size: number,
    hashes: readonly Uint8Array[],
  ): MerkleAccumulator {
    assertTreeInt(size, 'size');
    if (!Array.isArray(hashes)) throw new TypeError('hashes: expected an array of Uint8Array');
    const want = onesCount(size);
    if (hashes.length !== want) {
      throw new RangeError(
        `hashes: a tree of size ${size} has ${want} subtree roots, got ${hashes.length}`,
      );
    }
    const acc = new MerkleAccumulator(hasher);
    hashes.forEach((h, i) => acc.#hashes.push(copyHash(h, `hashes[${i}]`, hasher.size)));
    acc.#size = size;
    return acc;
  }

  get size(): number {
    return this.#size;
  }

  /** Perfect-subtree roots, left to right (what a checkpoint store or verifier persists); copies. */
  state(): Uint8Array[] {
    return this.#hashes.map((h) => h.slice());
  }

  /**
   * Appends a LEAF HASH (already hashLeaf'ed), not leaf data.
   * @param onNode called for each node this append completes, leaf first (see NodeVisitor). If it
   *   throws, the append is not applied and the error propagates.
   * @throws TypeError/RangeError when `leafHash` is not a hash of the hasher's size, or the tree
   *   is full (2^53 - 1 leaves).
   */
  append(leafHash: Uint8Array, onNode?: NodeVisitor): void {
    const size = this.#size;
    if (size === Number.MAX_SAFE_INTEGER) throw new RangeError('size: the tree is full');
    const hasher = this.#hasher;
    const hashes = this.#hashes;
    let hash = copyHash(leafHash, 'leafHash', hasher.size);
    onNode?.(0, size, hash);
    // Each trailing one bit of `size` is a left sibling that the new node completes.
    let top = hashes.length;
    let level = 0;
    let index = size;
    while (index % 2 === 1) {
      hash = hasher.hashChildren(hashes[--top]!, hash);
      level++;
      index = (index - 1) / 2;
      onNode?.(level, index, hash);
    }
    hashes.length = top;
    hashes.push(hash);
    this.#size = size + 1;
  }

  /**
   * Appends a whole perfect subtree of 2^level leaves by its root hash, as if its leaves had
   * been appended one by one (used by verifiers that hash batches in parallel).
   * @throws RangeError unless size is a multiple of 2^level (the subtree MUST be aligned).
   */
  appendSubtree(level: number, rootHash: Uint8Array): void {
    assertTreeInt(level, 'level');
    const width = 2 ** level;
    const size = this.#size;
    if (level > 52 || size % width !== 0 || size + width > Number.MAX_SAFE_INTEGER) {
      throw new RangeError(`level: a subtree of 2^${level} leaves cannot start at size ${size}`);
    }
    const hashes = this.#hashes;
    let hash = copyHash(rootHash, 'rootHash', this.#hasher.size);
    let index = size / width;
    while (index % 2 === 1) {
      hash = this.#hasher.hashChildren(hashes.pop()!, hash);
      index = (index - 1) / 2;
    }
    hashes.push(hash);
    this.#size = size + width;
  }

  /** MTH of the whole tree (RFC 9162 §2.1.1); `emptyRoot()` at size 0. */
  root(): Uint8Array {
    const hashes = this.#hashes;
    let i = hashes.length - 1;
    if (i < 0) return this.#hasher.emptyRoot();
    let root = hashes[i]!;
    while (--i >= 0) root = this.#hasher.hashChildren(hashes[i]!, root);
    return root === hashes[hashes.length - 1] ? root.slice() : root;
  }
}

function copyHash(value: unknown, name: string, size: number): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name}: expected Uint8Array`);
  if (value.length !== size) {
    throw new RangeError(`${name}: expected ${size} bytes, got ${value.length}`);
  }
  return new Uint8Array(value);
}
