// LedgerStore against a real PostgreSQL (DATABASE_ADMIN_URL, default postgres://postgres@127.0.0.1:5432):
// every test file creates a database of its own with a random name and drops it at the end.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { getSuite, toHex } from '@govx/crypto';
import {
  ChainBrokenError,
  LogAppender,
  RFC9162_SHA256,
  SM3_TREE_HASHER,
  consistencyProof,
  createSubmission,
  inclusionProof,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
  type Entry,
} from '@govx/ledger-core';
import {
  LedgerStore,
  StoreConflict,
  StoreConflictError,
  StoreError,
  type StoredEntry,
} from '@govx/persistence';

const ADMIN_URL = process.env['DATABASE_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432';
const DB = `govx_test_store_${randomBytes(6).toString('hex')}`;
const URL_ = `${ADMIN_URL}/${DB}`;
const hasher = RFC9162_SHA256;
const key = getSuite('intl').generateSigningKey();
const T0 = Date.parse('2026-11-25T08:00:00.000Z');
const TYPES = ['request', 'approval', 'transfer'] as const;
const ACTORS = ['dept/tax/gateway', 'dept/land/gateway'] as const;

/** Entry i: type and actor rotate, one second apart, idem `idem-<i>`. */
function submission(i: number, idem = `idem-${i}`) {
  return createSubmission(
    { type: TYPES[i % 3]!, actor: ACTORS[i % 2]!, idem, body: { n: i, note: `entry ${i}` } },
    key,
  );
}

function timeOf(i: number): number {
  return T0 + i * 1000;
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `${ADMIN_URL}/postgres` });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A client of the test database, for raw SQL. */
async function sql<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: URL_ });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

function expectStored(stored: StoredEntry | null | undefined, entry: Entry): void {
  expect(stored).not.toBeNull();
  expect(stored!.seq).toBe(entry.seq);
  expect(toHex(stored!.bytes)).toBe(toHex(entry.bytes));
  expect(toHex(stored!.leafHash)).toBe(entry.leafHashHex);
  expect(stored).toMatchObject({
    type: entry.fields.type,
    actor: entry.fields.actor,
    keyId: entry.fields.keyId,
    idem: entry.fields.idem,
    time: entry.fields.time,
  });
}

const SIZE = 70;
let appender = new LogAppender(hasher);
const entries: Entry[] = [];
let store: LedgerStore;

beforeAll(async () => {
  store = await LedgerStore.open({ url: URL_, createDatabase: true });
});

