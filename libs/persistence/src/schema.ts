// Names in the ledger's PostgreSQL schema, defined once: the migration, the entities, the
// store's SQL and the tests all read them from here.

export const LedgerTable = {
  Entries: 'ledger_entries',
  MerkleNodes: 'ledger_merkle_nodes',
  TreeState: 'ledger_tree_state',
  Checkpoints: 'ledger_checkpoints',
} as const;
export type LedgerTable = (typeof LedgerTable)[keyof typeof LedgerTable];

/** TypeORM's record of executed migrations for this schema (kept apart from other modules'). */
export const LEDGER_MIGRATIONS_TABLE = 'ledger_migrations';

/**
 * The triggers that make the ledger append-only in the database itself, whatever client
 * connects: UPDATE, DELETE and TRUNCATE of entries and Merkle nodes raise an exception; a
 * checkpoint may gain signatures but never change its root or disappear; the tree state
 * never shrinks. All call LEDGER_REFUSE_FUNCTION. Disabling them (ALTER TABLE … DISABLE
 * TRIGGER, session_replication_role = replica) needs the table owner or a superuser.
 */
export const LedgerTrigger = {
  EntriesAppendOnly: 'ledger_entries_append_only',
  MerkleNodesAppendOnly: 'ledger_merkle_nodes_append_only',
  CheckpointsKeepRoot: 'ledger_checkpoints_keep_root',
  CheckpointsNoDelete: 'ledger_checkpoints_no_delete',
  TreeStateGrowOnly: 'ledger_tree_state_grow_only',
  TreeStateNoDelete: 'ledger_tree_state_no_delete',
} as const;
export type LedgerTrigger = (typeof LedgerTrigger)[keyof typeof LedgerTrigger];

/** The trigger function; its exception message starts with LEDGER_REFUSE_MESSAGE. */
export const LEDGER_REFUSE_FUNCTION = 'ledger_refuse_change';
export const LEDGER_REFUSE_MESSAGE = 'govx ledger is append-only';

/** The single row of ledger_tree_state. */
export const TREE_STATE_ID = 1;
