// The ledger's schema, version 1. Schema changes only through migrations (STYLE.md rule 9):
// never edit this class once released; add LedgerSchema<timestamp> classes after it.
import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  LEDGER_REFUSE_FUNCTION,
  LEDGER_REFUSE_MESSAGE,
  LedgerTable,
  LedgerTrigger,
} from '../schema.js';

const { Entries, MerkleNodes, TreeState, Checkpoints } = LedgerTable;
const T = LedgerTrigger;
const refuse = `EXECUTE FUNCTION ${LEDGER_REFUSE_FUNCTION}()`;

const UP = [
  `CREATE TABLE ${Entries} (
    seq bigint NOT NULL,
    leaf_hash bytea NOT NULL,
    bytes bytea NOT NULL,
    type text NOT NULL,
    actor text NOT NULL,
    key_id text NOT NULL,
    idem text NOT NULL,
    "time" timestamp(3) with time zone NOT NULL,
    CONSTRAINT ledger_entries_pkey PRIMARY KEY (seq),
    CONSTRAINT ledger_entries_seq_check CHECK (seq >= 0),
    CONSTRAINT ledger_entries_leaf_hash_check CHECK (octet_length(leaf_hash) = 32)
  )`,
  `CREATE INDEX ledger_entries_type_seq ON ${Entries} (type, seq)`,
  `CREATE INDEX ledger_entries_actor_seq ON ${Entries} (actor, seq)`,
  `CREATE INDEX ledger_entries_time ON ${Entries} ("time")`,
  `CREATE UNIQUE INDEX ledger_entries_actor_idem ON ${Entries} (actor, idem)`,

  `CREATE TABLE ${MerkleNodes} (
    level smallint NOT NULL,
    idx bigint NOT NULL,
    hash bytea NOT NULL,
    CONSTRAINT ledger_merkle_nodes_pkey PRIMARY KEY (level, idx),
    CONSTRAINT ledger_merkle_nodes_level_check CHECK (level >= 0 AND level <= 63),
    CONSTRAINT ledger_merkle_nodes_idx_check CHECK (idx >= 0),
    CONSTRAINT ledger_merkle_nodes_hash_check CHECK (octet_length(hash) = 32)
  )`,

  `CREATE TABLE ${TreeState} (
    id smallint NOT NULL,
    tree_hash text NOT NULL,
    size bigint NOT NULL,
    tip text NOT NULL,
    subtrees bytea NOT NULL,
    CONSTRAINT ledger_tree_state_pkey PRIMARY KEY (id),
    CONSTRAINT ledger_tree_state_id_check CHECK (id = 1),
    CONSTRAINT ledger_tree_state_tree_hash_check CHECK (tree_hash IN ('sha256', 'sm3')),
    CONSTRAINT ledger_tree_state_size_check CHECK (size >= 0),
    CONSTRAINT ledger_tree_state_subtrees_check CHECK (octet_length(subtrees) % 32 = 0)
  )`,

  `CREATE TABLE ${Checkpoints} (
    size bigint NOT NULL,
    root bytea NOT NULL,
    note text NOT NULL,
    final boolean NOT NULL DEFAULT false,
    signers text[] NOT NULL DEFAULT '{}',
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    CONSTRAINT ledger_checkpoints_pkey PRIMARY KEY (size),
    CONSTRAINT ledger_checkpoints_size_check CHECK (size >= 0),
    CONSTRAINT ledger_checkpoints_root_check CHECK (octet_length(root) = 32)
  )`,
  `CREATE INDEX ledger_checkpoints_final_size ON ${Checkpoints} (final, size)`,

  // Append-only in the database too: whoever connects, rows of the log are never rewritten.
  `CREATE FUNCTION ${LEDGER_REFUSE_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $fn$
  BEGIN
    RAISE EXCEPTION '${LEDGER_REFUSE_MESSAGE}: % on % refused', TG_OP, TG_TABLE_NAME
      USING HINT = 'trigger ' || TG_NAME || ' (migration LedgerSchema1764000000000)';
  END
  $fn$`,
  `CREATE TRIGGER ${T.EntriesAppendOnly} BEFORE UPDATE OR DELETE OR TRUNCATE ON ${Entries}
    FOR EACH STATEMENT ${refuse}`,
  `CREATE TRIGGER ${T.MerkleNodesAppendOnly} BEFORE UPDATE OR DELETE OR TRUNCATE ON ${MerkleNodes}
    FOR EACH STATEMENT ${refuse}`,
  `CREATE TRIGGER ${T.CheckpointsKeepRoot} BEFORE UPDATE ON ${Checkpoints} FOR EACH ROW
    WHEN (NEW.size <> OLD.size OR NEW.root <> OLD.root) ${refuse}`,
  `CREATE TRIGGER ${T.CheckpointsNoDelete} BEFORE DELETE OR TRUNCATE ON ${Checkpoints}
    FOR EACH STATEMENT ${refuse}`,
  `CREATE TRIGGER ${T.TreeStateGrowOnly} BEFORE UPDATE ON ${TreeState} FOR EACH ROW
    WHEN (NEW.id <> OLD.id OR NEW.tree_hash <> OLD.tree_hash OR NEW.size < OLD.size
      OR (NEW.size = OLD.size AND (NEW.tip <> OLD.tip OR NEW.subtrees <> OLD.subtrees))) ${refuse}`,
  `CREATE TRIGGER ${T.TreeStateNoDelete} BEFORE DELETE OR TRUNCATE ON ${TreeState}
    FOR EACH STATEMENT ${refuse}`,
];

const DOWN = [
  `DROP TABLE ${Checkpoints}`,
  `DROP TABLE ${TreeState}`,
  `DROP TABLE ${MerkleNodes}`,
  `DROP TABLE ${Entries}`,
  `DROP FUNCTION ${LEDGER_REFUSE_FUNCTION}()`,
];

/** Creates the four ledger tables, their indexes and the append-only triggers. */
export class LedgerSchema1764000000000 implements MigrationInterface {
  readonly name = 'LedgerSchema1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of UP) await queryRunner.query(sql);
  }

  /** Drops the whole ledger: for tests and tooling only; nothing runs it on its own. */
  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of DOWN) await queryRunner.query(sql);
  }
}
