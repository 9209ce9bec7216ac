// Keys on the ledger, on a real 3-node NATS cluster with 3 ledger node processes: a bootstrap
// admin registers, rotates and revokes keys by ledger entries; every node checks key status
// at the seq where an entry lands, and rebuilds its registry from its database at start.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  connectBus,
  lastStreamSeq,
  LedgerSubjects,
  NatsCluster,
  readStreamMessage,
  type NatsConnection,
} from '@govx/bus';
import { getSuite, type SigningPrivateKey } from '@govx/crypto';
import {
  createSubmission,
  decodeEntry,
  Entry,
  KeyRegistry,
  RFC9162_SHA256,
  StreamingVerifier,
  type BootstrapKey,
  type Submission,
} from '@govx/ledger-core';
import { DepartmentSubjects } from '@govx/contracts';
import { jetstream } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { LocalLedgerCluster } from '../apps/cli/src/up/ledger-cluster.js';
import { dropDatabases, numberedDatabases, POSTGRES } from './support/databases.js';
import { waitFor, type Reply } from './support/ledger-harness.js';

const intl = getSuite('intl');
const sm = getSuite('sm');
const ADMIN = 'gov/admin/root';
const GATEWAY = 'dept/taxation/gateway';
const admin = intl.generateSigningKey();
const bootstrap: BootstrapKey[] = [
  { actor: ADMIN, publicKeyPem: admin.publicKey.toPem(), roles: ['admin'] },
];

let dir: string;
let nats: NatsCluster;
let ledger: LocalLedgerCluster;
let client: NatsConnection;
const prefix = `govx_access_keys_${process.pid}`;
let counter = 0;

function sign(
  type: string,
  actor: string,
  key: SigningPrivateKey,
  body: Record<string, unknown>,
): Submission {
  return createSubmission({ type, actor, idem: `access-${counter++}`, body: body as never }, key);
}
const event = (key: SigningPrivateKey, actor = GATEWAY): Submission =>
  sign('test.event', actor, key, { n: counter });
const register = (
  key: { publicKey: { toPem(): string } },
  actor: string,
  roles: string[],
  extra = {},
  use = 'sign',
) =>
  sign('key.register', ADMIN, admin, {
    actor,
    publicKey: key.publicKey.toPem(),
    use,
    roles,
    ...extra,
  });

async function submit(s: unknown): Promise<Reply> {
  const msg = await client.request(LedgerSubjects.Submit, JSON.stringify(s), { timeout: 60_000 });
  return msg.json<Reply>();
}
async function submitBatch(items: unknown[]): Promise<Reply[]> {
  const msg = await client.request(LedgerSubjects.SubmitBatch, JSON.stringify(items), {
    timeout: 60_000,
  });
  return msg.json<Reply[]>();
}
async function ok(s: Submission): Promise<number> {
  const reply = await submit(s);
  expect(reply).toMatchObject({ ok: true });
  return reply.receipt!.seq;
}
async function refused(s: unknown, code: string, field?: string | null): Promise<void> {
  const reply = await submit(s);
  expect(reply).toMatchObject({
    ok: false,
    error: { code, ...(field === undefined ? {} : { field }) },
  });
}

async function dbEntries(i: number): Promise<Buffer[]> {
  const db = new pg.Client({ connectionString: `${POSTGRES}/${prefix}_${i + 1}` });
  await db.connect();
  try {
    const { rows } = await db.query<{ bytes: Buffer }>(
      'SELECT bytes FROM ledger_entries ORDER BY seq',
    );
    return rows.map((r) => r.bytes);
  } finally {
    await db.end();
  }
}

async function storedSizes(): Promise<number[]> {
  return Promise.all(
    ledger.nodes.map(
      async (n) => ((await (await fetch(`${n.url}/health`)).json()) as { stored: number }).stored,
    ),
  );
}

/** An auditor's check of node i's log: the registry follows the log, every key checked at its seq. */
async function auditorVerifies(i: number): Promise<{ ok: boolean; size: number }> {
  const registry = new KeyRegistry(bootstrap);
  const verifier = new StreamingVerifier({ keys: registry.resolve });
  for (const bytes of await dbEntries(i)) {
    verifier.pushEntry(bytes);
    const entry = decodeEntry(bytes, RFC9162_SHA256);
    if (entry.fields.type.startsWith('key.')) registry.apply(entry.fields);
  }
  return verifier.summary();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'govx-access-keys-'));
  nats = await NatsCluster.start({ size: 3, dir: join(dir, 'nats') });
  ledger = await LocalLedgerCluster.start({
    dir: join(dir, 'ledger'),
    natsServers: nats.urls,
    postgresUrl: POSTGRES,
    databasePrefix: prefix,
    keys: bootstrap,
    checkpoint: { everyEntries: 50, everyMs: 300 },
  });
  client = await connectBus({ servers: nats.urls, name: 'access-keys-client' });
}, 120_000);

