// The ledger schema against a real PostgreSQL (DATABASE_ADMIN_URL, default
// postgres://postgres@127.0.0.1:5432): migrations, the schema version check, entities that
// describe exactly what the migration creates, durable commits. Databases are created with
// random names and dropped at the end.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { getSuite } from '@govx/crypto';
import {
  LogAppender,
  SM3_TREE_HASHER,
  createSubmission,
  inclusionProof,
  verifyInclusion,
} from '@govx/ledger-core';
import {
  LEDGER_ENTITIES,
  LEDGER_MIGRATIONS,
  LEDGER_MIGRATIONS_TABLE,
  LedgerSchema1764000000000,
  LedgerStore,
  LedgerTable,
  LedgerTrigger,
  StoreError,
} from '@govx/persistence';

const ADMIN_URL = process.env['DATABASE_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432';
const created: string[] = [];

/** A fresh database name (created by LedgerStore.open's createDatabase), dropped afterAll. */
function newDatabase(): string {
  const name = `govx_test_schema_${randomBytes(6).toString('hex')}`;
  created.push(name);
  return name;
}

const urlOf = (db: string) => `${ADMIN_URL}/${db}`;

async function withClient<T>(db: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: urlOf(db) });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

async function rows<T>(db: string, text: string, values: unknown[] = []): Promise<T[]> {
  return withClient(db, async (c) => (await c.query(text, values)).rows as T[]);
}

async function migrations(db: string): Promise<{ id: number; name: string }[]> {
  return rows(db, `SELECT id, name FROM ${LEDGER_MIGRATIONS_TABLE} ORDER BY id`);
}

function ledgerDataSource(db: string): DataSource {
  return new DataSource({
    type: 'postgres',
    url: urlOf(db),
    entities: [...LEDGER_ENTITIES],
    migrations: [...LEDGER_MIGRATIONS],
    migrationsTableName: LEDGER_MIGRATIONS_TABLE,
  });
}

afterAll(async () => {
  await withClient('postgres', async (c) => {
    for (const db of created) await c.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
  });
});

