// `govx ledger rebuild` trusts nothing it has not verified: a database whose log does not
// match its cosigned checkpoints is refused before anything is published.
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getSuite } from '@govx/crypto';
import {
  createSubmission,
  formatCheckpoint,
  LogAppender,
  noteSigner,
  signNote,
  verifierKeyString,
  type Entry,
} from '@govx/ledger-core';
import {
  parseLedgerNodeConfig,
  RebuildError,
  rebuildStreamFromDatabase,
  type LedgerNodeConfig,
} from '@govx/ledger-node';
import { LedgerStore } from '@govx/persistence';
import { dropDatabases, POSTGRES, testDatabaseName } from './support/databases.js';
import pg from 'pg';

const database = testDatabaseName('rebuild');
const dept = getSuite('intl').generateSigningKey();
const nodes = [1, 2, 3].map((i) => ({
  name: `ledger-${i}.govx.local`,
  key: getSuite('intl').generateSigningKey(),
}));
let dir: string;
let config: LedgerNodeConfig;
let entries: Entry[];

async function sql(text: string): Promise<void> {
  const db = new pg.Client({ connectionString: `${POSTGRES}/${database}` });
  await db.connect();
  try {
    await db.query(text);
  } finally {
    await db.end();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'govx-rebuild-'));
  const keyFile = join(dir, 'node.pem');
  writeFileSync(keyFile, nodes[0]!.key.toPem(), { mode: 0o600 });
  config = parseLedgerNodeConfig({
    node: { id: 'ledger-1', operator: 'op-1', noteName: nodes[0]!.name, keyFile },
    origin: 'govx.local/ledger',
    // Nothing listens here: rebuild must refuse before it ever connects.
    nats: { servers: ['nats://127.0.0.1:1'] },
    database: { url: `${POSTGRES}/${database}` },
    cluster: {
      quorum: 2,
      nodes: nodes.map((n, i) => ({
        id: `ledger-${i + 1}`,
        operator: `op-${i + 1}`,
        vkey: verifierKeyString(n.name, n.key.publicKey),
      })),
    },
    keys: [{ actor: 'dept/a/gateway', publicKeyPem: dept.publicKey.toPem() }],
  });
  const store = await LedgerStore.open({ url: config.database.url, createDatabase: true });
  const appender = new LogAppender();
  entries = Array.from({ length: 20 }, (_, i) =>
    appender.append(
      createSubmission(
        { type: 'request', actor: 'dept/a/gateway', idem: `r-${i}`, body: { i } },
        dept,
      ),
      Date.UTC(2026, 10, 25, 9, 0, i),
    ),
  );
  await store.appendBatch(entries);
  const text = formatCheckpoint({ origin: config.origin, size: 20, root: appender.root() });
  const note = signNote(
    text,
    nodes.slice(0, 2).map((n) => noteSigner(n.name, n.key)),
  );
  await store.saveCheckpoint({
    size: 20,
    root: appender.root(),
    note,
    final: true,
    signers: nodes.slice(0, 2).map((n) => n.name),
  });
  await store.close();
});

afterAll(async () => {
  await dropDatabases([database]);
  await rm(dir, { recursive: true, force: true });
});

describe('rebuildStreamFromDatabase()', () => {
  it('refuses a database row changed behind the triggers, naming the entry, before connecting to NATS', async () => {
    const changed = Buffer.from(entries[7]!.bytes).toString('utf8').replace('"i":7', '"i":8');
    await sql('ALTER TABLE ledger_entries DISABLE TRIGGER USER');
    await sql(
      `UPDATE ledger_entries SET bytes = '\\x${Buffer.from(changed).toString('hex')}' WHERE seq = 7`,
    );
    await sql('ALTER TABLE ledger_entries ENABLE TRIGGER USER');
    const attempt = rebuildStreamFromDatabase(config);
    await expect(attempt).rejects.toBeInstanceOf(RebuildError);
    await expect(rebuildStreamFromDatabase(config)).rejects.toThrow(/entry 7: bad-signature/);
  });
});