afterAll(async () => {
  await store?.close();
  await admin((c) => c.query(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`));
});

describe(LedgerStore.name, () => {
  describe('appendBatch()', () => {
    it('starts from the empty state', async () => {
      await expect(store.state()).resolves.toEqual(new LogAppender(hasher).state());
      await expect(store.getEntry(0)).resolves.toBeNull();
    });

    it('stores batches of 1, 2, 10 and 57 entries and returns the appender state', async () => {
      for (const n of [1, 2, 10, 57]) {
        const batch: Entry[] = [];
        for (let k = 0; k < n; k++) {
          const seq = entries.length + k;
          batch.push(appender.append(submission(seq), timeOf(seq)));
        }
        entries.push(...batch);
        await expect(store.appendBatch(batch)).resolves.toEqual(appender.state());
      }
      expect(entries).toHaveLength(SIZE);
      await expect(store.state()).resolves.toEqual(appender.state());
    });

    it('returns the stored state for an empty batch', async () => {
      await expect(store.appendBatch([])).resolves.toEqual(appender.state());
    });

    it('refuses a first seq other than the stored size (StoreConflictError with storedSize)', async () => {
      const behind = new LogAppender(hasher);
      const old = behind.append(submission(0, 'again'), T0);
      const error = await store.appendBatch([old]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreConflictError);
      expect(error).toMatchObject({ conflict: StoreConflict.Seq, storedSize: SIZE });

      const ahead = new LogAppender(hasher, appender.state());
      ahead.append(submission(SIZE, 'skipped'), timeOf(SIZE));
      const gap = ahead.append(submission(SIZE + 1), timeOf(SIZE + 1));
      await expect(store.appendBatch([gap])).rejects.toMatchObject({ storedSize: SIZE });
    });

    it('lets exactly one of two concurrent appends of the same seq win', async () => {
      const other = await LedgerStore.open({ url: URL_ });
      try {
        const a = new LogAppender(hasher, appender.state());
        const b = new LogAppender(hasher, appender.state());
        const batchA = [a.append(submission(SIZE, 'race-a'), timeOf(SIZE))];
        const batchB = [b.append(submission(SIZE, 'race-b'), timeOf(SIZE))];
        for (let i = 1; i < 5; i++) batchB.push(b.append(submission(SIZE + i, `race-b${i}`), 0));
        const results = await Promise.allSettled([
          store.appendBatch(batchA),
          other.appendBatch(batchB),
        ]);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r) => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        const reason = (lost[0] as PromiseRejectedResult).reason as StoreConflictError;
        expect(reason).toBeInstanceOf(StoreConflictError);
        expect(reason.conflict).toBe(StoreConflict.Seq);
        const winner = results[0]!.status === 'fulfilled' ? a : b;
        await expect(store.state()).resolves.toEqual(winner.state());
        await expect(other.state()).resolves.toEqual(winner.state());
        expect(reason.storedSize).toBe(winner.size);
        // Nothing of the loser was written.
        const loserIdem = winner === a ? 'race-b' : 'race-a';
        await expect(store.findByIdem(ACTORS[SIZE % 2]!, loserIdem)).resolves.toBeNull();
        // The rest of the file goes on with the winner's log.
        entries.push(...(winner === a ? batchA : batchB));
        appender = winner;
      } finally {
        await other.close();
      }
    });

    it('refuses an (actor, idem) already stored, and writes nothing of the batch', async () => {
      const state = await store.state();
      const next = new LogAppender(hasher, state);
      const batch = [next.append(submission(0, 'fresh'), 0), next.append(submission(0), 0)];
      const error = await store.appendBatch(batch).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreConflictError);
      expect(error).toMatchObject({ conflict: StoreConflict.Idem });
      await expect(store.state()).resolves.toEqual(state);
      await expect(store.findByIdem(ACTORS[0], 'fresh')).resolves.toBeNull();
    });

    it('refuses a batch that does not continue the stored chain, or is hashed with SM3', async () => {
      const state = await store.state();
      const forked = new LogAppender(hasher, { ...state, tip: 'ab'.repeat(32) });
      await expect(store.appendBatch([forked.append(submission(1, 'f'), 0)])).rejects.toThrow(
        ChainBrokenError,
      );
      const sm3 = new LogAppender(SM3_TREE_HASHER, state);
      await expect(store.appendBatch([sm3.append(submission(1, 's'), 0)])).rejects.toThrow(
        /not the sha256 leaf hash/,
      );
      const good = new LogAppender(hasher, state);
      const e1 = good.append(submission(1, 'g1'), 0);
      const e2 = good.append(submission(2, 'g2'), 0);
      await expect(store.appendBatch([e2, e1])).rejects.toThrow(RangeError);
      await expect(store.appendBatch([{ seq: state.size } as unknown as Entry])).rejects.toThrow(
        TypeError,
      );
      await expect(store.state()).resolves.toEqual(state);
    });
  });

  describe('reads', () => {
    it('getEntry() and range() return the stored entries exactly', async () => {
      for (const entry of entries) expectStored(await store.getEntry(entry.seq), entry);
      await expect(store.getEntry(entries.length)).resolves.toBeNull();
      const page = await store.range(10, 25);
      expect(page.map((e) => e.seq)).toEqual(Array.from({ length: 25 }, (_, i) => 10 + i));
      page.forEach((stored, i) => expectStored(stored, entries[10 + i]!));
      await expect(store.range(entries.length - 2, 1000)).resolves.toHaveLength(2);
      await expect(store.range(0, 0)).rejects.toThrow(RangeError);
      await expect(store.range(0, 1001)).rejects.toThrow(RangeError);
      await expect(store.range(-1, 10)).rejects.toThrow(RangeError);
    });

    it('query() filters by type, actor, time and afterSeq, ascending seq', async () => {
      const seqs = (list: StoredEntry[]) => list.map((e) => e.seq);
      const all = entries.map((e) => e.fields);
      const expected = (p: (f: Entry['fields']) => boolean, limit = 1000) =>
        all
          .filter(p)
          .map((f) => f.seq)
          .slice(0, limit);

      expect(seqs(await store.query({ type: 'approval', limit: 1000 }))).toEqual(
        expected((f) => f.type === 'approval'),
      );
      expect(seqs(await store.query({ actor: ACTORS[1], type: 'request', limit: 5 }))).toEqual(
        expected((f) => f.actor === ACTORS[1] && f.type === 'request', 5),
      );
      const since = new Date(timeOf(20)).toISOString();
      const until = new Date(timeOf(30)).toISOString();
      expect(seqs(await store.query({ since, until, limit: 1000 }))).toEqual(
        expected((f) => f.time >= since && f.time < until),
      );
      expect(seqs(await store.query({ actor: ACTORS[0], afterSeq: 50, limit: 1000 }))).toEqual(
        expected((f) => f.actor === ACTORS[0] && f.seq > 50),
      );
      const found = await store.query({ type: 'transfer', since, limit: 3 });
      found.forEach((stored) => expectStored(stored, entries[stored.seq]!));
      await expect(store.query({ since: 'yesterday', limit: 1 })).rejects.toThrow(RangeError);
      await expect(store.query({ limit: 0 })).rejects.toThrow(RangeError);
    });

    it('findByIdem() finds an entry by (actor, idem)', async () => {
      const entry = entries[33]!;
      expectStored(await store.findByIdem(entry.fields.actor, entry.fields.idem), entry);
      await expect(store.findByIdem(ACTORS[0], entry.fields.idem)).resolves.toBeNull();
    });

    it('findByIdems() finds a batch of (actor, idem) pairs in one call', async () => {
      const wanted = [entries[3]!, entries[40]!, entries[12]!];
      const found = await store.findByIdems([
        ...wanted.map((e) => ({ actor: e.fields.actor, idem: e.fields.idem })),
        { actor: ACTORS[0], idem: 'never-used' },
      ]);
      expect(found.map((e) => e.seq).sort((a, b) => a - b)).toEqual([3, 12, 40]);
      await expect(store.findByIdems([])).resolves.toEqual([]);
    });

    it('a store opened again sees the same log', async () => {
      const again = await LedgerStore.open({ url: URL_ });
      try {
        await expect(again.state()).resolves.toEqual(appender.state());
        expectStored(await again.getEntry(entries.length - 1), entries[entries.length - 1]!);
        const next = appender.append(submission(entries.length), timeOf(entries.length));
        entries.push(next);
        await expect(again.appendBatch([next])).resolves.toEqual(appender.state());
        // The first store learns of the append when it needs to.
        await expect(store.rootAt(entries.length)).resolves.toEqual(appender.root());
      } finally {
        await again.close();
      }
    });

    it('refuses to open a sha256 log with hash sm3', async () => {
      await expect(LedgerStore.open({ url: URL_, hash: 'sm3' })).rejects.toThrow(StoreError);
    });
  });

  describe('rootAt(), inclusionProof(), consistencyProof()', () => {
    const leaves = () => entries.map((e) => e.leafHash);

    it('rootAt(size) equals the in-memory root for every size', async () => {
      const all = leaves();
      for (let size = 0; size <= all.length; size++) {
        expect(toHex(await store.rootAt(size))).toBe(
          toHex(rootFromLeafHashes(hasher, all.slice(0, size))),
        );
      }
      await expect(store.rootAt(all.length + 1)).rejects.toThrow(RangeError);
    });

    it('every inclusion proof equals the in-memory one and verifies', async () => {
      const all = leaves();
      for (let size = 1; size <= all.length; size++) {
        const root = rootFromLeafHashes(hasher, all.slice(0, size));
        const proofs = await Promise.all(
          Array.from({ length: size }, (_, seq) => store.inclusionProof(seq, size)),
        );
        proofs.forEach((proof, seq) => {
          expect(proof.map(toHex)).toEqual(inclusionProof(hasher, all, seq, size).map(toHex));
          verifyInclusion(hasher, seq, size, all[seq]!, proof, root);
        });
      }
      await expect(store.inclusionProof(3, 3)).rejects.toThrow(RangeError);
      await expect(store.inclusionProof(0, all.length + 1)).rejects.toThrow(RangeError);
      await expect(store.inclusionProof(-1, 3)).rejects.toThrow(RangeError);
    });

    it('every consistency proof equals the in-memory one and verifies', async () => {
      const all = leaves();
      const roots = Array.from({ length: all.length + 1 }, (_, n) =>
        rootFromLeafHashes(hasher, all.slice(0, n)),
      );
      for (let size2 = 0; size2 <= all.length; size2++) {
        const proofs = await Promise.all(
          Array.from({ length: size2 + 1 }, (_, size1) => store.consistencyProof(size1, size2)),
        );
        proofs.forEach((proof, size1) => {
          expect(proof.map(toHex)).toEqual(consistencyProof(hasher, all, size1, size2).map(toHex));
          verifyConsistency(hasher, size1, size2, proof, roots[size1]!, roots[size2]!);
        });
      }
      await expect(store.consistencyProof(5, 4)).rejects.toThrow(RangeError);
      await expect(store.consistencyProof(1, all.length + 1)).rejects.toThrow(RangeError);
    });
  });

  describe('saveCheckpoint()', () => {
    const note = (size: number, sigs: string) => `govx.example/log\n${size}\n…\n\n${sigs}`;

    it('saves, then upgrades to final with more signers, and never downgrades', async () => {
      const root = await store.rootAt(40);
      await store.saveCheckpoint({
        size: 40,
        root,
        note: note(40, 'a'),
        final: false,
        signers: ['a'],
      });
      const first = await store.checkpointAt(40);
      expect(first).toMatchObject({ size: 40, final: false, signers: ['a'], note: note(40, 'a') });
      expect(toHex(first!.root)).toBe(toHex(root));
      await expect(store.latestCheckpoint({ final: true })).resolves.toBeNull();

      const signers = ['a', 'b', 'c'];
      await store.saveCheckpoint({ size: 40, root, note: note(40, 'abc'), final: true, signers });
      const final = await store.checkpointAt(40);
      expect(final).toMatchObject({ size: 40, final: true, signers, note: note(40, 'abc') });
      expect(final!.createdAt).toEqual(first!.createdAt);
      await expect(store.latestCheckpoint({ final: true })).resolves.toMatchObject({ size: 40 });

      // A late, weaker save changes nothing.
      await store.saveCheckpoint({
        size: 40,
        root,
        note: note(40, 'a'),
        final: false,
        signers: ['a'],
      });
      await expect(store.checkpointAt(40)).resolves.toMatchObject({ final: true, signers });
    });

    it('refuses a different root for a stored size (a fork) and a root the log does not have', async () => {
      const other = new Uint8Array(32).fill(7);
      const error = await store
        .saveCheckpoint({ size: 40, root: other, note: note(40, 'x'), final: true, signers: ['x'] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreConflictError);
      expect(error).toMatchObject({ conflict: StoreConflict.Fork });
      await expect(
        store.saveCheckpoint({ size: 41, root: other, note: '', final: false, signers: [] }),
      ).rejects.toThrow(StoreConflictError);
      await expect(store.checkpointAt(41)).resolves.toBeNull();
      await expect(store.checkpointAt(40)).resolves.toMatchObject({ signers: ['a', 'b', 'c'] });
      const beyond = { size: entries.length + 1, root: other, note: '', final: false, signers: [] };
      await expect(store.saveCheckpoint(beyond)).rejects.toThrow(RangeError);
    });

    it('lists checkpoints by size and finds the latest, final or not', async () => {
      for (const size of [0, 10, 20, 64]) {
        const root = await store.rootAt(size);
        await store.saveCheckpoint({
          size,
          root,
          note: note(size, ''),
          final: size !== 64,
          signers: [],
        });
      }
      const sizes = async (after: number, limit: number) =>
        (await store.checkpoints(after, limit)).map((c) => c.size);
      await expect(sizes(-1, 1000)).resolves.toEqual([0, 10, 20, 40, 64]);
      await expect(sizes(0, 2)).resolves.toEqual([10, 20]);
      await expect(sizes(20, 2)).resolves.toEqual([40, 64]);
      await expect(store.latestCheckpoint()).resolves.toMatchObject({ size: 64, final: false });
      await expect(store.latestCheckpoint({ final: true })).resolves.toMatchObject({ size: 40 });
      await expect(store.latestCheckpoint({ final: false })).resolves.toMatchObject({ size: 64 });
    });
  });

  describe('append-only in the database', () => {
    const refused = /govx ledger is append-only: (UPDATE|DELETE|TRUNCATE) on ledger_\w+ refused/;

    it('refuses UPDATE, DELETE and TRUNCATE of ledger_entries and ledger_merkle_nodes', async () => {
      await sql(async (c) => {
        for (const statement of [
          `UPDATE ledger_entries SET idem = 'x' WHERE seq = 1`,
          `UPDATE ledger_entries SET type = type`,
          `DELETE FROM ledger_entries WHERE seq = 1`,
          `TRUNCATE ledger_entries CASCADE`,
          `UPDATE ledger_merkle_nodes SET hash = hash WHERE level = 0 AND idx = 0`,
          `DELETE FROM ledger_merkle_nodes`,
          `TRUNCATE ledger_merkle_nodes`,
        ]) {
          await expect(c.query(statement)).rejects.toThrow(refused);
        }
      });
      expectStored(await store.getEntry(1), entries[1]!);
      await expect(store.rootAt(entries.length)).resolves.toEqual(appender.root());
    });

    it('refuses re-rooting or deleting a checkpoint, and shrinking the tree state', async () => {
      await sql(async (c) => {
        await expect(
          c.query(`UPDATE ledger_checkpoints SET root = root || ''::bytea`),
        ).resolves.toBeDefined();
        await expect(
          c.query(`UPDATE ledger_checkpoints SET root = '\\x00'::bytea || substring(root from 2)`),
        ).rejects.toThrow(refused);
        await expect(c.query(`DELETE FROM ledger_checkpoints`)).rejects.toThrow(refused);
        await expect(c.query(`UPDATE ledger_tree_state SET size = size - 1`)).rejects.toThrow(
          refused,
        );
        await expect(c.query(`UPDATE ledger_tree_state SET tip = 'x'`)).rejects.toThrow(refused);
        await expect(c.query(`DELETE FROM ledger_tree_state`)).rejects.toThrow(refused);
      });
      await expect(store.state()).resolves.toEqual(appender.state());
    });
  });
});
