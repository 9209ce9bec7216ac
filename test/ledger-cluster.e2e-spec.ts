// The ledger service end to end: a 3-node NATS cluster and 3 ledger node processes, each
// with its own PostgreSQL database, started by the test on loopback ports.
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LedgerSubjects } from '@govx/bus';
import { getSuite, importSigningPrivateKey } from '@govx/crypto';
import {
  createSubmission,
  formatCheckpoint,
  noteSigner,
  signLine,
  parseVerifierKey,
  verifyCheckpoint,
  type CheckpointPolicy,
} from '@govx/ledger-core';
import fc from 'fast-check';
import { startHarness, waitFor, type Harness, type Reply } from './support/ledger-harness.js';

const GOVX = fileURLToPath(new URL('../apps/cli/bin/govx.js', import.meta.url));
let h: Harness;

beforeAll(async () => {
  h = await startHarness('ledger');
}, 180_000);

afterAll(async () => {
  await h?.close();
}, 120_000);

async function policy(): Promise<CheckpointPolicy> {
  const text = await (await fetch(`${h.ledger.nodes[0]!.url}/keys`)).text();
  const vkeys = text.trim().split('\n');
  return {
    origin: 'govx.local/ledger',
    quorum: 2,
    cosigners: vkeys.map((v, i) => ({ operator: `op-${i}`, verifier: parseVerifierKey(v) })),
  };
}

const leafHex = (bytes: Buffer) =>
  createHash('sha256')
    .update(Buffer.from([0]))
    .update(bytes)
    .digest('hex');

