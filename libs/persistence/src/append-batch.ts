// One appendBatch as one SQL statement: a compare-and-swap of the tree state that gates the
// multi-row inserts of the entries and of the Merkle nodes they complete.
import { equalBytes } from '@govx/crypto';
import {
  ChainBrokenError,
  Entry,
  MerkleAccumulator,
  type AppenderState,
  type TreeHasher,
} from '@govx/ledger-core';
import { LedgerTable, TREE_STATE_ID } from './schema.js';

/**
 * The rows one batch inserts, as column arrays that APPEND_SQL unnests. Byte columns travel
 * as one binary blob each (node-postgres sends a Buffer parameter as is), cut apart in SQL:
 * a bytea[] parameter would be hex text, several times slower to build, send and parse.
 */
export interface AppendRows {
  readonly seq: number[];
  /** Leaf hash i at [32·i, 32·i + 32). */
  readonly leafHashes: Uint8Array;
  /** Entry i's bytes at [bytesOffset[i], bytesOffset[i] + bytesLength[i]). */
  readonly bytes: Uint8Array;
  readonly bytesOffset: number[];
  readonly bytesLength: number[];
  readonly type: string[];
  readonly actor: string[];
  readonly keyId: string[];
  readonly idem: string[];
  readonly time: string[];
  readonly nodeLevel: number[];
  readonly nodeIndex: number[];
  /** Node hash i at [32·i, 32·i + 32). */
  readonly nodeHashes: Uint8Array;
}

export interface PreparedAppend {
  readonly rows: AppendRows;
  readonly next: AppenderState;
}

/** Earliest `time` PostgreSQL's timestamptz takes (it has no year 0). */
const MIN_TIME = '0001-01-01T00:00:00.000Z';

/**
 * Checks `entries` as a batch: Entry instances, consecutive seqs, each `prev` the leaf hash of
 * the one before, leaf hashes made with `hasher`, times PostgreSQL can hold. Does not check the
 * first entry against the stored state: see checkBase.
 * @throws TypeError/RangeError naming the argument, ChainBrokenError inside the batch.
 */
export function checkBatch(hasher: TreeHasher, entries: readonly Entry[]): void {
  if (!Array.isArray(entries)) throw new TypeError('entries: expected an array of Entry');
  entries.forEach((entry: unknown, i) => {
    if (!(entry instanceof Entry)) throw new TypeError(`entries[${i}]: expected an Entry`);
    const first = entries[0]!;
    if (entry.seq !== first.seq + i) {
      throw new RangeError(`entries[${i}].seq: expected ${first.seq + i}, got ${entry.seq}`);
    }
    if (i > 0 && entry.prev !== entries[i - 1]!.leafHashHex) {
      throw new ChainBrokenError(entry.seq, entries[i - 1]!.leafHashHex, entry.prev);
    }
    if (!equalBytes(hasher.hashLeaf(entry.bytes), entry.leafHash)) {
      throw new RangeError(
        `entries[${i}].leafHash: not the ${hasher.name} leaf hash of its bytes (wrong hasher?)`,
      );
    }
    if (entry.fields.time < MIN_TIME) {
      throw new RangeError(`entries[${i}].time: ${entry.fields.time} is before year 1`);
    }
  });
}

/** The first entry MUST continue `base`. @throws ChainBrokenError. */
export function checkBase(base: AppenderState, first: Entry): void {
  if (first.prev !== base.tip) throw new ChainBrokenError(first.seq, base.tip, first.prev);
}

