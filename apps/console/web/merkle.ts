// RFC 9162 §2.1.3.2: verifying an inclusion proof, with SHA-256 (the intl suite's hash).
import { concat, fromHex, sha256 } from './bytes.js';

const NODE_PREFIX = new Uint8Array([0x01]); // RFC 9162 §2.1.1: interior node hash prefix

export interface InclusionProof {
  readonly leafHash: string;
  readonly index: number;
  readonly treeSize: number;
  readonly proof: readonly string[];
  readonly root: string;
}

/**
 * The root that `leaf` at `index` and the audit path imply for a tree of `size` leaves, or
 * null when the path cannot belong to such a tree (RFC 9162 §2.1.3.2).
 */
export async function rootFromInclusionProof(
  index: number,
  size: number,
  leaf: Uint8Array,
  path: readonly Uint8Array[],
): Promise<Uint8Array | null> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size)
    return null;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  const half = (n: number): number => Math.floor(n / 2);
  for (const p of path) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(concat(NODE_PREFIX, p, r));
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = await sha256(concat(NODE_PREFIX, r, p));
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : null;
}

/** Parses the proof path of a `govx proof` inclusion document. */
export function proofPath(doc: InclusionProof): Uint8Array[] {
  if (!Array.isArray(doc.proof)) throw new TypeError('proof: expected an array');
  return doc.proof.map((h, i) => fromHex(h, `proof[${i}]`));
}
