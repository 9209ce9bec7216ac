// Which stored nodes make up an inclusion or consistency proof, and how to turn their hashes
// into the proof (after transparency-dev/merkle proof/proof.go `Nodes`). A store that keeps
// every perfect-subtree node (MerkleAccumulator's onNode) serves any proof in O(log n) reads.
import {
  assertTreeInt,
  bitAt,
  bitLength,
  isPowerOfTwo,
  shiftRight,
  trailingZeros,
  xor,
} from './bits.js';
import { assertTreeHasher, type TreeHasher } from './tree-hasher.js';

/** A perfect subtree at `level` covering leaves [index·2^level, (index+1)·2^level). */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/**
 * Where a tree that is not perfect needs an "ephemeral" node (one no store keeps because its
 * subtree is incomplete), the two or more stored nodes ids[begin..end) that cover it, lowest
 * level first (as in proof_test.go; proof.go of 2025 also marks a lone covering node).
 */
export interface EphemeralNode {
  readonly id: NodeId;
  readonly begin: number;
  readonly end: number;
}

/** The node ids to fetch for a proof and the recipe that turns their hashes into it. */
export interface ProofPlan {
  readonly ids: readonly NodeId[];
  /** Present when some fetched hashes are folded into one ephemeral node. */
  readonly ephemeral: EphemeralNode | undefined;
  /**
   * The proof (RFC 9162 §2.1.3.1 / §2.1.4.1) from the hashes of `ids`, in the same order.
   * Does not modify `hashes`.
   * @throws TypeError/RangeError naming the argument when the count or a hash length is wrong.
   */
  rehash(hashes: readonly Uint8Array[], hasher: TreeHasher): Uint8Array[];
}

class NodesPlan implements ProofPlan {
  constructor(
    readonly ids: readonly NodeId[],
    readonly ephemeral: EphemeralNode | undefined,
  ) {}

  rehash(hashes: readonly Uint8Array[], hasher: TreeHasher): Uint8Array[] {
    assertTreeHasher(hasher);
    if (!Array.isArray(hashes)) throw new TypeError('hashes: expected an array of Uint8Array');
    if (hashes.length !== this.ids.length) {
      throw new RangeError(`hashes: expected ${this.ids.length} node hashes, got ${hashes.length}`);
    }
    hashes.forEach((h, i) => {
      if (!(h instanceof Uint8Array) || h.length !== hasher.size) {
        throw new RangeError(`hashes[${i}]: expected a ${hasher.size}-byte Uint8Array`);
      }
    });
    const begin = this.ephemeral?.begin ?? 0;
    const end = this.ephemeral?.end ?? 0;
    const proof: Uint8Array[] = hashes.slice(0, begin);
    if (begin < end) {
      let hash = hashes[begin]!;
      for (let i = begin + 1; i < end; i++) hash = hasher.hashChildren(hashes[i]!, hash);
      proof.push(hash);
    }
    for (let i = Math.max(begin, end); i < hashes.length; i++) proof.push(hashes[i]!);
    return proof;
  }

  /** The same plan without its first node (the one the verifier already holds). */
  skipFirst(): NodesPlan {
    const e = this.ephemeral;
    return new NodesPlan(this.ids.slice(1), e && { id: e.id, begin: e.begin - 1, end: e.end - 1 });
  }
}

const EMPTY_PLAN: ProofPlan = new NodesPlan(Object.freeze([]), undefined);

/**
 * The nodes of an inclusion proof for leaf `index` in the tree of `size` leaves (RFC 9162
 * §2.1.3.1), lowest level first. Requires 0 <= index < size.
 * @throws TypeError/RangeError naming the argument.
 */
export function inclusionPlan(index: number, size: number): ProofPlan {
  assertTreeInt(index, 'index');
  assertTreeInt(size, 'size');
  if (index >= size) throw new RangeError(`index: ${index} is out of range for size ${size}`);
  return nodes(index, 0, size).skipFirst();
}

/**
 * The nodes of a consistency proof between the trees of `size1` and `size2` leaves (RFC 9162
 * §2.1.4.1). Requires size1 <= size2; the plan is empty when size1 == size2 or size1 == 0 (the
 * empty tree is a prefix of every tree, and its proof is empty).
 * @throws TypeError/RangeError naming the argument.
 */
export function consistencyPlan(size1: number, size2: number): ProofPlan {
  assertTreeInt(size1, 'size1');
  assertTreeInt(size2, 'size2');
  if (size1 > size2) throw new RangeError(`size1: ${size1} is greater than size2 ${size2}`);
  if (size1 === 0 || size1 === size2) return EMPTY_PLAN;
  // The last perfect subtree of [0, size1) seeds the proof; the verifier knows it only when it
  // is the whole of [0, size1).
  const level = trailingZeros(size1);
  const plan = nodes(shiftRight(size1 - 1, level), level, size2);
  return isPowerOfTwo(size1) ? plan.skipFirst() : plan;
}

/**
 * The node (level, index) followed by the nodes proving its inclusion in the tree of `size`:
 * its siblings up to the `fork`, where its path and the right border diverge; the nodes covering
 * [end of fork, size), folded into the fork's ephemeral sibling; the nodes covering [0, start of
 * fork). Requires the node to lie inside [0, size).
 */
function nodes(index: number, level: number, size: number): NodesPlan {
  const inner = bitLength(xor(index, shiftRight(size, level))) - 1;
  const forkLevel = level + inner;
  const forkIndex = shiftRight(index, inner);
  const forkBegin = forkIndex * 2 ** forkLevel;
  const forkEnd = forkBegin + 2 ** forkLevel;

  const ids: NodeId[] = [{ level, index }];
  for (let l = level, i = index; l < forkLevel; l++, i = shiftRight(i, 1)) {
    ids.push({ level: l, index: i % 2 === 0 ? i + 1 : i - 1 });
  }
  const begin = ids.length;
  pushRangeNodes(ids, forkEnd, size - forkEnd);
  const end = ids.length;
  pushRangeNodes(ids, 0, forkBegin);

  // One node standing in for the fork's sibling is sent as is; two or more are folded.
  const ephemeral =
    end - begin > 1
      ? {
          id: { level: forkLevel, index: forkIndex % 2 === 0 ? forkIndex + 1 : forkIndex - 1 },
          begin,
          end,
        }
      : undefined;
  return new NodesPlan(ids, ephemeral);
}

/**
 * Appends the perfect subtrees covering [start, start + count), lowest level first. Requires
 * `start` to be a multiple of 2^bitLength(count), so they are the one bits of `count`.
 */
function pushRangeNodes(ids: NodeId[], start: number, count: number): void {
  const bits = bitLength(count);
  for (let b = 0; b < bits; b++) {
    if (bitAt(count, b) === 0) continue;
    const width = 2 ** (b + 1);
    const offset = start + Math.floor(count / width) * width;
    ids.push({ level: b, index: offset / 2 ** b });
  }
}
