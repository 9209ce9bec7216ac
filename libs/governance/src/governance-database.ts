// Governance's own PostgreSQL database: created if missing, migrated under an advisory lock.
import { ACCESS_ENTITIES, ACCESS_MIGRATIONS } from '@govx/access';
import { openMigratedDatabase } from '@govx/persistence';
import type { DataSource } from 'typeorm';
import { GOVERNANCE_ENTITIES } from './entities/governance.entities.js';
import { GovernanceSchema1764200000000 } from './migrations/1764200000000-governance-schema.migration.js';
import { GovernanceTimers1764300000000 } from './migrations/1764300000000-governance-timers.migration.js';

export const GOVERNANCE_MIGRATIONS = [
  GovernanceSchema1764200000000,
  GovernanceTimers1764300000000,
] as const;
/** pg_advisory_lock key while migrating: 'govx' and 6 (governance). */
const MIGRATION_LOCK = [0x676f7678, 6] as const;

/** An initialized, migrated DataSource on governance's database (with @govx/access's tables). */
export function connectGovernanceDatabase(url: string): Promise<DataSource> {
  return openMigratedDatabase({
    url,
    // Accounts, sessions and API keys of @govx/access live in the same database.
    entities: [...GOVERNANCE_ENTITIES, ...ACCESS_ENTITIES],
    migrations: [...ACCESS_MIGRATIONS, ...GOVERNANCE_MIGRATIONS],
    migrationsTableName: 'governance_migrations',
    lock: MIGRATION_LOCK,
  });
}
