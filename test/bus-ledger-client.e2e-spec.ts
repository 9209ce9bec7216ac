// LedgerClient against a real ledger (3-node NATS cluster, 3 ledger node processes): receipts,
// exactly-once resubmission, structured refusals, and an in-order follower.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LedgerClient, LedgerRejectedError, type FollowedEntry } from '@govx/bus';
import { createSubmission } from '@govx/ledger-core';
import { startHarness, waitFor, type Harness } from './support/ledger-harness.js';

let h: Harness;
let client: LedgerClient;

beforeAll(async () => {
  h = await startHarness('ledger_client');
  client = new LedgerClient(h.client);
}, 180_000);

afterAll(async () => {
  await h?.close();
}, 120_000);

describe(LedgerClient.name, () => {
  describe('submit()', () => {
    it('resolves with the receipt, and with the first receipt for a resubmission', async () => {
      const s = h.submission(0, { n: 1 });
      const first = await client.submit(s);
      expect(first).toMatchObject({ seq: 0, duplicate: false, actor: s.actor, idem: s.idem });
      const again = await client.submit(s);
      expect(again).toMatchObject({ seq: 0, leafHash: first.leafHash, duplicate: true });
    });

    it('throws LedgerRejectedError with the code and field of a refusal', async () => {
      const s = h.submission(1, { n: 2 });
      const forged = { ...s, sig: s.sig.replace(/^../, s.sig.startsWith('00') ? '11' : '00') };
      await expect(client.submit(forged)).rejects.toMatchObject({
        name: LedgerRejectedError.name,
        code: 'bad-signature',
        field: 'sig',
      });
      const stranger = createSubmission(
        { type: 'request', actor: h.departments[0]!.actor, idem: 'x-1', body: {} },
        h.departments[1]!.key,
      );
      await expect(client.submit(stranger)).rejects.toMatchObject({ code: 'wrong-actor' });
    });
  });

  describe('submitBatch()', () => {
    it('answers each submission in order, receipts and refusals alike', async () => {
      const good = [h.submission(0, { n: 3 }), h.submission(2, { n: 4 })];
      const bad = { ...h.submission(1, { n: 5 }), keyId: 'ab'.repeat(32) };
      const results = await client.submitBatch([good[0]!, bad, good[1]!]);
      expect(results[0]).toMatchObject({ seq: 1, duplicate: false });
      expect(results[1]).toBeInstanceOf(LedgerRejectedError);
      expect(results[1]).toMatchObject({ code: 'unknown-key', field: 'keyId' });
      expect(results[2]).toMatchObject({ seq: 2, duplicate: false });
    });
  });

  describe('follow()', () => {
    it('delivers every entry in order from the given seq, decoded', async () => {
      const seen: FollowedEntry[] = [];
      const follower = client.follow(1, async (e) => {
        seen.push(e);
      });
      const receipt = await client.submit(h.submission(0, { n: 6 }));
      await waitFor('the follower to reach the new entry', async () =>
        seen.some((e) => e.seq === receipt.seq),
      );
      await follower.stop();
      expect(seen.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(seen[2]).toMatchObject({ leafHash: receipt.leafHash, entry: { body: { n: 6 } } });
      for (const e of seen) expect(e.entry.seq).toBe(e.seq);
    });
  });
});
