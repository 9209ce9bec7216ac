import { Check, Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintColumn } from '../safe-integer.js';
import { LedgerTable } from '../schema.js';

/**
 * A perfect subtree of the RFC 9162 tree: the node at (level, idx) covers leaves
 * [idx·2^level, (idx+1)·2^level); level 0 holds the leaf hashes. Written once, when the
 * append that completes it commits (MerkleAccumulator's onNode); never updated.
 */
@Entity({ name: LedgerTable.MerkleNodes })
@Check('ledger_merkle_nodes_level_check', 'level >= 0 AND level <= 63')
@Check('ledger_merkle_nodes_idx_check', 'idx >= 0')
@Check('ledger_merkle_nodes_hash_check', 'octet_length(hash) = 32')
export class MerkleNodeEntity {
  @PrimaryColumn({ type: 'smallint', primaryKeyConstraintName: 'ledger_merkle_nodes_pkey' })
  level!: number;

  @PrimaryColumn({
    type: 'bigint',
    transformer: bigintColumn('ledger_merkle_nodes.idx'),
    primaryKeyConstraintName: 'ledger_merkle_nodes_pkey',
  })
  idx!: number;

  @Column({ type: 'bytea', nullable: false })
  hash!: Uint8Array;
}
