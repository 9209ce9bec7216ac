// Verification of inclusion and consistency proofs (RFC 9162 §2.1.3.2, §2.1.4.2), after
// transparency-dev/merkle proof/verify.go. Every input is untrusted: any failure, malformed
// arguments included, is a ProofError, and nothing is accepted that the RFC would reject.
import { equalBytes, toHex } from '@govx/crypto';
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
import { ProofError } from './proof.error.js';
import { assertTreeHasher, type TreeHasher } from './tree-hasher.js';

/**
 * Succeeds iff `proof` shows that `leafHash` is leaf `index` of the tree of `size` leaves whose
 * root is `root`. MUST NOT accept index >= size, a proof of the wrong length, hashes of the wrong
 * length or a root that differs.
 * @throws ProofError with the reason in `code`.
 */
export function verifyInclusion(
  hasher: TreeHasher,
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  checkArguments(hasher, proof, [index, 'index'], [size, 'size']);
  checkIndex(index, size);
  checkHash(hasher, root, 'root');
  matchRoot(rootFromInclusionProof(hasher, index, size, leafHash, proof), root, 'root');
}

/**
 * The root of the tree of `size` leaves implied by `proof` for `leafHash` at `index` (RFC 9162
 * §2.1.3.2 steps 1-5). Trust it only after comparing it with a root from a verified checkpoint.
 * @throws ProofError when the arguments or the proof's shape are invalid.
 */
