// Every node sequencing at once (/cluster/sequencers = 'all'): their appends contend on the
// stream's expected last sequence, and the chain never forks.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { publishEntry } from '@govx/bus';
import { Entry, RFC9162_SHA256 } from '@govx/ledger-core';
import { jetstream } from '@nats-io/jetstream';
import { startHarness, waitFor, type Harness } from './support/ledger-harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness('sequencers', 'all');
}, 180_000);

afterAll(async () => {
  await h?.close();
}, 120_000);

async function conflicts(): Promise<number> {
  let total = 0;
  for (const node of h.ledger.nodes) {
    const text = await (await fetch(`${node.url}/metrics`)).text();
    total += Number(/^govx_ledger_sequence_conflicts_total (\d+)/m.exec(text)?.[1] ?? 0);
  }
  return total;
}

describe('concurrent sequencers', () => {
  it('all take submissions, contend, and append one chain with no gap or duplicate', async () => {
    for (let i = 0; i < 3; i++)
      expect((await h.get<{ sequencing: boolean }>(i, '/health')).sequencing).toBe(true);
    const replies = [];
    for (let round = 0; round < 5; round++) {
      replies.push(
        ...(await Promise.all(
          Array.from({ length: 120 }, (_, i) => h.submit(h.submission(i, { round, i }))),
        )),
      );
    }
    expect(replies.every((r) => r.ok)).toBe(true);
    const seqs = replies.map((r) => r.receipt!.seq);
    expect(new Set(seqs).size).toBe(600);
    expect(Math.max(...seqs)).toBe(599);
    expect(await conflicts()).toBeGreaterThan(0);
    await h.expectSameVerifiedLog(600);
    for (let i = 0; i < 3; i++)
      expect((await h.get<{ status: string }>(i, '/health')).status).toBe('ok');
  });
});

describe('an entry that does not verify, put straight into the stream', () => {
  it('halts every node with an alarm; nothing after it is stored and no node sequences', async () => {
    const rows = await h.dbEntries(0);
    const last = rows.at(-1)!;
    const submission = h.submission(0, { honest: 1 });
    const forged = { ...submission, body: { honest: 0 } }; // signed body changed afterwards
    const entry = Entry.place(
      forged,
      { seq: last.seq + 1, prev: last.leafHash.toString('hex'), time: new Date().toISOString() },
      RFC9162_SHA256,
    );
    await publishEntry(jetstream(h.client), entry.bytes, {
      msgId: 'forged-1',
      expectedLastStreamSeq: last.seq + 1,
    });
    await waitFor('every node to raise the alarm', async () => {
      const statuses = await Promise.all(
        h.ledger.nodes.map((n) => fetch(`${n.url}/health`).then((r) => r.status)),
      );
      return statuses.every((s) => s === 503);
    });
    for (let i = 0; i < 3; i++) {
      const health = await h.get<{
        status: string;
        stored: number;
        sequencing: boolean;
        alarms: { kind: string; seq: number }[];
      }>(i, '/health');
      expect(health).toMatchObject({
        status: 'unhealthy',
        stored: last.seq + 1,
        sequencing: false,
      });
      expect(health.alarms[0]).toMatchObject({ kind: 'bad-entry', seq: last.seq + 1 });
      const metrics = await (await fetch(`${h.ledger.nodes[i]!.url}/metrics`)).text();
      expect(metrics).toMatch(/^govx_ledger_halted 1$/m);
    }
    await expect(h.submit(h.submission(1))).rejects.toThrow();
  });
});
