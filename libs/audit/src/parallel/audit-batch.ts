// One batch of the parallel audit, checked without state from other batches: decode and
// canonical form, seq, links inside the batch, stored leaf hashes and columns, and each
// signature against the key the main thread resolved for it (from the key registry at that
// seq). Runs in worker threads (audit.worker.ts) or inline.
import { importSigningPublicKey, type SigningPublicKey } from '@govx/crypto';
import {
  decodeEntry,
  MAX_ENTRY_BYTES,
  MerkleAccumulator,
  treeHasher,
  type TreeHashName,
} from '@govx/ledger-core';
import type { StoredColumns } from '../audit-item.js';
import { verifyEntrySignature } from './entry-signature.js';

export interface BatchKey {
  readonly keyId: string;
  readonly pem: string;
  readonly actor: string;
}

export interface AuditBatchRequest {
  readonly id: number;
  readonly hash: TreeHashName;
  /** seq of the first entry. */
  readonly start: number;
  readonly data: Uint8Array;
  /** ends[i]: where entry i ends in data. */
  readonly ends: Uint32Array;
  /** Stored leaf hashes, 32 bytes per entry; claimed[i] = 1 when entry i has one. */
  readonly leaves: Uint8Array;
  readonly claimed: Uint8Array;
  readonly columns: readonly (StoredColumns | null)[] | null;
  /** keyIndex[i]: the key of entry i in `keys`, or -1 when none counts at its seq. */
  readonly keyIndex: Int32Array;
  readonly keys: readonly BatchKey[];
  /** When the batch holds 2^level entries: its subtree height. */
  readonly level: number | null;
}

export interface AuditBatchResult {
  readonly id: number;
  readonly leafHashes: Uint8Array;
  readonly firstPrev: string | null;
  readonly lastLeaf: string | null;
  readonly subtreeRoot: Uint8Array | null;
  /** Index of the first entry that fails a check, with why (the streaming pass says it exactly). */
  readonly bad: { readonly index: number; readonly why: string } | null;
}

const keyCache = new Map<string, SigningPublicKey>();

function keyFor(k: BatchKey): SigningPublicKey {
  let key = keyCache.get(k.keyId);
  if (!key) {
    key = importSigningPublicKey(k.pem);
    keyCache.set(k.keyId, key);
  }
  return key;
}

export function checkAuditBatch(r: AuditBatchRequest): AuditBatchResult {
  const hasher = treeHasher(r.hash);
  const count = r.ends.length;
  const leafHashes = new Uint8Array(count * 32);
  let firstPrev: string | null = null;
  let prevHex = '';
  let offset = 0;
  const result = (bad: AuditBatchResult['bad'], subtreeRoot: Uint8Array | null) => ({
    id: r.id,
    leafHashes,
    firstPrev,
    lastLeaf: prevHex || null,
    subtreeRoot,
    bad,
  });
  for (let i = 0; i < count; i++) {
    const bytes = r.data.subarray(offset, r.ends[i]);
    offset = r.ends[i]!;
    let entry;
    try {
      entry = decodeEntry(bytes, hasher, MAX_ENTRY_BYTES);
    } catch (e) {
      return result({ index: i, why: (e as Error).message }, null);
    }
    const f = entry.fields;
    if (f.seq !== r.start + i) return result({ index: i, why: 'seq' }, null);
    if (i === 0) firstPrev = f.prev;
    else if (f.prev !== prevHex) return result({ index: i, why: 'prev' }, null);
    if (r.claimed[i] === 1) {
      const claimed = r.leaves.subarray(i * 32, i * 32 + 32);
      if (!Buffer.from(claimed).equals(entry.leafHash))
        return result({ index: i, why: 'leaf' }, null);
    }
    const c = r.columns?.[i];
    if (
      c &&
      (c.seq !== f.seq ||
        c.type !== f.type ||
        c.actor !== f.actor ||
        c.keyId !== f.keyId ||
        c.idem !== f.idem ||
        c.time !== f.time)
    )
      return result({ index: i, why: 'columns' }, null);
    const k = r.keys[r.keyIndex[i]!];
    if (!k || k.keyId !== f.keyId) return result({ index: i, why: 'key' }, null);
    if (k.actor !== f.actor) return result({ index: i, why: 'actor' }, null);
    if (!verifyEntrySignature(f, keyFor(k), bytes))
      return result({ index: i, why: 'signature' }, null);
    leafHashes.set(entry.leafHash, i * 32);
    prevHex = entry.leafHashHex;
  }
  let subtreeRoot: Uint8Array | null = null;
  if (r.level !== null && count === 2 ** r.level) {
    const tree = new MerkleAccumulator(hasher);
    for (let i = 0; i < count; i++) tree.append(leafHashes.subarray(i * 32, i * 32 + 32));
    subtreeRoot = tree.root();
  }
  return result(null, subtreeRoot);
}

/** The top-level keyId of canonical entry bytes (the last `"keyId":"` member), or null. */
export function keyIdOf(bytes: Uint8Array): string | null {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = buf.lastIndexOf('"keyId":"');
  if (at < 0 || at + 9 + 64 > buf.length) return null;
  return buf.toString('latin1', at + 9, at + 9 + 64);
}

/** Whether canonical entry bytes carry a top-level type starting with `key.`. */
export function isKeyEntry(bytes: Uint8Array): boolean {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = buf.lastIndexOf('"type":"');
  return at >= 0 && buf.toString('latin1', at + 8, at + 12) === 'key.';
}

/**
 * The top-level string member starting at the last `key` (e.g. `"type":"`) of canonical
 * entry bytes: `time` and `type` come after the body (RFC 8785 order), so the last
 * occurrence is the entry's own. Null when absent; escapes are not decoded (none occur in
 * a valid time or type).
 */
export function topLevelString(bytes: Uint8Array, key: string): string | null {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = buf.lastIndexOf(key);
  if (at < 0) return null;
  const start = at + key.length;
  const end = buf.indexOf(0x22, start);
  return end < 0 ? null : buf.toString('latin1', start, end);
}
