import { readChainFieldsUnsafe } from '../entry/chain-fields.js';
import { decodeEntry } from '../entry/decode.js';
import type { Entry } from '../entry/entry.js';
import { MalformedEntryError } from '../errors.js';
import type { TreeHasher } from '../merkle/index.js';

export interface ReadEntry {
  readonly seq: number;
  readonly prev: string;
  readonly leafHash: Uint8Array;
  /** The decoded entry; null in chain-only mode. */
  readonly entry: Entry | null;
}

/**
 * What every verifier reads of one entry: fully decoded, or in chain-only mode just seq and
 * prev by the canonical layout (readChainFieldsUnsafe). Throws MalformedEntryError.
 */
export function readEntry(
  bytes: Uint8Array,
  hasher: TreeHasher,
  maxEntryBytes: number,
  chainOnly: boolean,
): ReadEntry {
  if (!chainOnly) {
    const entry = decodeEntry(bytes, hasher, maxEntryBytes);
    return { seq: entry.seq, prev: entry.prev, leafHash: entry.leafHash, entry };
  }
  if (bytes.length > maxEntryBytes) {
    throw new MalformedEntryError(
      `entry is ${bytes.length} bytes, more than the limit of ${maxEntryBytes}`,
    );
  }
  const { seq, prev } = readChainFieldsUnsafe(bytes);
  return { seq, prev, leafHash: hasher.hashLeaf(bytes), entry: null };
}