/** Rows and next state of a checked batch appended to `base` (whose size is entries[0].seq). */
export function prepareAppend(
  hasher: TreeHasher,
  base: AppenderState,
  entries: readonly Entry[],
): PreparedAppend {
  const tree = MerkleAccumulator.fromState(hasher, base.size, base.subtrees);
  const nodeLevel: number[] = [];
  const nodeIndex: number[] = [];
  const nodeHashes: Uint8Array[] = [];
  const onNode = (level: number, index: number, hash: Uint8Array): void => {
    nodeLevel.push(level);
    nodeIndex.push(index);
    nodeHashes.push(hash);
  };
  const bytesOffset: number[] = [];
  const bytesLength: number[] = [];
  let total = 0;
  for (const entry of entries) {
    bytesOffset.push(total);
    bytesLength.push(entry.bytes.length);
    total += entry.bytes.length;
    tree.append(entry.leafHash, onNode);
  }
  const bytes = new Uint8Array(total);
  entries.forEach((entry, i) => bytes.set(entry.bytes, bytesOffset[i]));
  const fields = entries.map((entry) => entry.fields);
  const rows: AppendRows = {
    seq: fields.map((f) => f.seq),
    leafHashes: packHashes(entries.map((entry) => entry.leafHash)),
    bytes,
    bytesOffset,
    bytesLength,
    type: fields.map((f) => f.type),
    actor: fields.map((f) => f.actor),
    keyId: fields.map((f) => f.keyId),
    idem: fields.map((f) => f.idem),
    time: fields.map((f) => f.time),
    nodeLevel,
    nodeIndex,
    nodeHashes: packHashes(nodeHashes),
  };
  const last = entries[entries.length - 1];
  const next: AppenderState = {
    size: tree.size,
    tip: last === undefined ? base.tip : last.leafHashHex,
    subtrees: tree.state(),
  };
  return { rows, next };
}

/** 32-byte hashes concatenated (also the stored form of the compact range). */
export function packHashes(hashes: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(hashes.length * 32);
  hashes.forEach((h, i) => out.set(h, i * 32));
  return out;
}

/** @throws RangeError unless `packed` is a whole number of 32-byte hashes. */
export function unpackSubtrees(packed: Uint8Array): Uint8Array[] {
  if (packed.length % 32 !== 0) throw new RangeError('subtrees: not a multiple of 32 bytes');
  const out: Uint8Array[] = [];
  for (let i = 0; i < packed.length; i += 32) out.push(packed.slice(i, i + 32));
  return out;
}

/**
 * $1-$3 the new size, tip, subtrees; $4-$6 the expected (stored) ones; $7-$16 entry columns;
 * $17-$19 node columns. The inserts select from `state`, so they write nothing unless the
 * compare-and-swap of the state row succeeded; that row's lock serializes concurrent appends
 * (the loser re-checks `size = $4` after the winner commits, and updates nothing).
 */
export const APPEND_SQL = `WITH state AS (
  UPDATE ${LedgerTable.TreeState} SET size = $1, tip = $2, subtrees = $3
  WHERE id = ${TREE_STATE_ID} AND size = $4 AND tip = $5 AND subtrees = $6
  RETURNING 1
), entries AS (
  INSERT INTO ${LedgerTable.Entries} (seq, leaf_hash, bytes, type, actor, key_id, idem, "time")
  SELECT e.seq, substring($8::bytea FROM (e.i::int - 1) * 32 + 1 FOR 32),
    substring($9::bytea FROM e.off + 1 FOR e.len), e.type, e.actor, e.key_id, e.idem, e.time
  FROM unnest($7::bigint[], $10::int[], $11::int[], $12::text[], $13::text[], $14::text[],
    $15::text[], $16::timestamptz[]) WITH ORDINALITY
    AS e(seq, off, len, type, actor, key_id, idem, time, i)
  CROSS JOIN state
  RETURNING 1
), nodes AS (
  INSERT INTO ${LedgerTable.MerkleNodes} (level, idx, hash)
  SELECT n.level, n.idx, substring($19::bytea FROM (n.i::int - 1) * 32 + 1 FOR 32)
  FROM unnest($17::smallint[], $18::bigint[]) WITH ORDINALITY AS n(level, idx, i)
  CROSS JOIN state
  RETURNING 1
)
SELECT (SELECT count(*) FROM state)::int AS updated,
  (SELECT count(*) FROM entries)::int AS entries,
  (SELECT count(*) FROM nodes)::int AS nodes`;

export function appendParams(base: AppenderState, prepared: PreparedAppend): unknown[] {
  const { rows, next } = prepared;
  return [
    next.size,
    next.tip,
    packHashes(next.subtrees),
    base.size,
    base.tip,
    packHashes(base.subtrees),
    rows.seq,
    rows.leafHashes,
    rows.bytes,
    rows.bytesOffset,
    rows.bytesLength,
    rows.type,
    rows.actor,
    rows.keyId,
    rows.idem,
    rows.time,
    rows.nodeLevel,
    rows.nodeIndex,
    rows.nodeHashes,
  ];
}
