// A 3-node NATS cluster with 3 ledger node processes (own databases) for e2e tests, and the
// helpers the tests use against it. Everything is started on loopback ports and stopped by PID.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectBus, LedgerSubjects, NatsCluster, type NatsConnection } from '@govx/bus';
import { getSuite, type SigningPrivateKey } from '@govx/crypto';
import { expect } from '@jest/globals';
import { createSubmission, StreamingVerifier, type Submission } from '@govx/ledger-core';
import pg from 'pg';
import { LocalLedgerCluster } from '../../apps/cli/src/up/ledger-cluster.js';
import { dropDatabases, numberedDatabases, POSTGRES } from './databases.js';

export { POSTGRES };

export interface Reply {
  ok: boolean;
  receipt?: { seq: number; leafHash: string; time: string; duplicate: boolean };
  error?: { code: string; message: string; field: string | null };
}

export interface Harness {
  readonly dir: string;
  readonly nats: NatsCluster;
  readonly ledger: LocalLedgerCluster;
  readonly client: NatsConnection;
  readonly departments: readonly { actor: string; key: SigningPrivateKey }[];
  readonly prefix: string;
  submission(d?: number, body?: Record<string, string | number>): Submission;
  submit(s: unknown): Promise<Reply>;
  /** timeoutMs: how long to wait for the reply (a reply can be lost when a server dies). */
  submitBatch(items: readonly unknown[], timeoutMs?: number): Promise<Reply[]>;
  get<T>(node: number, path: string): Promise<T>;
  storedSizes(): Promise<number[]>;
  dbEntries(node: number): Promise<{ seq: number; bytes: Buffer; leafHash: Buffer }[]>;
  /** Every running node's database holds the same bytes for [0, size), and they verify. */
  expectSameVerifiedLog(size: number): Promise<void>;
  close(): Promise<void>;
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startHarness(
  name: string,
  sequencers: 'preferred' | 'all' = 'preferred',
): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), `govx-${name}-`));
  const prefix = `govx_test_${name.replace(/\W/g, '_')}_${process.pid}`;
  const departments = [
    { actor: 'dept/natural-resources/gateway', key: getSuite('intl').generateSigningKey() },
    { actor: 'dept/taxation/gateway', key: getSuite('sm').generateSigningKey() },
    { actor: 'dept/public-security/gateway', key: getSuite('intl').generateSigningKey() },
  ];
  const nats = await NatsCluster.start({ size: 3, dir: join(dir, 'nats') });
  const ledger = await LocalLedgerCluster.start({
    dir: join(dir, 'ledger'),
    natsServers: nats.urls,
    postgresUrl: POSTGRES,
    databasePrefix: prefix,
    keys: departments.map((d) => ({ actor: d.actor, publicKeyPem: d.key.publicKey.toPem() })),
    checkpoint: { everyEntries: 50, everyMs: 300 },
    sequencers,
  });
  const client = await connectBus({ servers: nats.urls, name: `${name}-client` });
  let counter = 0;
  const get = async <T>(node: number, path: string): Promise<T> =>
    (await (await fetch(`${ledger.nodes[node]!.url}${path}`)).json()) as T;
  const harness: Harness = {
    dir,
    nats,
    ledger,
    client,
    departments,
    prefix,
    submission(d = 0, body = {}) {
      const dept = departments[d % departments.length]!;
      return createSubmission(
        {
          // A type no contract defines: the ledger checks its key and signature, not its body.
          type: 'test.event',
          actor: dept.actor,
          idem: `${name}-${process.pid}-${counter++}`,
          body: { purpose: 'e2e', ...body },
        },
        dept.key,
      );
    },
    async submit(s) {
      const msg = await client.request(
        LedgerSubjects.Submit,
        typeof s === 'string' ? s : JSON.stringify(s),
        { timeout: 60_000 },
      );
      return msg.json<Reply>();
    },
    async submitBatch(items, timeoutMs = 120_000) {
      const msg = await client.request(LedgerSubjects.SubmitBatch, JSON.stringify(items), {
        timeout: timeoutMs,
      });
      return msg.json<Reply[]>();
    },
    get,
    storedSizes: () =>
      Promise.all(
        ledger.nodes.map(async (n, i) =>
          n.process ? (await get<{ stored: number }>(i, '/health')).stored : -1,
        ),
      ),
    async dbEntries(i) {
      const db = new pg.Client({ connectionString: `${POSTGRES}/${prefix}_${i + 1}` });
      await db.connect();
      try {
        const { rows } = await db.query<{ seq: string; bytes: Buffer; leaf_hash: Buffer }>(
          'SELECT seq, bytes, leaf_hash FROM ledger_entries ORDER BY seq',
        );
        return rows.map((r) => ({ seq: Number(r.seq), bytes: r.bytes, leafHash: r.leaf_hash }));
      } finally {
        await db.end();
      }
    },
    async expectSameVerifiedLog(size) {
      await waitFor(`all running nodes to store ${size} entries`, async () =>
        (await harness.storedSizes()).every((n) => n === -1 || n >= size),
      );
      const copies = await Promise.all([0, 1, 2].map((i) => harness.dbEntries(i)));
      const first = copies[0]!.slice(0, size).map((e) => e.bytes.toString('hex'));
      for (const copy of copies) {
        expect(copy.slice(0, size).map((e) => e.seq)).toEqual(
          Array.from({ length: size }, (_, i) => i),
        );
        expect(copy.slice(0, size).map((e) => e.bytes.toString('hex'))).toEqual(first);
      }
      const keys = new Map(departments.map((d) => [d.key.publicKey.keyId, d.key.publicKey]));
      const verifier = new StreamingVerifier({ keys: (id) => keys.get(id) });
      for (const e of copies[0]!.slice(0, size)) verifier.pushEntry(e.bytes);
      expect(verifier.summary()).toMatchObject({ ok: true, size });
    },
    async close() {
      await client.drain();
      await ledger.stop();
      await nats.stop();
      await dropDatabases(numberedDatabases(prefix));
      if (!process.env['GOVX_KEEP_TEST_DIR']) await rm(dir, { recursive: true, force: true });
    },
  };
  return harness;
}