describe('the ledger service', () => {
  it('appends a submission, answers with its receipt, and every node stores it', async () => {
    const reply = await h.submit(h.submission(0, { n: 1 }));
    expect(reply).toMatchObject({ ok: true, receipt: { seq: 0, duplicate: false } });
    await waitFor('three nodes to store entry 0', async () =>
      (await h.storedSizes()).every((s) => s >= 1),
    );
    for (let i = 0; i < 3; i++) {
      expect(await h.get(i, '/entries/0')).toMatchObject({
        seq: 0,
        leafHash: reply.receipt!.leafHash,
      });
    }
  });

  it('refuses bad submissions with a structured error and appends nothing', async () => {
    const before = (await h.storedSizes())[0]!;
    const good = h.submission(1);
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
      [{ ...good, actor: h.departments[0]!.actor }, 'wrong-actor', 'actor'],
      [stranger, 'unknown-key', 'keyId'],
      [h.submission(0, { big: 'x'.repeat(70_000) }), 'too-large', null],
    ];
    for (const [input, code, field] of cases) {
      const reply = await h.submit(input);
      expect(reply.ok).toBe(false);
      expect(reply.error).toMatchObject({ code, field });
      expect(reply.error!.message.length).toBeGreaterThan(5);
    }
    expect((await h.storedSizes())[0]).toBe(before);
  });

  it('refuses 10,000 generated bad submissions, each with a code, and the chain stays whole', async () => {
    const before = (await h.storedSizes())[0]!;
    const base = h.submission(0, { fuzz: 1 });
    const text = JSON.stringify(base);
    const mutation = fc.oneof(
      // a single character of the encoded submission changed
      fc
        .tuple(fc.nat(text.length - 1), fc.integer({ min: 32, max: 126 }))
        .map(([at, c]) => text.slice(0, at) + String.fromCharCode(c) + text.slice(at + 1)),
      // a field replaced by an arbitrary JSON value
      fc
        .tuple(
          fc.constantFrom('v', 'type', 'actor', 'keyId', 'idem', 'body', 'sig'),
          fc.jsonValue(),
        )
        .map(([k, v]) => ({ ...base, [k]: v })),
      // a field dropped, or one added
      fc
        .constantFrom('v', 'type', 'actor', 'keyId', 'idem', 'body', 'sig')
        .map((k) => ({ ...base, [k]: undefined })),
      fc.string({ minLength: 1 }).map((k) => ({ ...base, [`x${k}`]: 1 })),
      // garbage
      fc.jsonValue(),
    );
    const inputs = fc.sample(mutation, { numRuns: 10_000, seed: 809 });
    const replies: Reply[] = [];
    for (let i = 0; i < inputs.length; i += 1000)
      replies.push(...(await h.submitBatch(inputs.slice(i, i + 1000))));
    expect(replies).toHaveLength(10_000);
    const accepted = replies.filter((r) => r.ok);
    // A mutation may leave a valid submission (e.g. the same character written back): it is
    // then the base submission itself, appended once.
    expect(new Set(accepted.map((r) => r.receipt!.seq)).size).toBeLessThanOrEqual(1);
    const internal = replies
      .filter((x) => x.error?.code === 'unavailable')
      .map((x) => x.error!.message);
    expect([...new Set(internal)]).toEqual([]);
    for (const r of replies.filter((x) => !x.ok)) {
      expect([
        'malformed',
        'too-large',
        'unknown-key',
        'wrong-actor',
        'bad-signature',
        'idempotency-conflict',
      ]).toContain(r.error!.code);
    }
    await h.expectSameVerifiedLog(before + (accepted.length > 0 ? 1 : 0));
  });

  it('appends a duplicate once and answers it with the first receipt; refuses a reused key', async () => {
    const s = h.submission(2);
    const [a, b] = await Promise.all([h.submit(s), h.submit(s)]);
    const again = await h.submit(s);
    expect(a.ok && b.ok && again.ok).toBe(true);
    expect(new Set([a.receipt!.seq, b.receipt!.seq, again.receipt!.seq]).size).toBe(1);
    expect(again.receipt!.duplicate).toBe(true);
    const reused = createSubmission(
      { type: s.type, actor: s.actor, idem: s.idem, body: { other: 1 } },
      h.departments[2]!.key,
    );
    expect(await h.submit(reused)).toMatchObject({
      ok: false,
      error: { code: 'idempotency-conflict', field: 'idem' },
    });
  });

  it('sequences concurrent submissions into one chain with no gap or duplicate', async () => {
    const replies = await Promise.all(
      Array.from({ length: 300 }, (_, i) => h.submit(h.submission(i, { i }))),
    );
    expect(replies.every((r) => r.ok)).toBe(true);
    const seqs = replies.map((r) => r.receipt!.seq);
    expect(new Set(seqs).size).toBe(300);
    await h.expectSameVerifiedLog(Math.max(...seqs) + 1);
  });

  it('finalises checkpoints cosigned by a quorum, with proofs that govx proof verify accepts', async () => {
    await waitFor('a final checkpoint covering the log', async () => {
      const res = await fetch(`${h.ledger.nodes[1]!.url}/checkpoints/latest`);
      if (res.status !== 200) return false;
      return ((await res.json()) as { size: number }).size >= (await h.storedSizes())[1]!;
    });
    const latest = await h.get<{ size: number; root: string; note: string }>(
      1,
      '/checkpoints/latest',
    );
    const verified = verifyCheckpoint(latest.note, await policy());
    expect(verified.checkpoint.size).toBe(latest.size);
    expect(verified.signatures.length).toBeGreaterThanOrEqual(2);
    const inclusion = await h.get<{ root: string }>(
      2,
      `/proofs/inclusion/7?treeSize=${latest.size}`,
    );
    const consistency = await h.get<object>(0, `/proofs/consistency?size1=3&size2=${latest.size}`);
    for (const [name, doc] of [
      ['inclusion', inclusion],
      ['consistency', consistency],
    ] as const) {
      const path = join(h.dir, `${name}.json`);
      await writeFile(path, JSON.stringify(doc));
      const code = await new Promise<number>((resolve) =>
        execFile(process.execPath, [GOVX, 'proof', 'verify', path], (e) =>
          resolve(e ? Number(e.code) : 0),
        ),
      );
      expect(code).toBe(0);
    }
    expect(inclusion.root).toBe(latest.root);
    // The same keys from `govx ledger keys`, for tools outside govx.
    const printed = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [GOVX, 'ledger', 'keys', '--url', h.ledger.nodes[2]!.url],
        (e, out) => (e ? reject(e) : resolve(out)),
      ),
    );
    const vkeys = printed.trim().split('\n');
    expect(vkeys).toHaveLength(3);
    expect(
      verifyCheckpoint(latest.note, {
        origin: 'govx.local/ledger',
        quorum: 2,
        cosigners: vkeys.map((v, i) => ({ operator: `o${i}`, verifier: parseVerifierKey(v) })),
      }).checkpoint.size,
    ).toBe(latest.size);
    const fromConfig = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [GOVX, 'ledger', 'keys', '--config', h.ledger.nodes[0]!.configPath],
        (e, out) => (e ? reject(e) : resolve(out)),
      ),
    );
    expect(fromConfig).toBe(printed);
  });

  it('keeps going with a witness down, and the restarted witness catches up from the stream', async () => {
    await h.ledger.stopNode(2);
    const replies = await Promise.all(
      Array.from({ length: 60 }, (_, i) => h.submit(h.submission(i))),
    );
    expect(replies.every((r) => r.ok)).toBe(true);
    await h.ledger.startNode(2);
    await h.expectSameVerifiedLog(Math.max(...replies.map((r) => r.receipt!.seq)) + 1);
  });

  it('answers timeout, not a receipt, while no quorum stores the entry; the retry then gets the first receipt', async () => {
    await Promise.all([h.ledger.stopNode(1), h.ledger.stopNode(2)]);
    const s = h.submission(0);
    const first = await h.submit(s); // appended and stored by node 0 alone: 1 of the quorum of 2
    expect(first.ok).toBe(false);
    expect(first.error?.code).toBe('timeout');
    await h.ledger.startNode(1);
    await h.ledger.startNode(2);
    const retry = await h.submit(s);
    expect(retry.ok).toBe(true);
    expect(retry.receipt?.duplicate).toBe(true);
    await h.expectSameVerifiedLog(retry.receipt!.seq + 1);
  }, 150_000);

  it('fails over when the sequencing node dies, and takes it back when it returns', async () => {
    expect((await h.get<{ sequencing: boolean }>(0, '/health')).sequencing).toBe(true);
    await h.ledger.stopNode(0);
    await h.ledger.waitForSequencer();
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) => h.submit(h.submission(i))),
    );
    expect(replies.every((r) => r.ok)).toBe(true);
    await h.ledger.startNode(0);
    await waitFor(
      'node 1 to take sequencing back',
      async () => (await h.get<{ sequencing: boolean }>(0, '/health')).sequencing,
    );
    await h.expectSameVerifiedLog(Math.max(...replies.map((r) => r.receipt!.seq)) + 1);
  });

  it('loses no acknowledged entry when a NATS server is killed mid-load', async () => {
    const acked: NonNullable<Reply['receipt']>[] = [];
    let stop = false;
    const load = (async () => {
      while (!stop) {
        const batch = Array.from({ length: 20 }, (_, i) => h.submission(i, { load: i }));
        // A reply lost with a dying server is the client's to retry; only receipts count here.
        const replies = await h.submitBatch(batch, 10_000).catch(() => [] as Reply[]);
        for (const r of replies) if (r.ok) acked.push(r.receipt!);
      }
    })();
    await new Promise((r) => setTimeout(r, 500));
    const before = acked.length;
    await h.nats.kill(1);
    await new Promise((r) => setTimeout(r, 3000));
    await h.nats.restart(1);
    await new Promise((r) => setTimeout(r, 1000));
    stop = true;
    await load;
    expect(before).toBeGreaterThan(0);
    expect(acked.length).toBeGreaterThan(before);
    const top = Math.max(...acked.map((r) => r.seq)) + 1;
    await h.expectSameVerifiedLog(top);
    const rows = await h.dbEntries(0);
    for (const r of acked) expect(leafHex(rows[r.seq]!.bytes)).toBe(r.leafHash);
    expect((await h.get<{ status: string }>(0, '/health')).status).toBe('ok');
  }, 120_000);

  it('rebuilds the stream from a node database after a total loss of the NATS store', async () => {
    let size = -1;
    await waitFor('a quiet log and a final checkpoint of all of it', async () => {
      const sizes = await h.storedSizes();
      const res = await fetch(`${h.ledger.nodes[0]!.url}/checkpoints/latest`);
      if (res.status !== 200 || new Set(sizes).size !== 1) return false;
      size = sizes[0]!;
      return ((await res.json()) as { size: number }).size === size;
    });
    const before = await h.get<{ root: string }>(0, '/checkpoints/latest');
    for (let i = 0; i < 3; i++) await h.ledger.stopNode(i, 'SIGTERM');
    for (let i = 0; i < 3; i++) {
      await h.nats.kill(i);
      await h.nats.wipe(i);
    }
    await Promise.all([0, 1, 2].map((i) => h.nats.restart(i)));
    const run = await new Promise<{ code: number; out: string; err: string }>((resolve) =>
      execFile(
        process.execPath,
        [GOVX, 'ledger', 'rebuild', '--json', '--config', h.ledger.nodes[1]!.configPath],
        (e, out, err) => resolve({ code: e ? Number(e.code) : 0, out, err }),
      ),
    );
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({
      entries: size,
      republished: size,
      alreadyInStream: 0,
      checkpointSize: size,
      root: before.root,
    });
    // Run again: the stream already holds the whole log, checked byte for byte.
    const again = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [GOVX, 'ledger', 'rebuild', '--json', '--config', h.ledger.nodes[2]!.configPath],
        (e, out) => (e ? reject(e) : resolve(out)),
      ),
    );
    expect(JSON.parse(again)).toMatchObject({ republished: 0, alreadyInStream: size });
    for (let i = 0; i < 3; i++) await h.ledger.startNode(i);
    await h.ledger.waitForSequencer();
    // A client retries with the same idempotency key until it has a receipt (after a full
    // outage, nats-server 2.9 may route its first requests to stale interest).
    const afterRebuild = h.submission(0, { afterRebuild: 1 });
    let reply: Reply | null = null;
    for (let attempt = 0; attempt < 6 && !reply; attempt++) {
      reply = await h.submitBatch([afterRebuild], 10_000).then(
        (r) => r[0]!,
        async () => {
          await h.client.reconnect();
          return null;
        },
      );
    }
    expect(reply).toMatchObject({ ok: true, receipt: { seq: size } });
    await h.expectSameVerifiedLog(size + 1);
  }, 150_000);

  // Last: it halts the cluster.
  it('raises a fork alarm when a trusted node cosigns a different root', async () => {
    const size = Math.min(...(await h.storedSizes()));
    const keyPem = await readFile(join(h.dir, 'ledger', 'ledger-2.key.pem'), 'utf8');
    const signer = noteSigner('ledger-2.govx.local', importSigningPrivateKey(keyPem));
    const text = formatCheckpoint({
      origin: 'govx.local/ledger',
      size,
      root: new Uint8Array(32).fill(9),
    });
    const line = signLine(signer, text);
    h.client.publish(
      LedgerSubjects.Cosign,
      JSON.stringify({ size, root: text.split('\n')[2], line }),
    );
    await waitFor('the other nodes to raise the alarm', async () => {
      const statuses = await Promise.all(
        [0, 2].map((i) => fetch(`${h.ledger.nodes[i]!.url}/health`).then((r) => r.status)),
      );
      return statuses.every((s) => s === 503);
    });
    for (const i of [0, 2]) {
      const health = await h.get<{ alarms: { kind: string; message: string }[] }>(i, '/health');
      expect(health.alarms[0]).toMatchObject({
        kind: 'root-mismatch',
        message: expect.stringContaining('ledger-2.govx.local'),
      });
    }
  });
});
