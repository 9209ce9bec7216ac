// Leaf and interior-node hashing of the RFC 9162 Merkle tree, for SHA-256 and SM3.
import { hash } from 'node:crypto';

/** RFC 9162 §2.1.1: the hash of a leaf is HASH(0x00 || leaf). */
export const LEAF_PREFIX = 0x00;
/** RFC 9162 §2.1.1: the hash of an interior node is HASH(0x01 || left || right). */
export const NODE_PREFIX = 0x01;

/** The hash functions a log may be built on. */
export type TreeHashName = 'sha256' | 'sm3';

/**
 * Domain-separated hashing of a Merkle tree (RFC 9162 §2.1.1). The leaf and node prefixes
 * MUST differ, so that no leaf hash can be passed off as an interior node (second preimage).
 */
export interface TreeHasher {
  readonly name: TreeHashName;
  /** Output length in bytes. */
  readonly size: 32;
  /** MTH({}) = HASH(), the root of the empty tree. */
  emptyRoot(): Uint8Array;
  /** HASH(0x00 || leaf). */
  hashLeaf(leaf: Uint8Array): Uint8Array;
  /**
   * HASH(0x01 || left || right). Accepts inputs of any length (as RFC 9162 does); callers that
   * take hashes from untrusted input MUST check their lengths first, as `verify*` do.
   */
  hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array;
}

const HASH_SIZE = 32;
/** Bound on the distinct leaf lengths whose input buffers hashLeaf keeps. */
const MAX_CACHED_LEAF_LENGTHS = 1024;
/** Longer leaves get a fresh buffer (keeps the cache under 4 MiB). */
const MAX_CACHED_LEAF_INPUT = 4096;

function assertInput(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name}: expected Uint8Array`);
}

/** The digest as a plain Uint8Array (no Buffer: its `slice` is a view, not a copy). */
function digest(algorithm: TreeHashName, data: Uint8Array): Uint8Array {
  const out = hash(algorithm, data, 'buffer');
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

class PrefixTreeHasher implements TreeHasher {
  readonly size = HASH_SIZE;
  /** Reused input of hashChildren for two 32-byte children; node:crypto copies it synchronously. */
  readonly #scratch = new Uint8Array(1 + 2 * HASH_SIZE);
  #empty: Uint8Array | undefined;
  /** Reused inputs of hashLeaf (0x00 ‖ leaf), by length; node:crypto copies synchronously. */
  readonly #leafInputs = new Map<number, Uint8Array>();

  constructor(readonly name: TreeHashName) {
    this.#scratch[0] = NODE_PREFIX;
  }

  emptyRoot(): Uint8Array {
    this.#empty ??= digest(this.name, new Uint8Array(0));
    return this.#empty.slice();
  }

  hashLeaf(leaf: Uint8Array): Uint8Array {
    assertInput(leaf, 'leaf');
    // One reused input buffer per length: a fresh typed array per leaf, or a view of one
    // larger scratch buffer, costs more than the hash itself (docs/performance.md).
    const length = 1 + leaf.length;
    let input = this.#leafInputs.get(length);
    if (input === undefined && length > MAX_CACHED_LEAF_INPUT) {
      input = new Uint8Array(length);
    } else if (input === undefined) {
      if (this.#leafInputs.size >= MAX_CACHED_LEAF_LENGTHS) this.#leafInputs.clear();
      input = new Uint8Array(length);
      input[0] = LEAF_PREFIX;
      this.#leafInputs.set(length, input);
    }
    input.set(leaf, 1);
    return digest(this.name, input);
  }

  hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
    assertInput(left, 'left');
    assertInput(right, 'right');
    if (left.length === HASH_SIZE && right.length === HASH_SIZE) {
      const input = this.#scratch;
      input.set(left, 1);
      input.set(right, 1 + HASH_SIZE);
      return digest(this.name, input);
    }
    const input = new Uint8Array(1 + left.length + right.length);
    input[0] = NODE_PREFIX;
    input.set(left, 1);
    input.set(right, 1 + left.length);
    return digest(this.name, input);
  }
}

/** RFC 9162 with SHA-256 (the RFC 6962 tree of Certificate Transparency): the default. */
export const RFC9162_SHA256: TreeHasher = Object.freeze(new PrefixTreeHasher('sha256'));

/** The RFC 9162 construction with SM3 (GB/T 32905), for logs of the 'sm' suite. */
export const SM3_TREE_HASHER: TreeHasher = Object.freeze(new PrefixTreeHasher('sm3'));

/** The tree hasher for `name`. @throws RangeError for an unknown name. */
export function treeHasher(name: TreeHashName): TreeHasher {
  if (name === 'sha256') return RFC9162_SHA256;
  if (name === 'sm3') return SM3_TREE_HASHER;
  throw new RangeError(`name: unknown tree hash ${JSON.stringify(name)}`);
}

/** Asserts that `hasher` looks like a TreeHasher; names the argument. */
export function assertTreeHasher(hasher: unknown, name = 'hasher'): asserts hasher is TreeHasher {
  const h = hasher as Partial<TreeHasher> | null | undefined;
  if (
    typeof h !== 'object' ||
    h === null ||
    typeof h.hashChildren !== 'function' ||
    typeof h.hashLeaf !== 'function' ||
    typeof h.emptyRoot !== 'function' ||
    h.size !== HASH_SIZE
  ) {
    throw new TypeError(`${name}: expected a TreeHasher`);
  }
}