describe(LedgerSchema1764000000000.name, () => {
  describe('LedgerStore.open()', () => {
    it('creates the database and the schema on an empty database', async () => {
      const db = newDatabase();
      const store = await LedgerStore.open({ url: urlOf(db), createDatabase: true });
      await store.close();

      const tables = await rows<{ table_name: string }>(
        db,
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'
         ORDER BY table_name`,
      );
      expect(tables.map((t) => t.table_name)).toEqual(
        [...Object.values(LedgerTable), LEDGER_MIGRATIONS_TABLE].sort(),
      );
      const triggers = await rows<{ tgname: string }>(
        db,
        `SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname`,
      );
      expect(triggers.map((t) => t.tgname)).toEqual(Object.values(LedgerTrigger).sort());
      const indexes = await rows<{ indexname: string }>(
        db,
        `SELECT indexname FROM pg_indexes WHERE tablename = $1 ORDER BY indexname`,
        [LedgerTable.Entries],
      );
      expect(indexes.map((i) => i.indexname)).toEqual([
        'ledger_entries_actor_idem',
        'ledger_entries_actor_seq',
        'ledger_entries_pkey',
        'ledger_entries_time',
        'ledger_entries_type_seq',
      ]);
      expect(await migrations(db)).toEqual([{ id: 1, name: 'LedgerSchema1764000000000' }]);
    });

    it('runs nothing new when opened again, nor when several processes open at once', async () => {
      const db = newDatabase();
      const stores = await Promise.all(
        [1, 2, 3].map(() => LedgerStore.open({ url: urlOf(db), createDatabase: true })),
      );
      await Promise.all(stores.map((s) => s.close()));
      const once = await migrations(db);
      expect(once).toHaveLength(1);
      const again = await LedgerStore.open({ url: urlOf(db), createDatabase: true });
      await again.close();
      expect(await migrations(db)).toEqual(once);
    });

    it('refuses a database migrated by a newer version', async () => {
      const db = newDatabase();
      await (await LedgerStore.open({ url: urlOf(db), createDatabase: true })).close();
      await rows(db, `INSERT INTO ${LEDGER_MIGRATIONS_TABLE} (timestamp, name) VALUES ($1, $2)`, [
        1799999999999,
        'LedgerSchema1799999999999',
      ]);
      await expect(LedgerStore.open({ url: urlOf(db) })).rejects.toThrow(StoreError);
      await expect(LedgerStore.open({ url: urlOf(db) })).rejects.toThrow(
        /newer than this code: unknown migration\(s\) LedgerSchema1799999999999/,
      );
    });

    it('refuses an unknown database unless asked to create it, and a bad url', async () => {
      await expect(LedgerStore.open({ url: urlOf(newDatabase()) })).rejects.toThrow(
        /does not exist/,
      );
      await expect(LedgerStore.open({ url: 'mysql://x/y' })).rejects.toThrow(TypeError);
      await expect(LedgerStore.open({ url: ADMIN_URL, createDatabase: true })).rejects.toThrow(
        /options.url: names no database/,
      );
    });

    it('keeps an SM3 log with SM3 and refuses to reopen it as SHA-256', async () => {
      const db = newDatabase();
      const store = await LedgerStore.open({ url: urlOf(db), createDatabase: true, hash: 'sm3' });
      try {
        const key = getSuite('sm').generateSigningKey();
        const appender = new LogAppender(SM3_TREE_HASHER);
        const batch = Array.from({ length: 11 }, (_, i) =>
          appender.append(
            createSubmission({ type: 'request', actor: 'a', idem: `i${i}`, body: {} }, key),
            i,
          ),
        );
        await expect(store.appendBatch(batch)).resolves.toEqual(appender.state());
        await expect(store.rootAt(11)).resolves.toEqual(appender.root());
        const leaves = batch.map((e) => e.leafHash);
        const proof = await store.inclusionProof(6, 11);
        expect(proof).toEqual(inclusionProof(SM3_TREE_HASHER, leaves, 6, 11));
        verifyInclusion(SM3_TREE_HASHER, 6, 11, leaves[6]!, proof, appender.root());
      } finally {
        await store.close();
      }
      await expect(LedgerStore.open({ url: urlOf(db) })).rejects.toThrow(
        /the log uses sm3 but the store was opened with hash sha256/,
      );
    });

    it('commits synchronously even where the database default is off', async () => {
      const db = newDatabase();
      await (await LedgerStore.open({ url: urlOf(db), createDatabase: true })).close();
      await withClient('postgres', (c) =>
        c.query(`ALTER DATABASE "${db}" SET synchronous_commit = off`),
      );
      await expect(rows(db, 'SHOW synchronous_commit')).resolves.toEqual([
        { synchronous_commit: 'off' },
      ]);
      const store = await LedgerStore.open({ url: urlOf(db), poolSize: 2 });
      try {
        const appender = new LogAppender();
        const key = getSuite('intl').generateSigningKey();
        const entry = appender.append(
          createSubmission({ type: 'request', actor: 'a', idem: 'i', body: {} }, key),
          0,
        );
        await expect(store.appendBatch([entry])).resolves.toEqual(appender.state());
      } finally {
        await store.close();
      }
    });
  });

  describe('entities', () => {
    it('describe exactly the schema the migration creates (synchronize would change nothing)', async () => {
      const db = newDatabase();
      await (await LedgerStore.open({ url: urlOf(db), createDatabase: true })).close();
      const dataSource = await ledgerDataSource(db).initialize();
      try {
        const pending = await dataSource.driver.createSchemaBuilder().log();
        expect(pending.upQueries.map((q) => q.query)).toEqual([]);
      } finally {
        await dataSource.destroy();
      }
    });

    it('return bigint columns as numbers, and refuse values beyond 2^53 - 1', async () => {
      const db = newDatabase();
      const store = await LedgerStore.open({ url: urlOf(db), createDatabase: true });
      try {
        await rows(
          db,
          `INSERT INTO ${LedgerTable.Checkpoints} (size, root, note) VALUES ($1, $2, '')`,
          ['9007199254740993', new Uint8Array(32)],
        );
        await expect(store.checkpoints(-1, 10)).rejects.toThrow(
          /ledger_checkpoints.size: 9007199254740993 is not a non-negative safe integer/,
        );
      } finally {
        await store.close();
      }
    });
  });

  describe('down()', () => {
    it('drops the schema, and the next open creates it again', async () => {
      const db = newDatabase();
      await (await LedgerStore.open({ url: urlOf(db), createDatabase: true })).close();
      const dataSource = await ledgerDataSource(db).initialize();
      try {
        await dataSource.undoLastMigration({ transaction: 'all' });
      } finally {
        await dataSource.destroy();
      }
      const left = await rows(
        db,
        `SELECT 1 FROM information_schema.tables WHERE table_name LIKE 'ledger\\_%' AND table_name <> $1`,
        [LEDGER_MIGRATIONS_TABLE],
      );
      expect(left).toEqual([]);
      await (await LedgerStore.open({ url: urlOf(db) })).close();
      expect(await migrations(db)).toHaveLength(1);
    });
  });
});
