import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintColumn } from '../safe-integer.js';
import { LedgerTable } from '../schema.js';

/**
 * One entry of the log, as LedgerSchema1764000000000 creates it. Rows are only ever inserted
 * (a trigger refuses UPDATE, DELETE and TRUNCATE). The indexed columns copy members of `bytes`,
 * which stay the authority.
 */
@Entity({ name: LedgerTable.Entries })
@Index('ledger_entries_type_seq', ['type', 'seq'])
@Index('ledger_entries_actor_seq', ['actor', 'seq'])
@Index('ledger_entries_time', ['time'])
@Index('ledger_entries_actor_idem', ['actor', 'idem'], { unique: true })
@Check('ledger_entries_seq_check', 'seq >= 0')
@Check('ledger_entries_leaf_hash_check', 'octet_length(leaf_hash) = 32')
export class LedgerEntryEntity {
  @PrimaryColumn({
    type: 'bigint',
    transformer: bigintColumn('ledger_entries.seq'),
    primaryKeyConstraintName: 'ledger_entries_pkey',
  })
  seq!: number;

  /** hashLeaf(bytes), 32 bytes. */
  @Column({ name: 'leaf_hash', type: 'bytea', nullable: false })
  leafHash!: Uint8Array;

  /** The entry's canonical (RFC 8785) bytes. */
  @Column({ type: 'bytea', nullable: false })
  bytes!: Uint8Array;

  @Column({ type: 'text', nullable: false })
  type!: string;

  @Column({ type: 'text', nullable: false })
  actor!: string;

  @Column({ name: 'key_id', type: 'text', nullable: false })
  keyId!: string;

  @Column({ type: 'text', nullable: false })
  idem!: string;

  /** The entry's `time`; its exact string is Date#toISOString of this (milliseconds, UTC). */
  @Column({ type: 'timestamptz', precision: 3, nullable: false })
  time!: Date;
}
