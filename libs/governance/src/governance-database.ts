// Governance's own PostgreSQL database: created if missing, migrated under an advisory lock.
import pg from 'pg';
import { ACCESS_ENTITIES, ACCESS_MIGRATIONS } from '@govx/access';
import { DataSource } from 'typeorm';
import { GOVERNANCE_ENTITIES } from './entities/governance.entities.js';
import { GovernanceSchema1764200000000 } from './migrations/1764200000000-governance-schema.migration.js';
import { GovernanceTimers1764300000000 } from './migrations/1764300000000-governance-timers.migration.js';

export const GOVERNANCE_MIGRATIONS = [
  GovernanceSchema1764200000000,
  GovernanceTimers1764300000000,
] as const;
/** pg_advisory_lock key while migrating: 'govx' and 6 (governance). */
const MIGRATION_LOCK = [0x676f7678, 6] as const;

async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]{1,63}$/.test(name))
    throw new TypeError(`databaseUrl: database name ${JSON.stringify(name)} (letters, digits, _)`);
  target.pathname = '/postgres';
  const client = new pg.Client({ connectionString: target.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } catch (e) {
        const again = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (again.rowCount === 0) throw e;
      }
    }
  } finally {
    await client.end();
  }
}

/** An initialized, migrated DataSource on governance's database (with @govx/access's tables). */
export async function connectGovernanceDatabase(url: string): Promise<DataSource> {
  await ensureDatabase(url);
  const ds = await new DataSource({
    type: 'postgres',
    url,
    // Accounts, sessions and API keys of @govx/access live in the same database.
    entities: [...GOVERNANCE_ENTITIES, ...ACCESS_ENTITIES],
    migrations: [...ACCESS_MIGRATIONS, ...GOVERNANCE_MIGRATIONS],
    migrationsTableName: 'governance_migrations',
    migrationsTransactionMode: 'all',
    migrationsRun: false,
    synchronize: false,
    logging: false,
  }).initialize();
  try {
    await ds.query('SELECT pg_advisory_lock($1, $2)', [...MIGRATION_LOCK]);
    try {
      await ds.runMigrations({ transaction: 'all' });
    } finally {
      await ds.query('SELECT pg_advisory_unlock($1, $2)', [...MIGRATION_LOCK]);
    }
    return ds;
  } catch (e) {
    await ds.destroy();
    throw e;
  }
}
