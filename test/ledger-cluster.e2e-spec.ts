// The ledger service end to end: a 3-node NATS cluster and 3 ledger node processes, each
// with its own PostgreSQL database, started by the test on loopback ports.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connectBus, LedgerSubjects, NatsCluster, type NatsConnection } from '@govx/bus';
import { getSuite, type SigningPrivateKey } from '@govx/crypto';
import {
  createSubmission,
  parseVerifierKey,
  StreamingVerifier,
  verifyCheckpoint,
  type CheckpointPolicy,
  type Submission,
} from '@govx/ledger-core';
import pg from 'pg';
import { LocalLedgerCluster } from '../apps/cli/src/up/ledger-cluster.js';

const POSTGRES = 'postgres://postgres@127.0.0.1:5432';
const GOVX = fileURLToPath(new URL('../apps/cli/bin/govx.js', import.meta.url));
const prefix = `govx_test_ledger_${process.pid}`;

interface Reply {
  ok: boolean;
  receipt?: { seq: number; leafHash: string; time: string; duplicate: boolean };
  error?: { code: string; message: string; field: string | null };
}

const departments: { actor: string; key: SigningPrivateKey }[] = [
  { actor: 'dept/natural-resources/gateway', key: getSuite('intl').generateSigningKey() },
  { actor: 'dept/taxation/gateway', key: getSuite('sm').generateSigningKey() },
  { actor: 'dept/public-security/gateway', key: getSuite('intl').generateSigningKey() },
];

let dir: string;
let nats: NatsCluster;
let ledger: LocalLedgerCluster;
let client: NatsConnection;
let counter = 0;

function submission(d = 0, body: Record<string, string | number> = {}): Submission {
  const dept = departments[d % departments.length]!;
  return createSubmission(
    {
      type: 'request',
      actor: dept.actor,
      idem: `t-${process.pid}-${counter++}`,
      body: { purpose: 'e2e', ...body },
    },
    dept.key,
  );
}

async function submit(s: unknown): Promise<Reply> {
  const msg = await client.request(
    LedgerSubjects.Submit,
    typeof s === 'string' ? s : JSON.stringify(s),
    { timeout: 60_000 },
  );
  return msg.json<Reply>();
}

async function get<T>(node: number, path: string): Promise<T> {
  const res = await fetch(`${ledger.nodes[node]!.url}${path}`);
  return (await res.json()) as T;
}

async function storedSizes(): Promise<number[]> {
  return Promise.all(
    ledger.nodes.map(async (_, i) => (await get<{ stored: number }>(i, '/health')).stored),
  );
}

async function waitFor(
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

async function dbEntries(i: number): Promise<{ seq: number; bytes: Buffer }[]> {
  const db = new pg.Client({ connectionString: `${POSTGRES}/${prefix}_${i + 1}` });
  await db.connect();
  try {
    const { rows } = await db.query<{ seq: string; bytes: Buffer }>(
      'SELECT seq, bytes FROM ledger_entries ORDER BY seq',
    );
    return rows.map((r) => ({ seq: Number(r.seq), bytes: r.bytes }));
  } finally {
    await db.end();
  }
}

async function policy(): Promise<CheckpointPolicy> {
  const text = await (await fetch(`${ledger.nodes[0]!.url}/keys`)).text();
  const vkeys = text.trim().split('\n');
  return {
    origin: 'govx.local/ledger',
    quorum: 2,
    cosigners: vkeys.map((v, i) => ({ operator: `op-${i}`, verifier: parseVerifierKey(v) })),
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'govx-ledger-'));
  nats = await NatsCluster.start({ size: 3, dir: join(dir, 'nats') });
  ledger = await LocalLedgerCluster.start({
    dir: join(dir, 'ledger'),
    natsServers: nats.urls,
    postgresUrl: POSTGRES,
    databasePrefix: prefix,
    keys: departments.map((d) => ({ actor: d.actor, publicKeyPem: d.key.publicKey.toPem() })),
    checkpoint: { everyEntries: 50, everyMs: 300 },
  });
  client = await connectBus({ servers: nats.urls, name: 'e2e-client' });
}, 180_000);

