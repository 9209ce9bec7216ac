// Creates and fills a demo department's tables in its PostgreSQL database. Idempotent: a
// database already loaded with the same seed and sizes is left alone (govx up restarts fast).
import pg from 'pg';
import { columnOf, type FieldType, type FieldValue } from '../data-source/data-source.js';
import type { DemoDepartment } from './demo-departments.js';
import type { DemoWorld } from './demo-world.js';

const SQL_TYPES: Readonly<Record<FieldType, string>> = {
  string: 'text',
  integer: 'bigint',
  boolean: 'boolean',
  date: 'date',
};
const ROWS_PER_INSERT = 1000;
const META_TABLE = 'govx_demo_meta';

export interface DemoLoadResult {
  readonly department: string;
  /** false when the database already held this world. */
  readonly loaded: boolean;
  readonly rows: Readonly<Record<string, number>>;
}

/** Loads `department`'s tables from `world` into the database at `connectionString`. */
export async function loadDemoDepartment(
  connectionString: string,
  department: DemoDepartment,
  world: DemoWorld,
): Promise<DemoLoadResult> {
  const stamp = `${world.seed}/${world.people.length}/${world.parcels.length}`;
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${META_TABLE} (department text PRIMARY KEY, stamp text NOT NULL, rows jsonb NOT NULL)`,
    );
    const prior = await client.query<{ stamp: string; rows: Record<string, number> }>(
      `SELECT stamp, rows FROM ${META_TABLE} WHERE department = $1`,
      [department.id],
    );
    if (prior.rows[0]?.stamp === stamp) {
      return { department: department.id, loaded: false, rows: prior.rows[0].rows };
    }
    const counts: Record<string, number> = {};
    await client.query('BEGIN');
    for (const table of department.tables) {
      const columns = table.fields.map((f) => columnOf(f.name));
      await client.query(`DROP TABLE IF EXISTS ${table.table}`);
      await client.query(
        `CREATE TABLE ${table.table} (${table.fields
          .map(
            (f) =>
              `${columnOf(f.name)} ${SQL_TYPES[f.type]}${f.name === table.subjectField ? ' PRIMARY KEY' : ''}`,
          )
          .join(', ')})`,
      );
      const rows = table.rows(world);
      for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
        const chunk = rows.slice(start, start + ROWS_PER_INSERT);
        const params: unknown[] = [];
        const tuples = chunk.map((row) => {
          const marks = table.fields.map((f) => {
            params.push((row as Record<string, FieldValue>)[f.name] ?? null);
            return `$${params.length}`;
          });
          return `(${marks.join(', ')})`;
        });
        await client.query(
          `INSERT INTO ${table.table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`,
          params,
        );
      }
      counts[table.table] = rows.length;
    }
    await client.query(
      `INSERT INTO ${META_TABLE} (department, stamp, rows) VALUES ($1, $2, $3)
       ON CONFLICT (department) DO UPDATE SET stamp = EXCLUDED.stamp, rows = EXCLUDED.rows`,
      [department.id, stamp, JSON.stringify(counts)],
    );
    await client.query('COMMIT');
    return { department: department.id, loaded: true, rows: counts };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/** Creates the database if it does not exist (names are plain identifiers). */
export async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database)) {
    throw new RangeError(`database: not a plain identifier: ${database}`);
  }
  const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      database,
    ]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
}