export function rootFromInclusionProof(
  hasher: TreeHasher,
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array {
  checkArguments(hasher, proof, [index, 'index'], [size, 'size']);
  checkIndex(index, size);
  checkHash(hasher, leafHash, 'leafHash');
  const { inner, border } = decomposeInclusion(index, size);
  checkProof(hasher, proof, inner + border);
  const hash = chainInner(hasher, leafHash, proof, 0, inner, index);
  return chainBorderRight(hasher, hash, proof, inner);
}

/**
 * Succeeds iff `proof` shows that the tree of `size1` leaves with root `root1` is a prefix of the
 * tree of `size2` leaves with root `root2`. When size1 == size2 the proof MUST be empty and the
 * roots equal; when size1 == 0 the proof MUST be empty and root1 the empty root. MUST NOT accept
 * size1 > size2, a proof of the wrong length, hashes of the wrong length or a root that differs.
 * @throws ProofError with the reason in `code`.
 */
export function verifyConsistency(
  hasher: TreeHasher,
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  checkArguments(hasher, proof, [size1, 'size1'], [size2, 'size2']);
  if (size1 > size2) {
    throw new ProofError('size-order', `size1 ${size1} is greater than size2 ${size2}`);
  }
  checkHash(hasher, root1, 'root1');
  checkHash(hasher, root2, 'root2');
  if (size1 === size2 || size1 === 0) {
    checkProof(hasher, proof, 0);
    if (size1 === 0) matchRoot(hasher.emptyRoot(), root1, 'root1');
    if (size1 === size2) matchRoot(root1, root2, 'root2');
    return;
  }
  // RFC 9162 §2.1.4.2. The proof starts with the hash of the last perfect subtree of [0, size1)
  // unless that subtree is the whole tree, which the verifier knows as root1.
  const shift = trailingZeros(size1);
  const { inner: fullInner, border } = decomposeInclusion(size1 - 1, size2);
  const inner = fullInner - shift;
  const seeded = isPowerOfTwo(size1);
  checkProof(hasher, proof, (seeded ? 0 : 1) + inner + border);
  const seed = seeded ? root1 : proof[0]!;
  const start = seeded ? 0 : 1;
  const mask = shiftRight(size1 - 1, shift);

  let hash1 = chainInnerRight(hasher, seed, proof, start, inner, mask);
  hash1 = chainBorderRight(hasher, hash1, proof, start + inner);
  matchRoot(hash1, root1, 'root1');

  let hash2 = chainInner(hasher, seed, proof, start, inner, mask);
  hash2 = chainBorderRight(hasher, hash2, proof, start + inner);
  matchRoot(hash2, root2, 'root2');
}

/**
 * Splits the inclusion proof of `index` in a tree of `size` where the paths to `index` and to
 * `size - 1` meet: `inner` hashes below that point, `border` hashes along the right border.
 */
function decomposeInclusion(index: number, size: number): { inner: number; border: number } {
  const inner = bitLength(xor(index, size - 1));
  return { inner, border: onesCount(shiftRight(index, inner)) };
}

/** Hashes proof[from, from+count) into `seed`, on the side given by the bits of `index`. */
function chainInner(
  hasher: TreeHasher,
  seed: Uint8Array,
  proof: readonly Uint8Array[],
  from: number,
  count: number,
  index: number,
): Uint8Array {
  let hash = seed;
  for (let i = 0; i < count; i++) {
    const h = proof[from + i]!;
    hash = bitAt(index, i) === 0 ? hasher.hashChildren(hash, h) : hasher.hashChildren(h, hash);
  }
  return hash;
}

/** Like chainInner but only the left siblings: the subtree as it was before the right grew. */
function chainInnerRight(
  hasher: TreeHasher,
  seed: Uint8Array,
  proof: readonly Uint8Array[],
  from: number,
  count: number,
  index: number,
): Uint8Array {
  let hash = seed;
  for (let i = 0; i < count; i++) {
    if (bitAt(index, i) === 1) hash = hasher.hashChildren(proof[from + i]!, hash);
  }
  return hash;
}

/** Hashes the left siblings proof[from..] along the right border into `seed`. */
function chainBorderRight(
  hasher: TreeHasher,
  seed: Uint8Array,
  proof: readonly Uint8Array[],
  from: number,
): Uint8Array {
  let hash = seed;
  for (let i = from; i < proof.length; i++) hash = hasher.hashChildren(proof[i]!, hash);
  return hash;
}

function checkArguments(
  hasher: TreeHasher,
  proof: readonly Uint8Array[],
  ...ints: readonly [value: number, name: string][]
): void {
  try {
    assertTreeHasher(hasher);
    for (const [value, name] of ints) assertTreeInt(value, name);
    if (!Array.isArray(proof)) throw new TypeError('proof: expected an array of Uint8Array');
  } catch (cause) {
    throw new ProofError('bad-argument', (cause as Error).message, { cause });
  }
}

function checkIndex(index: number, size: number): void {
  if (index >= size) {
    throw new ProofError('index-out-of-range', `index ${index} is out of range for size ${size}`);
  }
}

function checkHash(hasher: TreeHasher, value: Uint8Array, name: string): void {
  if (!(value instanceof Uint8Array)) {
    throw new ProofError('bad-argument', `${name}: expected Uint8Array`);
  }
  if (value.length !== hasher.size) {
    throw new ProofError(
      'hash-length',
      `${name}: expected ${hasher.size} bytes, got ${value.length}`,
      {
        expected: String(hasher.size),
        actual: String(value.length),
      },
    );
  }
}

function checkProof(hasher: TreeHasher, proof: readonly Uint8Array[], length: number): void {
  if (proof.length !== length) {
    throw new ProofError('proof-length', `proof: expected ${length} hashes, got ${proof.length}`, {
      expected: String(length),
      actual: String(proof.length),
    });
  }
  proof.forEach((h, i) => checkHash(hasher, h, `proof[${i}]`));
}

function matchRoot(computed: Uint8Array, expected: Uint8Array, name: string): void {
  if (!equalBytes(computed, expected)) {
    throw new ProofError(
      'root-mismatch',
      `${name}: the proof leads to ${toHex(computed)}, not ${toHex(expected)}`,
      {
        expected: toHex(expected),
        actual: toHex(computed),
      },
    );
  }
}
