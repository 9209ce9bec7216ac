// The part of verification that needs no state from earlier batches: decode, canonical form,
// seq and the links inside one batch, leaf hashes, and the batch's subtree root. Runs in
// worker threads (batch.worker.ts) or inline.
import { toHex } from '@govx/crypto';
import { readEntry, type ReadEntry } from './read-entry.js';
import { VerifyReason } from '../errors.js';
import { MerkleAccumulator, treeHasher, type TreeHashName } from '../merkle/index.js';

export interface BatchRequest {
  readonly id: number;
  readonly hash: TreeHashName;
  readonly maxEntryBytes: number;
  /** 'chain': integrity only (see StreamingVerifier's chainOnlyUnsafe). */
  readonly mode: 'full' | 'chain';
  /** seq of the first entry. */
  readonly start: number;
  /** The entries' bytes, concatenated. */
  readonly data: Uint8Array;
  /** ends[i] is where entry i ends in data. */
  readonly ends: Uint32Array;
  /** When the batch is full and aligned: its subtree height (the batch holds 2^level entries). */
  readonly level: number | null;
}

export interface BatchResult {
  readonly id: number;
  /** Leaf hashes of the entries checked, 32 bytes each (entries before `failure`). */
  readonly leafHashes: Uint8Array;
  /** `prev` of the first entry, for the caller to link to the previous batch. */
  readonly firstPrev: string | null;
  /** Root of the batch's perfect subtree, when `level` was given and no entry failed. */
  readonly subtreeRoot: Uint8Array | null;
  /** The first failure inside the batch, by index in the batch. */
  readonly failure: {
    readonly index: number;
    readonly reason: VerifyReason;
    readonly message: string;
  } | null;
}

export function checkBatch(request: BatchRequest): BatchResult {
  const hasher = treeHasher(request.hash);
  const { data, ends, start } = request;
  const count = ends.length;
  const leafHashes = new Uint8Array(count * hasher.size);
  let firstPrev: string | null = null;
  let prevHex = '';
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const end = ends[i]!;
    const fail = (reason: VerifyReason, message: string): BatchResult => ({
      id: request.id,
      leafHashes: leafHashes.slice(0, i * hasher.size),
      firstPrev,
      subtreeRoot: null,
      failure: { index: i, reason, message },
    });
    let read: ReadEntry;
    try {
      read = readEntry(
        data.subarray(offset, end),
        hasher,
        request.maxEntryBytes,
        request.mode === 'chain',
      );
    } catch (e) {
      return fail(VerifyReason.MalformedEntry, (e as Error).message);
    }
    const seq = start + i;
    if (read.seq !== seq)
      return fail(VerifyReason.SeqGap, `expected entry ${seq}, found seq ${read.seq}`);
    if (i === 0) firstPrev = read.prev;
    else if (read.prev !== prevHex) {
      return fail(VerifyReason.BrokenChain, `prev is ${read.prev}, expected ${prevHex}`);
    }
    leafHashes.set(read.leafHash, i * hasher.size);
    prevHex = toHex(read.leafHash);
    offset = end;
  }
  let subtreeRoot: Uint8Array | null = null;
  if (request.level !== null && count === 2 ** request.level) {
    const tree = new MerkleAccumulator(hasher);
    for (let i = 0; i < count; i++)
      tree.append(leafHashes.subarray(i * hasher.size, (i + 1) * hasher.size));
    subtreeRoot = tree.root();
  }
  return { id: request.id, leafHashes, firstPrev, subtreeRoot, failure: null };
}

/** Hex of the i-th 32-byte hash in a packed array. */
export function packedHex(hashes: Uint8Array, i: number): string {
  return toHex(hashes.subarray(i * 32, (i + 1) * 32));
}
