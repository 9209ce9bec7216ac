// @govx/bus against a real 3-node nats-server cluster (JetStream R3) started by this file.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import {
  connectBus,
  consumeLedger,
  ensureLedgerStream,
  lastStreamSeq,
  LEDGER_STREAM,
  LedgerStreamMismatchError,
  LedgerSubjects,
  NatsCluster,
  publishEntries,
  publishEntry,
  readStreamMessage,
  TransientBusError,
  WrongLastSequenceError,
  type JetStreamClient,
  type NatsConnection,
} from '@govx/bus';

const text = new TextEncoder();
const bytes = (s: string): Uint8Array => text.encode(s);
const str = (b: Uint8Array): string => new TextDecoder().decode(b);

let cluster: NatsCluster;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;

beforeAll(async () => {
  cluster = await NatsCluster.start({ size: 3 });
  nc = await connectBus({ servers: cluster.urls, name: 'bus-cluster-e2e' });
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
});

afterAll(async () => {
  await nc?.close();
  await cluster?.stop();
});

/** Retries `fn` while it fails with TransientBusError (a leader election takes 6–8 s). */
async function retryTransient<T>(fn: () => Promise<T>, forMs = 30_000): Promise<T> {
  const deadline = Date.now() + forMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof TransientBusError) || Date.now() > deadline) throw e;
      await sleep(200);
    }
  }
}

