// Per-test PostgreSQL databases: names unique to this test process, dropped (WITH (FORCE): a
// pool left open by a failed test must not keep them) by the test that made them.
import pg from 'pg';

export const POSTGRES = 'postgres://postgres@127.0.0.1:5432';

/** `govx_test_<name>_<pid>`: unique per test file and process. */
export function testDatabaseName(name: string): string {
  return `govx_test_${name.replace(/\W/g, '_')}_${process.pid}`;
}

/** The databases `<prefix>_1` … `<prefix>_<count>` (the ledger nodes', or one per replica). */
export function numberedDatabases(prefix: string, count = 3): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}_${i + 1}`);
}

/** Drops each database if it exists, closing its connections first. */
export async function dropDatabases(names: readonly string[]): Promise<void> {
  const admin = new pg.Client({ connectionString: `${POSTGRES}/postgres` });
  await admin.connect();
  try {
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Drops the database if a failed run left it, and creates it empty. */
export async function freshDatabase(name: string): Promise<void> {
  await dropDatabases([name]);
  const admin = new pg.Client({ connectionString: `${POSTGRES}/postgres` });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
}
