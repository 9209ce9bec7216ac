// Reads of stored Merkle nodes: any root or proof of the log in one query of O(log n) rows.
import type { NodeId } from '@govx/ledger-core';
import type { DataSource } from 'typeorm';
import { LedgerTable } from './schema.js';
import { StoreError } from './store.error.js';

const NODES_SQL = `SELECT q.ord::int AS ord, n.hash
  FROM unnest($1::smallint[], $2::bigint[]) WITH ORDINALITY AS q(level, idx, ord)
  JOIN ${LedgerTable.MerkleNodes} n ON n.level = q.level AND n.idx = q.idx`;

/**
 * The hashes of the nodes `ids`, in their order, fetched in one query.
 * @throws StoreError when one is missing (the caller checked that the nodes lie within the
 *   stored tree, so the database is damaged).
 */
export async function fetchNodes(
  dataSource: DataSource,
  ids: readonly NodeId[],
): Promise<Uint8Array[]> {
  if (ids.length === 0) return [];
  const rows = (await dataSource.query(NODES_SQL, [
    ids.map((id) => id.level),
    ids.map((id) => id.index),
  ])) as { ord: number; hash: Uint8Array }[];
  const hashes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(ids.length);
  for (const row of rows) hashes[row.ord - 1] = new Uint8Array(row.hash);
  return ids.map((id, i) => {
    const hash = hashes[i];
    if (hash === undefined) {
      throw new StoreError(`${LedgerTable.MerkleNodes}: node (${id.level}, ${id.index}) missing`);
    }
    return hash;
  });
}

/** The perfect subtrees that make up [0, size), left to right (the compact range). */
export function compactRangeIds(size: number): NodeId[] {
  const ids: NodeId[] = [];
  let offset = 0;
  // 2^53 > Number.MAX_SAFE_INTEGER, so level 52 is the highest a safe size can have.
  for (let level = 52; level >= 0; level--) {
    const width = 2 ** level;
    if (Math.floor(size / width) % 2 === 0) continue;
    ids.push({ level, index: offset / width });
    offset += width;
  }
  return ids;
}