/** Polls until `check` returns true or the deadline passes (then fails with `what`). */
async function eventually(
  what: string,
  check: () => Promise<boolean>,
  forMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + forMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(100);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The index of the server that leads the ledger stream. */
async function leaderIndex(): Promise<number> {
  const info = await jsm.streams.info(LEDGER_STREAM);
  const i = cluster.indexOf(info.cluster?.leader ?? '');
  if (i < 0) throw new Error(`unknown stream leader ${info.cluster?.leader}`);
  return i;
}

async function allReplicasCurrent(): Promise<boolean> {
  const info = await jsm.streams.info(LEDGER_STREAM);
  const replicas = info.cluster?.replicas ?? [];
  return (
    info.cluster?.leader !== undefined && replicas.length === 2 && replicas.every((r) => r.current)
  );
}

/** Stream state as server i's own store holds it (monitoring /jsz, not the leader's view). */
async function localState(
  i: number,
): Promise<{ messages: number; first_seq: number; last_seq: number } | null> {
  const res = await fetch(`${cluster.monitorUrls[i]}/jsz?streams=true`);
  const body = (await res.json()) as {
    account_details?: {
      stream_detail?: {
        name: string;
        state: { messages: number; first_seq: number; last_seq: number };
      }[];
    }[];
  };
  const streams = body.account_details?.flatMap((a) => a.stream_detail ?? []) ?? [];
  return streams.find((s) => s.name === LEDGER_STREAM)?.state ?? null;
}

describe('ensureLedgerStream()', () => {
  it('refuses an existing stream that allows delete and purge, and leaves it unchanged', async () => {
    await jsm.streams.add({
      name: LEDGER_STREAM,
      subjects: [LedgerSubjects.Entries],
      num_replicas: 3,
    });
    const err = await ensureLedgerStream(nc, { replicas: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LedgerStreamMismatchError);
    const differences = (err as LedgerStreamMismatchError).differences.join('\n');
    expect(differences).toMatch(/deny_delete/);
    expect(differences).toMatch(/deny_purge/);
    const after = await jsm.streams.info(LEDGER_STREAM);
    expect(after.config.deny_delete).toBe(false);
    expect(after.config.deny_purge).toBe(false);
    await jsm.streams.delete(LEDGER_STREAM);
  });

  it('creates an empty R3 file stream with delete and purge denied', async () => {
    await ensureLedgerStream(nc, { replicas: 3 });
    const info = await jsm.streams.info(LEDGER_STREAM);
    expect(info.config).toMatchObject({
      num_replicas: 3,
      storage: 'file',
      retention: 'limits',
      deny_delete: true,
      deny_purge: true,
      allow_rollup_hdrs: false,
      discard: 'old',
      max_age: 0,
      max_msgs: -1,
      max_bytes: -1,
      max_msg_size: 128 * 1024,
      duplicate_window: 10 * 60 * 1e9,
    });
    expect(info.cluster?.replicas).toHaveLength(2);
    await expect(lastStreamSeq(nc)).resolves.toBe(0);
    await expect(readStreamMessage(nc, 1)).resolves.toBeNull();
  });

  it('is idempotent', async () => {
    const before = await jsm.streams.info(LEDGER_STREAM);
    await ensureLedgerStream(nc, { replicas: 3 });
    await ensureLedgerStream(nc, { replicas: 3, maxMsgSize: 64 * 1024 });
    const after = await jsm.streams.info(LEDGER_STREAM);
    expect(after.created).toBe(before.created);
    expect(after.config).toEqual(before.config);
  });

  it('refuses the existing stream when the replicas differ', async () => {
    const err = await ensureLedgerStream(nc, { replicas: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LedgerStreamMismatchError);
    expect((err as LedgerStreamMismatchError).differences).toEqual([
      'num_replicas is 3, expected 1',
    ]);
    expect((await jsm.streams.info(LEDGER_STREAM)).config.num_replicas).toBe(3);
  });

  it('leaves a stream on which deleting a message and purging are refused', async () => {
    const first = await publishEntry(js, bytes('genesis'), {
      msgId: 'genesis',
      expectedLastStreamSeq: 0,
    });
    expect(first).toEqual({ streamSeq: 1, duplicate: false });
    await expect(jsm.streams.deleteMessage(LEDGER_STREAM, 1)).rejects.toMatchObject({
      code: 10057,
    });
    await expect(jsm.streams.deleteMessage(LEDGER_STREAM, 1, false)).rejects.toMatchObject({
      code: 10057,
    });
    await expect(jsm.streams.purge(LEDGER_STREAM)).rejects.toMatchObject({ code: 10110 });
    await expect(readStreamMessage(nc, 1)).resolves.toEqual({
      data: bytes('genesis'),
      msgId: 'genesis',
    });
    await expect(lastStreamSeq(nc)).resolves.toBe(1);
  });
});

describe('publishEntry()', () => {
  it('refuses a stale expected sequence with WrongLastSequenceError carrying the real last seq', async () => {
    const last = await lastStreamSeq(nc);
    await publishEntry(js, bytes('a'), { msgId: 'pe-a', expectedLastStreamSeq: last });
    const err = await publishEntry(js, bytes('b'), {
      msgId: 'pe-b',
      expectedLastStreamSeq: last,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WrongLastSequenceError);
    expect((err as WrongLastSequenceError).lastSeq).toBe(last + 1);
    await expect(lastStreamSeq(nc)).resolves.toBe(last + 1);
  });

  it('refuses expected sequence 0 (an empty stream) once the stream has entries', async () => {
    const last = await lastStreamSeq(nc);
    const err = await publishEntry(js, bytes('z'), {
      msgId: 'pe-zero',
      expectedLastStreamSeq: 0,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WrongLastSequenceError);
    expect((err as WrongLastSequenceError).lastSeq).toBe(last);
  });

  it('answers a retried msgId with the first seq and duplicate: true, even with a stale expected seq', async () => {
    const last = await lastStreamSeq(nc);
    const first = await publishEntry(js, bytes('c'), {
      msgId: 'pe-c',
      expectedLastStreamSeq: last,
    });
    const again = await publishEntry(js, bytes('c'), {
      msgId: 'pe-c',
      expectedLastStreamSeq: last,
    });
    await publishEntry(js, bytes('d'), { msgId: 'pe-d', expectedLastStreamSeq: last + 1 });
    const stale = await publishEntry(js, bytes('c'), {
      msgId: 'pe-c',
      expectedLastStreamSeq: last,
    });
    expect(first).toEqual({ streamSeq: last + 1, duplicate: false });
    expect(again).toEqual({ streamSeq: last + 1, duplicate: true });
    expect(stale).toEqual({ streamSeq: last + 1, duplicate: true });
    await expect(lastStreamSeq(nc)).resolves.toBe(last + 2);
  });
});

describe('publishEntries()', () => {
  it('pipelines 1,000 entries, each at its expected position', async () => {
    const last = await lastStreamSeq(nc);
    const entries = Array.from({ length: 1000 }, (_, i) => ({
      bytes: bytes(`bulk-${i}`),
      msgId: `bulk-${i}`,
    }));
    const { published, error } = await publishEntries(js, entries, last, { window: 256 });
    expect(error).toBeNull();
    expect(published).toEqual(
      entries.map((_, i) => ({ streamSeq: last + 1 + i, duplicate: false })),
    );
    await expect(lastStreamSeq(nc)).resolves.toBe(last + 1000);
    for (const i of [0, 1, 499, 998, 999]) {
      await expect(readStreamMessage(nc, last + 1 + i)).resolves.toEqual({
        data: bytes(`bulk-${i}`),
        msgId: `bulk-${i}`,
      });
    }
  });

  it('stops at a wrong expected seq in the middle, and no entry after it lands', async () => {
    const base = await lastStreamSeq(nc);
    const a = Array.from({ length: 3 }, (_, i) => ({
      bytes: bytes(`a-${i}`),
      msgId: `mid-a-${i}`,
    }));
    const b = Array.from({ length: 10 }, (_, i) => ({
      bytes: bytes(`b-${i}`),
      msgId: `mid-b-${i}`,
    }));
    await expect(publishEntries(js, a, base)).resolves.toMatchObject({ error: null });
    // Another writer appends after a[2]; this writer then retries a and goes on with b as if the
    // stream still ended at a[2]: b[0] expects base + 3 and is refused. With expected sequences
    // alone, b[1] (expecting base + 4) would land after the foreign entry.
    await publishEntry(js, bytes('foreign'), {
      msgId: 'mid-foreign',
      expectedLastStreamSeq: base + 3,
    });
    const { published, error } = await publishEntries(js, [...a, ...b], base);
    expect(published).toEqual([
      { streamSeq: base + 1, duplicate: true },
      { streamSeq: base + 2, duplicate: true },
      { streamSeq: base + 3, duplicate: true },
    ]);
    expect(error).toBeInstanceOf(WrongLastSequenceError);
    expect((error as WrongLastSequenceError).lastSeq).toBe(base + 4);
    await expect(lastStreamSeq(nc)).resolves.toBe(base + 4);
    await expect(readStreamMessage(nc, base + 4)).resolves.toEqual({
      data: bytes('foreign'),
      msgId: 'mid-foreign',
    });
  });

  it("lands none of a stale writer's entries while another writer appends concurrently", async () => {
    const base = await lastStreamSeq(nc);
    const nc2 = await connectBus({ servers: cluster.urls, name: 'bus-cluster-e2e-writer-2' });
    try {
      const batch = (w: string, n: number) =>
        Array.from({ length: n }, (_, i) => ({
          bytes: bytes(`${w}-${i}`),
          msgId: `race-${w}-${i}`,
        }));
      const x = batch('x', 100);
      const y = batch('y', 300);
      await expect(publishEntries(js, x.slice(0, 1), base)).resolves.toMatchObject({ error: null });
      // y still believes the stream ends at base: its first entry is refused while x goes on.
      // With expected sequences alone, y's entries from y[100] on match the end x leaves.
      const [rx, ry] = await Promise.all([
        publishEntries(js, x.slice(1), base + 1, { window: 32 }),
        publishEntries(jetstream(nc2), y, base, { window: 300 }),
      ]);
      expect(rx.error).toBeNull();
      expect(rx.published.map((p) => p.streamSeq)).toEqual(x.slice(1).map((_, i) => base + 2 + i));
      expect(ry.published).toHaveLength(0);
      expect(ry.error).toBeInstanceOf(WrongLastSequenceError);
      await expect(lastStreamSeq(nc)).resolves.toBe(base + 100);
      for (let i = 0; i < 100; i++) {
        const m = await readStreamMessage(nc, base + 1 + i);
        expect(m?.msgId).toBe(`race-x-${i}`);
      }
    } finally {
      await nc2.close();
    }
  });

  it('refuses invalid input, naming the argument', async () => {
    await expect(publishEntries(js, [{ bytes: bytes('x'), msgId: '' }], 0)).rejects.toThrow(
      /entries\[0\]\.msgId/,
    );
    await expect(publishEntries(js, [], -1)).rejects.toThrow(RangeError);
    await expect(publishEntries(js, [], 0)).resolves.toEqual({ published: [], error: null });
  });
});

describe('consumeLedger()', () => {
  it('delivers every message in order from the given seq, then stops', async () => {
    const last = await lastStreamSeq(nc);
    const from = 5;
    const seen: { seq: number; data: string }[] = [];
    const consumer = consumeLedger(nc, {
      fromStreamSeq: from,
      batch: 100,
      onMessage: async (seq, data) => {
        seen.push({ seq, data: str(data) });
      },
    });
    await eventually(`the consumer reached ${last}`, async () => consumer.lastSeq >= last);
    await consumer.stop();
    expect(seen.map((m) => m.seq)).toEqual(
      Array.from({ length: last - from + 1 }, (_, i) => from + i),
    );
    for (const m of [seen[0]!, seen[Math.floor(seen.length / 2)]!, seen[seen.length - 1]!]) {
      const stored = await readStreamMessage(nc, m.seq);
      expect(m.data).toBe(str(stored!.data));
    }
  });

  it('refuses invalid options, naming them', () => {
    const onMessage = async (): Promise<void> => {};
    expect(() => consumeLedger(nc, { fromStreamSeq: 0, onMessage })).toThrow(/fromStreamSeq/);
    expect(() => consumeLedger(nc, { fromStreamSeq: 1, batch: 0, onMessage })).toThrow(/batch/);
  });

  it('stops on a handler error and reports it through onError', async () => {
    const failure = new Error('handler broke');
    const errors: Error[] = [];
    const seen: number[] = [];
    const consumer = consumeLedger(nc, {
      fromStreamSeq: 1,
      onMessage: async (seq) => {
        seen.push(seq);
        if (seq === 3) throw failure;
      },
      onError: (e) => errors.push(e),
    });
    await eventually('the handler error is reported', async () => errors.length > 0);
    await consumer.stop();
    expect(errors).toEqual([failure]);
    expect(seen).toEqual([1, 2, 3]);
    expect(consumer.lastSeq).toBe(2);
  });

  it('keeps delivering, with no gap and no duplicate, while the stream leader is killed and restarted', async () => {
    const start = await lastStreamSeq(nc);
    const leader = await leaderIndex();
    // The consumer's own connection goes to the doomed leader, so it must also reconnect.
    const consumerNc = await connectBus({
      servers: [cluster.urls[leader]!],
      name: 'bus-e2e-consumer',
    });
    let reconnects = 0;
    void (async () => {
      for await (const s of consumerNc.status()) if (s.type === 'reconnect') reconnects++;
    })();
    const seen: number[] = [];
    const consumer = consumeLedger(consumerNc, {
      fromStreamSeq: start + 1,
      onMessage: async (seq) => {
        seen.push(seq);
      },
    });
    let next = start;
    const write = async (n: number, tag: string): Promise<void> => {
      for (let i = 0; i < n; i++) {
        const msgId = `failover-${tag}-${i}`;
        const r = await retryTransient(() =>
          publishEntry(js, bytes(msgId), { msgId, expectedLastStreamSeq: next, timeoutMs: 2_000 }),
        );
        expect(r.streamSeq).toBe(next + 1);
        next = r.streamSeq;
      }
    };
    try {
      await write(20, 'before');
      await eventually(
        'the consumer caught up before the kill',
        async () => consumer.lastSeq >= next,
      );
      await cluster.kill(leader);
      await write(20, 'during');
      const newLeader = await leaderIndex();
      expect(newLeader).not.toBe(leader);
      await cluster.restart(leader);
      await write(20, 'after');
      await eventually(`the consumer reached ${next}`, async () => consumer.lastSeq >= next);
    } finally {
      await consumer.stop();
      await consumerNc.close();
    }
    expect(next).toBe(start + 60);
    expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => start + 1 + i));
    expect(reconnects).toBeGreaterThan(0);
    await eventually('all replicas are current again', allReplicasCurrent);
  });
});

describe(NatsCluster.name, () => {
  it('re-syncs a server whose store was wiped (kill, wipe, restart) from the other two', async () => {
    await eventually('all replicas are current', allReplicasCurrent);
    const last = await lastStreamSeq(nc);
    const victim = ((await leaderIndex()) + 1) % 3;
    expect((await localState(victim))?.last_seq).toBe(last);
    await cluster.kill(victim);
    await cluster.wipe(victim);
    const more = await publishEntry(js, bytes('while-wiped'), {
      msgId: 'wiped-1',
      expectedLastStreamSeq: last,
    });
    await cluster.restart(victim);
    await eventually(
      `server ${victim} holds all ${more.streamSeq} messages again`,
      async () => (await localState(victim))?.messages === more.streamSeq,
    );
    expect(await localState(victim)).toMatchObject({ first_seq: 1, last_seq: more.streamSeq });
    await eventually('all replicas are current', allReplicasCurrent);
    await expect(lastStreamSeq(nc)).resolves.toBe(more.streamSeq);
    await expect(readStreamMessage(nc, 1)).resolves.toEqual({
      data: bytes('genesis'),
      msgId: 'genesis',
    });
  });

  it('kills, reports and restarts servers by index', async () => {
    const pid = cluster.pid(0);
    expect(pid).toEqual(expect.any(Number));
    await cluster.kill(0, 'SIGTERM');
    expect(cluster.pid(0)).toBeUndefined();
    expect(() => process.kill(pid!, 0)).toThrow();
    await expect(cluster.wipe(1)).rejects.toThrow(/running/);
    await cluster.restart(0);
    expect(cluster.pid(0)).not.toBe(pid);
    await eventually('all replicas are current', allReplicasCurrent);
  });
});
