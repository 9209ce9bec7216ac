// A service's own PostgreSQL database (governance, a gateway's access tables): created when
// missing, migrated by one process at a time under an advisory lock, never synchronized.
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ensureDatabase } from './data-source.js';

export interface MigratedDatabaseOptions {
  readonly url: string;
  readonly entities: NonNullable<DataSourceOptions['entities']>;
  readonly migrations: NonNullable<DataSourceOptions['migrations']>;
  readonly migrationsTableName: string;
  /** pg_advisory_lock(int4, int4) key held while migrating: 'govx' and the service's number. */
  readonly lock: readonly [number, number];
}

/** An initialized DataSource whose migrations all ran (destroyed again if they fail). */
export async function openMigratedDatabase(o: MigratedDatabaseOptions): Promise<DataSource> {
  await ensureDatabase(o.url);
  const ds = await new DataSource({
    type: 'postgres',
    url: o.url,
    entities: o.entities,
    migrations: o.migrations,
    migrationsTableName: o.migrationsTableName,
    migrationsTransactionMode: 'all',
    migrationsRun: false,
    synchronize: false,
    logging: false,
  }).initialize();
  try {
    await ds.query('SELECT pg_advisory_lock($1, $2)', [...o.lock]);
    try {
      await ds.runMigrations({ transaction: 'all' });
    } finally {
      await ds.query('SELECT pg_advisory_unlock($1, $2)', [...o.lock]);
    }
    return ds;
  } catch (e) {
    await ds.destroy();
    throw e;
  }
}
