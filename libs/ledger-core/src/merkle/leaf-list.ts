// Roots and proofs over an in-memory list of leaf hashes: O(n) per call, for tests, tools and
// small logs. A log store answers the same questions in O(log n) from a ProofPlan instead.
import { assertTreeInt } from './bits.js';
import { MerkleAccumulator } from './accumulator.js';
import { consistencyPlan, inclusionPlan, type NodeId, type ProofPlan } from './proof-plan.js';
import { assertTreeHasher, type TreeHasher } from './tree-hasher.js';

/** MTH(D[n]) of the leaves whose hashes are given (RFC 9162 §2.1.1). */
export function rootFromLeafHashes(
  hasher: TreeHasher,
  leafHashes: readonly Uint8Array[],
): Uint8Array {
  assertLeafHashes(hasher, leafHashes, leafHashes?.length);
  const acc = new MerkleAccumulator(hasher);
  for (const h of leafHashes) acc.append(h);
  return acc.root();
}

/**
 * PATH(index, D[size]) (RFC 9162 §2.1.3.1) over the first `size` leaf hashes, lowest level first.
 * @param size defaults to all of `leafHashes`.
 * @throws TypeError/RangeError naming the argument unless 0 <= index < size <= leafHashes.length.
 */
export function inclusionProof(
  hasher: TreeHasher,
  leafHashes: readonly Uint8Array[],
  index: number,
  size: number = leafHashes?.length,
): Uint8Array[] {
  assertLeafHashes(hasher, leafHashes, size);
  return build(hasher, leafHashes, inclusionPlan(index, size));
}

/**
 * PROOF(size1, D[size2]) (RFC 9162 §2.1.4.1) over the first `size2` leaf hashes; empty when
 * size1 == size2 or size1 == 0.
 * @throws TypeError/RangeError naming the argument unless size1 <= size2 <= leafHashes.length.
 */
export function consistencyProof(
  hasher: TreeHasher,
  leafHashes: readonly Uint8Array[],
  size1: number,
  size2: number,
): Uint8Array[] {
  assertLeafHashes(hasher, leafHashes, size2, 'size2');
  return build(hasher, leafHashes, consistencyPlan(size1, size2));
}

function build(
  hasher: TreeHasher,
  leafHashes: readonly Uint8Array[],
  plan: ProofPlan,
): Uint8Array[] {
  return plan.rehash(
    plan.ids.map((id) => perfectSubtreeHash(hasher, leafHashes, id)),
    hasher,
  );
}

/** The hash of the perfect subtree `id`, by pairwise reduction of its 2^level leaves. */
function perfectSubtreeHash(
  hasher: TreeHasher,
  leafHashes: readonly Uint8Array[],
  id: NodeId,
): Uint8Array {
  const width = 2 ** id.level;
  let row = leafHashes.slice(id.index * width, (id.index + 1) * width);
  while (row.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < row.length; i += 2) next.push(hasher.hashChildren(row[i]!, row[i + 1]!));
    row = next;
  }
  return row[0]!;
}

function assertLeafHashes(
  hasher: TreeHasher,
  leafHashes: readonly Uint8Array[],
  size: number,
  sizeName = 'size',
): void {
  assertTreeHasher(hasher);
  if (!Array.isArray(leafHashes))
    throw new TypeError('leafHashes: expected an array of Uint8Array');
  assertTreeInt(size, sizeName);
  if (size > leafHashes.length) {
    throw new RangeError(`${sizeName}: ${size} exceeds the ${leafHashes.length} leaf hashes given`);
  }
  for (let i = 0; i < size; i++) {
    const h = leafHashes[i];
    if (!(h instanceof Uint8Array) || h.length !== hasher.size) {
      throw new RangeError(`leafHashes[${i}]: expected a ${hasher.size}-byte Uint8Array`);
    }
  }
}