afterAll(async () => {
  await client?.drain();
  await ledger?.stop();
  await nats?.stop();
  await dropDatabases(numberedDatabases(prefix));
  if (dir) await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('keys on the ledger (3 ledger nodes)', () => {
  const g1 = intl.generateSigningKey();
  const g2 = sm.generateSigningKey();
  const g3 = intl.generateSigningKey();

  it('refuses a key before its registration and accepts it after', async () => {
    const early = event(g1);
    await refused(early, 'unknown-key', 'keyId');
    const r = await ok(register(g1, GATEWAY, ['department-system'], { department: 'taxation' }));
    expect(await ok(early)).toBeGreaterThan(r);
    await refused(event(g1, 'dept/land/gateway'), 'wrong-actor', 'actor');
  });

  it('enforces who may register what, with structured errors', async () => {
    await refused(
      sign('key.register', GATEWAY, g1, {
        actor: 'dept/land/gateway',
        publicKey: g3.publicKey.toPem(),
        use: 'sign',
        roles: [],
      }),
      'forbidden',
      'keyId',
    );
    await refused(
      register(intl.generateSigningKey(), ADMIN, ['auditor']),
      'separation-of-duties',
      'body.roles',
    );
    await refused(
      register(intl.generateSigningKey(), 'gov/admin/eve', ['admin', 'officer'], {
        department: 'taxation',
      }),
      'separation-of-duties',
    );
    await refused(
      register(intl.generateSigningKey(), 'dept/land/officer/li', ['officer']),
      'key-rule',
      'body.department',
    );
    await refused(
      register(g1, GATEWAY, ['department-system'], { department: 'taxation' }),
      'key-rule',
      'body.publicKey',
    );
    await refused({ ...register(g3, GATEWAY, ['root']) }, 'malformed', 'body.roles[0]');
    await refused(
      sign('key.revoke', ADMIN, admin, { keyId: admin.publicKey.keyId, reason: 'x' }),
      'forbidden',
    );
  });

  it('rotates a key: the old one stops at the rotation, the new one counts after it', async () => {
    await ok(
      sign('key.rotate', GATEWAY, g1, {
        oldKeyId: g1.publicKey.keyId,
        publicKey: g2.publicKey.toPem(),
        use: 'sign',
      }),
    );
    await refused(event(g1), 'revoked-key', 'keyId');
    await ok(event(g2));
  });

  it('refuses a revoked key at once, even in the same batch as its revocation', async () => {
    await ok(
      sign('key.revoke', ADMIN, admin, { keyId: g2.publicKey.keyId, reason: 'compromised' }),
    );
    await refused(event(g2), 'revoked-key');
    await ok(register(g3, GATEWAY, ['department-system'], { department: 'taxation' }));
    const replies = await submitBatch([
      sign('key.revoke', GATEWAY, g3, { keyId: g3.publicKey.keyId, reason: 'leaving' }),
      event(g3),
    ]);
    expect(replies[0]).toMatchObject({ ok: true });
    expect(replies[1]).toMatchObject({ ok: false, error: { code: 'revoked-key' } });
  });

  it('answers a resubmission with its first receipt even when the log changed under it', async () => {
    const key = intl.generateSigningKey();
    const registration = register(key, 'dept/land/gateway', ['department-system'], {
      department: 'land',
    });
    const first = await submit(registration);
    expect(first).toMatchObject({ ok: true, receipt: { duplicate: false } });
    // The key is registered now: the same registration is owed its receipt, not key-rule.
    expect(await submit(registration)).toMatchObject({
      ok: true,
      receipt: { seq: first.receipt!.seq, leafHash: first.receipt!.leafHash, duplicate: true },
    });
    // A different registration of the same key is still refused.
    await refused(
      register(key, 'dept/land/gateway', ['department-system'], { department: 'land' }),
      'key-rule',
      'body.publicKey',
    );
    const used = event(key, 'dept/land/gateway');
    const usedSeq = await ok(used);
    await ok(sign('key.revoke', ADMIN, admin, { keyId: key.publicKey.keyId, reason: 'retired' }));
    // An entry appended while its key counted keeps its receipt after the revocation;
    // a new one with the revoked key is refused.
    expect(await submit(used)).toMatchObject({
      ok: true,
      receipt: { seq: usedSeq, duplicate: true },
    });
    await refused(event(key, 'dept/land/gateway'), 'revoked-key');
    // The same idempotency key with another signature is not a resubmission.
    await refused({ ...used, sig: event(key, 'dept/land/gateway').sig }, 'revoked-key');
  });

  it('refuses an encryption key as a signing key', async () => {
    const enc = intl.generateEncryptionKey();
    const g4 = intl.generateSigningKey();
    await ok(register(g4, GATEWAY, ['department-system'], { department: 'taxation' }));
    await ok(register(enc, GATEWAY, ['department-system'], { department: 'taxation' }, 'encrypt'));
    await refused({ ...event(g4), keyId: enc.publicKey.keyId }, 'wrong-key-use', 'keyId');
  });

  it('rebuilds the registry from the database at start, and every copy verifies', async () => {
    const size = Math.max(...(await storedSizes()));
    await waitFor('all nodes to store the log', async () =>
      (await storedSizes()).every((n) => n === size),
    );
    for (let i = 0; i < 3; i++) await ledger.stopNode(i, 'SIGTERM');
    for (let i = 0; i < 3; i++) await ledger.startNode(i);
    await ledger.waitForSequencer();
    await refused(event(g2), 'revoked-key');
    await refused(event(g1), 'revoked-key');
    const g5 = intl.generateSigningKey();
    await ok(register(g5, GATEWAY, ['department-system'], { department: 'taxation' }));
    const last = await ok(event(g5));
    await waitFor('all nodes to store the log', async () =>
      (await storedSizes()).every((n) => n > last),
    );
    for (let i = 0; i < 3; i++)
      expect(await auditorVerifies(i)).toMatchObject({ ok: true, size: last + 1 });
  }, 120_000);

  it('takes a department’s submissions on its own subject only for its own actors', async () => {
    const g6 = intl.generateSigningKey();
    await ok(register(g6, GATEWAY, ['department-system'], { department: 'taxation' }));
    const own = await client.request(
      DepartmentSubjects.submit('taxation'),
      JSON.stringify(event(g6)),
      {
        timeout: 60_000,
      },
    );
    expect(own.json<Reply>()).toMatchObject({ ok: true });
    const other = await client.request(
      DepartmentSubjects.submit('land'),
      JSON.stringify(event(g6)),
      {
        timeout: 60_000,
      },
    );
    expect(other.json<Reply>()).toMatchObject({
      ok: false,
      error: { code: 'wrong-department', field: 'actor' },
    });
    const batch = await client.request(
      DepartmentSubjects.submitBatch('land'),
      JSON.stringify([event(g6)]),
      { timeout: 60_000 },
    );
    expect(batch.json<Reply[]>()[0]).toMatchObject({
      ok: false,
      error: { code: 'wrong-department' },
    });
  });

  // Last: it halts the cluster.
  it('halts every node on an entry in the stream signed by a key registered only later', async () => {
    const late = intl.generateSigningKey();
    // The stream's tip (a node's database may still lag behind it).
    const size = await lastStreamSeq(client);
    const tip = decodeEntry((await readStreamMessage(client, size))!.data, RFC9162_SHA256);
    const forged = Entry.place(
      event(late),
      { seq: size, prev: tip.leafHashHex, time: new Date(Date.now() + 1000).toISOString() },
      RFC9162_SHA256,
    );
    await jetstream(client).publish(LedgerSubjects.Entries, forged.bytes, {
      expect: { lastSequence: size },
    });
    await waitFor('every node to raise the alarm', async () => {
      const statuses = await Promise.all(
        ledger.nodes.map((n) => fetch(`${n.url}/health`).then((r) => r.status)),
      );
      return statuses.every((s) => s === 503);
    });
    for (const n of ledger.nodes) {
      const health = (await (await fetch(`${n.url}/health`)).json()) as {
        alarms: { message: string }[];
      };
      expect(health.alarms[0]!.message).toContain(`${late.publicKey.keyId}, unknown`);
    }
  }, 120_000);
});
