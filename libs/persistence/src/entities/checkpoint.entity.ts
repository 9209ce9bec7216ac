import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintColumn } from '../safe-integer.js';
import { LedgerTable } from '../schema.js';

/**
 * A checkpoint (C2SP signed note) of the tree at `size`. It may be updated as cosignatures
 * accrue and it becomes final; a trigger refuses any change of `size` or `root`, and deletion.
 */
@Entity({ name: LedgerTable.Checkpoints })
@Index('ledger_checkpoints_final_size', ['final', 'size'])
@Check('ledger_checkpoints_size_check', 'size >= 0')
@Check('ledger_checkpoints_root_check', 'octet_length(root) = 32')
export class CheckpointEntity {
  @PrimaryColumn({
    type: 'bigint',
    transformer: bigintColumn('ledger_checkpoints.size'),
    primaryKeyConstraintName: 'ledger_checkpoints_pkey',
  })
  size!: number;

  @Column({ type: 'bytea', nullable: false })
  root!: Uint8Array;

  /** The whole signed note, signature lines included. */
  @Column({ type: 'text', nullable: false })
  note!: string;

  @Column({ type: 'boolean', nullable: false, default: false })
  final!: boolean;

  /** Names of the keys whose signatures the note carries. */
  @Column({ type: 'text', array: true, nullable: false, default: () => "'{}'" })
  signers!: string[];

  @Column({ name: 'created_at', type: 'timestamptz', nullable: false, default: () => 'now()' })
  createdAt!: Date;
}