afterAll(async () => {
  await client?.drain();
  await ledger?.stop();
  await nats?.stop();
  const admin = new pg.Client({ connectionString: `${POSTGRES}/postgres` });
  await admin.connect();
  for (let i = 1; i <= 3; i++)
    await admin.query(`DROP DATABASE IF EXISTS ${prefix}_${i} WITH (FORCE)`);
  await admin.end();
  await rm(dir, { recursive: true, force: true });
}, 120_000);

describe('the ledger service', () => {
  it('appends a submission, answers with its receipt, and every node stores it', async () => {
    const reply = await submit(submission(0, { n: 1 }));
    expect(reply).toMatchObject({ ok: true, receipt: { seq: 0, duplicate: false } });
    await waitFor('three nodes to store entry 0', async () =>
      (await storedSizes()).every((s) => s >= 1),
    );
    for (let i = 0; i < 3; i++) {
      const view = await get<{ seq: number; leafHash: string }>(i, '/entries/0');
      expect(view).toMatchObject({ seq: 0, leafHash: reply.receipt!.leafHash });
    }
  });

  it('refuses bad submissions with a structured error and appends nothing', async () => {
    const before = (await storedSizes())[0]!;
    const good = submission(1);
    const stranger = createSubmission(
      { type: 'request', actor: 'dept/x/gateway', idem: 'x', body: {} },
      getSuite('intl').generateSigningKey(),
    );
    const cases: [unknown, string, string | null][] = [
      ['{not json', 'malformed', '$'],
      [{ ...good, extra: 1 }, 'malformed', '$'],
      [{ ...good, body: { x: 1.5 } }, 'malformed', 'body.x'],
      [
        { ...good, sig: good.sig.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) },
        'bad-signature',
        'sig',
      ],
      [{ ...good, actor: departments[0]!.actor }, 'wrong-actor', 'actor'],
      [stranger, 'unknown-key', 'keyId'],
      [submission(0, { big: 'x'.repeat(70_000) }), 'too-large', null],
    ];
    for (const [input, code, field] of cases) {
      const reply = await submit(input);
      expect(reply.ok).toBe(false);
      expect(reply.error).toMatchObject({ code, field });
      expect(reply.error!.message.length).toBeGreaterThan(5);
    }
    expect((await storedSizes())[0]).toBe(before);
  });

  it('appends a duplicate once and answers it with the first receipt; refuses a reused key', async () => {
    const s = submission(2);
    const [a, b] = await Promise.all([submit(s), submit(s)]);
    const again = await submit(s);
    expect(a.ok && b.ok && again.ok).toBe(true);
    expect(new Set([a.receipt!.seq, b.receipt!.seq, again.receipt!.seq]).size).toBe(1);
    expect(again.receipt!.duplicate).toBe(true);
    const reused = createSubmission(
      { type: s.type, actor: s.actor, idem: s.idem, body: { other: 1 } },
      departments[2]!.key,
    );
    expect(await submit(reused)).toMatchObject({
      ok: false,
      error: { code: 'idempotency-conflict', field: 'idem' },
    });
  });

  it('sequences concurrent submissions on every node into one chain with no gap or duplicate', async () => {
    const replies = await Promise.all(
      Array.from({ length: 300 }, (_, i) => submit(submission(i, { i }))),
    );
    expect(replies.every((r) => r.ok)).toBe(true);
    const seqs = replies.map((r) => r.receipt!.seq);
    expect(new Set(seqs).size).toBe(300);
    const total = Math.max(...seqs) + 1;
    await waitFor('all nodes to store the log', async () =>
      (await storedSizes()).every((s) => s >= total),
    );
    const copies = await Promise.all([0, 1, 2].map(dbEntries));
    for (const copy of copies) {
      expect(copy.map((e) => e.seq)).toEqual(Array.from({ length: copy.length }, (_, i) => i));
      expect(copy.slice(0, total).map((e) => e.bytes.toString('hex'))).toEqual(
        copies[0]!.slice(0, total).map((e) => e.bytes.toString('hex')),
      );
    }
    const keys = new Map(departments.map((d) => [d.key.publicKey.keyId, d.key.publicKey]));
    const verifier = new StreamingVerifier({ keys: (id) => keys.get(id) });
    for (const e of copies[0]!) verifier.pushEntry(e.bytes);
    expect(verifier.summary()).toMatchObject({ ok: true });
  });

  it('finalises checkpoints cosigned by a quorum, with proofs that govx proof verify accepts', async () => {
    await waitFor('a final checkpoint covering the log', async () => {
      const res = await fetch(`${ledger.nodes[1]!.url}/checkpoints/latest`);
      if (res.status !== 200) return false;
      const c = (await res.json()) as { size: number };
      return c.size >= (await storedSizes())[1]!;
    });
    const latest = await get<{ size: number; root: string; note: string }>(
      1,
      '/checkpoints/latest',
    );
    const verified = verifyCheckpoint(latest.note, await policy());
    expect(verified.checkpoint.size).toBe(latest.size);
    expect(verified.signatures.length).toBeGreaterThanOrEqual(2);
    const inclusion = await get<object>(2, `/proofs/inclusion/7?treeSize=${latest.size}`);
    const consistency = await get<object>(0, `/proofs/consistency?size1=3&size2=${latest.size}`);
    for (const [name, doc] of [
      ['inclusion', inclusion],
      ['consistency', consistency],
    ] as const) {
      const path = join(dir, `${name}.json`);
      await writeFile(path, JSON.stringify(doc));
      const code = await new Promise<number>((resolve) =>
        execFile(process.execPath, [GOVX, 'proof', 'verify', path], (e) =>
          resolve(e ? Number(e.code) : 0),
        ),
      );
      expect(code).toBe(0);
    }
    expect((inclusion as { root: string }).root).toBe(latest.root);
  });

  it('keeps going with a witness down, and the restarted witness catches up from the stream', async () => {
    await ledger.stopNode(2);
    const replies = await Promise.all(Array.from({ length: 60 }, (_, i) => submit(submission(i))));
    expect(replies.every((r) => r.ok)).toBe(true);
    const total = Math.max(...replies.map((r) => r.receipt!.seq)) + 1;
    await ledger.startNode(2);
    await waitFor('the restarted node to catch up', async () => (await storedSizes())[2]! >= total);
    const [a, c] = await Promise.all([dbEntries(0), dbEntries(2)]);
    expect(c.slice(0, total).map((e) => e.bytes.toString('hex'))).toEqual(
      a.slice(0, total).map((e) => e.bytes.toString('hex')),
    );
  });

  it('loses no acknowledged entry when a NATS server is killed mid-load', async () => {
    const load = Promise.all(
      Array.from({ length: 150 }, (_, i) => submit(submission(i, { load: i })).catch(() => null)),
    );
    await new Promise((r) => setTimeout(r, 200));
    await nats.kill(1);
    const replies = await load;
    await nats.restart(1);
    const acked = replies.filter((r): r is Reply => r !== null && r.ok).map((r) => r.receipt!);
    expect(acked.length).toBeGreaterThan(0);
    const top = Math.max(...acked.map((r) => r.seq)) + 1;
    await waitFor(
      'every node to store every acknowledged entry',
      async () => (await storedSizes()).every((s) => s >= top),
      90_000,
    );
    for (let i = 0; i < 3; i++) {
      const rows = await dbEntries(i);
      for (const r of acked) expect(rows[r.seq]?.seq).toBe(r.seq);
    }
    expect((await get<{ status: string }>(0, '/health')).status).toBe('ok');
  });
});
