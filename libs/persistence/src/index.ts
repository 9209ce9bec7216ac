// @govx/persistence: the ledger's PostgreSQL store (TypeORM 1.x, migrations only).
export { LedgerStore } from './ledger-store.js';
export type {
  CheckpointInput,
  EntryQuery,
  LedgerStoreOptions,
  StoredCheckpoint,
  StoredEntry,
} from './store.types.js';
export { StoreConflict, StoreConflictError, StoreError } from './store.error.js';
export { MAX_PAGE } from './safe-integer.js';
export {
  LEDGER_MIGRATIONS_TABLE,
  LEDGER_REFUSE_FUNCTION,
  LEDGER_REFUSE_MESSAGE,
  LedgerTable,
  LedgerTrigger,
} from './schema.js';
export { LEDGER_ENTITIES, LEDGER_MIGRATIONS } from './data-source.js';
export { LedgerSchema1764000000000 } from './migrations/1764000000000-ledger-schema.migration.js';
export { CheckpointEntity } from './entities/checkpoint.entity.js';
export { LedgerEntryEntity } from './entities/ledger-entry.entity.js';
export { MerkleNodeEntity } from './entities/merkle-node.entity.js';
export { TreeStateEntity } from './entities/tree-state.entity.js';
export { openMigratedDatabase, type MigratedDatabaseOptions } from './migrated-database.js';
