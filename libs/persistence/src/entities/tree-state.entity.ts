import { Check, Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintColumn } from '../safe-integer.js';
import { LedgerTable } from '../schema.js';

/** The single row (id = 1) holding the log's AppenderState and its hash function. */
@Entity({ name: LedgerTable.TreeState })
@Check('ledger_tree_state_id_check', 'id = 1')
@Check('ledger_tree_state_tree_hash_check', "tree_hash IN ('sha256', 'sm3')")
@Check('ledger_tree_state_size_check', 'size >= 0')
@Check('ledger_tree_state_subtrees_check', 'octet_length(subtrees) % 32 = 0')
export class TreeStateEntity {
  @PrimaryColumn({ type: 'smallint', primaryKeyConstraintName: 'ledger_tree_state_pkey' })
  id!: number;

  /** The log's tree hash ('sha256' | 'sm3'), fixed when the row is created (ledger-format §1). */
  @Column({ name: 'tree_hash', type: 'text', nullable: false })
  treeHash!: string;

  @Column({ type: 'bigint', transformer: bigintColumn('ledger_tree_state.size'), nullable: false })
  size!: number;

  /** Hex leaf hash of entry size−1, or 64 zeros. */
  @Column({ type: 'text', nullable: false })
  tip!: string;

  /** The compact range of [0, size): popcount(size) 32-byte roots, left to right, concatenated. */
  @Column({ type: 'bytea', nullable: false })
  subtrees!: Uint8Array;
}
