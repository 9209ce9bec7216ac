// Connecting to the ledger's database: create it if asked, run pending migrations under a lock,
// check the schema version and that commits are durable.
import pg from 'pg';
import { DataSource, MigrationExecutor } from 'typeorm';
import { CheckpointEntity } from './entities/checkpoint.entity.js';
import { LedgerEntryEntity } from './entities/ledger-entry.entity.js';
import { MerkleNodeEntity } from './entities/merkle-node.entity.js';
import { TreeStateEntity } from './entities/tree-state.entity.js';
import { LedgerSchema1764000000000 } from './migrations/1764000000000-ledger-schema.migration.js';
import { LEDGER_MIGRATIONS_TABLE } from './schema.js';
import { StoreError } from './store.error.js';

/** The entity classes of the ledger schema (for a DataSource of one's own). */
export const LEDGER_ENTITIES = [
  LedgerEntryEntity,
  MerkleNodeEntity,
  TreeStateEntity,
  CheckpointEntity,
] as const;

/** The ledger's migrations, oldest first. The last one is the schema version this code needs. */
export const LEDGER_MIGRATIONS = [LedgerSchema1764000000000] as const;

/** pg_advisory_lock(int4, int4) key held while migrating: 'govx' and 1 (the ledger schema). */
const MIGRATION_LOCK = [0x676f7678, 1] as const;

export interface ConnectOptions {
  readonly url: string;
  readonly logging: boolean;
  readonly poolSize: number | undefined;
}

/** The database name in a postgres:// URL. @throws TypeError naming the argument. */
export function databaseName(url: string, argument = 'url'): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new TypeError(`${argument}: not a postgres:// URL`, { cause });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new TypeError(
      `${argument}: expected postgres:// or postgresql://, got ${parsed.protocol}//`,
    );
  }
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (name === '' || name.includes('/')) throw new TypeError(`${argument}: names no database`);
  return name;
}

/**
 * CREATE DATABASE unless it exists, connected to the maintenance database "postgres" of the
 * same server with the same credentials. Safe when several processes race to create it.
 */
export async function ensureDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount !== 0) return;
    await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
  } catch (error) {
    // A concurrent CREATE DATABASE of the same name fails (42P04, or 23505 on pg_database):
    // what matters is that the database exists now.
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) throw error;
  } finally {
    await client.end();
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function newDataSource(options: ConnectOptions, extra: object | undefined): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: [...LEDGER_ENTITIES],
    migrations: [...LEDGER_MIGRATIONS],
    migrationsTableName: LEDGER_MIGRATIONS_TABLE,
    migrationsTransactionMode: 'all',
    // Migrations run in migrate() below, under an advisory lock; never synchronize (rule 9).
    migrationsRun: false,
    synchronize: false,
    logging: options.logging,
    ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }),
    ...(extra === undefined ? {} : { extra }),
  });
}

async function synchronousCommit(dataSource: DataSource): Promise<string> {
  const rows = (await dataSource.query('SHOW synchronous_commit')) as {
    synchronous_commit: string;
  }[];
  return rows[0]?.synchronous_commit ?? 'unknown';
}

/**
 * An initialized DataSource whose every connection commits synchronously: when the server,
 * database or role says `synchronous_commit = off`, the pool is rebuilt with the startup option
 * `-c synchronous_commit=on`. Any other value (on, local, remote_write, remote_apply) waits for
 * the local WAL flush at commit and is kept.
 */
export async function connect(options: ConnectOptions): Promise<DataSource> {
  let dataSource = await newDataSource(options, undefined).initialize();
  try {
    if ((await synchronousCommit(dataSource)) === 'off') {
      await dataSource.destroy();
      dataSource = await newDataSource(options, {
        options: '-c synchronous_commit=on',
      }).initialize();
      const now = await synchronousCommit(dataSource);
      if (now === 'off') throw new StoreError('synchronous_commit stays off; refusing to store');
    }
    await migrate(dataSource);
    await checkSchemaVersion(dataSource);
    return dataSource;
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}

/** Runs pending migrations in one transaction while holding MIGRATION_LOCK (one migrator at a time). */
async function migrate(dataSource: DataSource): Promise<void> {
  const queryRunner = dataSource.createQueryRunner();
  try {
    await queryRunner.query('SELECT pg_advisory_lock($1, $2)', [...MIGRATION_LOCK]);
    try {
      const executor = new MigrationExecutor(dataSource, queryRunner);
      executor.transaction = 'all';
      await executor.executePendingMigrations();
    } finally {
      await queryRunner.query('SELECT pg_advisory_unlock($1, $2)', [...MIGRATION_LOCK]);
    }
  } finally {
    await queryRunner.release();
  }
}

/**
 * The executed migrations MUST be exactly LEDGER_MIGRATIONS: a name this code does not know
 * means the database was migrated by a newer version.
 */
async function checkSchemaVersion(dataSource: DataSource): Promise<void> {
  const rows = (await dataSource.query(
    `SELECT name FROM ${LEDGER_MIGRATIONS_TABLE} ORDER BY timestamp, id`,
  )) as { name: string }[];
  const executed = rows.map((r) => r.name);
  const known = LEDGER_MIGRATIONS.map((M) => new M().name);
  const unknown = executed.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new StoreError(
      `the database schema is newer than this code: unknown migration(s) ${unknown.join(', ')}`,
    );
  }
  const missing = known.filter((n) => !executed.includes(n));
  if (missing.length > 0) throw new StoreError(`migration(s) not applied: ${missing.join(', ')}`);
}
