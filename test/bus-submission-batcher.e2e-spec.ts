// SubmissionBatcher against a real ledger (3-node NATS cluster, 3 ledger node processes):
// submissions made together go as batch requests, each caller gets its own receipt or refusal.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  LedgerClient,
  LedgerRejectedError,
  SubmissionBatcher,
  type LedgerReceipt,
} from '@govx/bus';
import type { Submission } from '@govx/ledger-core';
import { startHarness, type Harness } from './support/ledger-harness.js';

/** The real client, noting the size of each request it makes. */
class CountingClient extends LedgerClient {
  readonly requests: number[] = [];
  override submit(s: Submission): Promise<LedgerReceipt> {
    this.requests.push(1);
    return super.submit(s);
  }
  override submitBatch(s: readonly Submission[]): Promise<(LedgerReceipt | LedgerRejectedError)[]> {
    this.requests.push(s.length);
    return super.submitBatch(s);
  }
}

let h: Harness;

beforeAll(async () => {
  h = await startHarness('submission_batcher');
}, 180_000);

afterAll(async () => {
  await h?.close();
}, 120_000);

describe(SubmissionBatcher.name, () => {
  it('sends a lone submission alone, at once', async () => {
    const client = new CountingClient(h.client);
    const batcher = new SubmissionBatcher(client);
    const s = h.submission(0, { n: 'alone' });
    await expect(batcher.submit(s)).resolves.toMatchObject({ idem: s.idem, duplicate: false });
    expect(client.requests).toEqual([1]);
  });

  it('coalesces submissions made together; each gets its own receipt, a bad one its own refusal', async () => {
    const client = new CountingClient(h.client);
    const batcher = new SubmissionBatcher(client, { maxInFlight: 1, maxBatch: 25 });
    const good = Array.from({ length: 60 }, (_, i) => h.submission(i, { n: i }));
    const bad = h.submission(1, { n: 'forged' });
    const forged = { ...bad, sig: bad.sig.replace(/^../, bad.sig.startsWith('00') ? '11' : '00') };
    const results = await Promise.allSettled([
      ...good.slice(0, 30).map((s) => batcher.submit(s)),
      batcher.submit(forged),
      ...good.slice(30).map((s) => batcher.submit(s)),
    ]);
    const refused = results[30]!;
    expect(refused.status).toBe('rejected');
    expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(LedgerRejectedError);
    expect((refused as PromiseRejectedResult).reason).toMatchObject({ code: 'bad-signature' });
    const receipts = results
      .filter((_, i) => i !== 30)
      .map((r) => (r as PromiseFulfilledResult<LedgerReceipt>).value);
    expect(receipts.map((r) => r.idem)).toEqual(good.map((s) => s.idem));
    expect(new Set(receipts.map((r) => r.seq)).size).toBe(60);
    // 61 submissions in requests of at most 25, one request out at a time.
    expect(client.requests.reduce((a, b) => a + b, 0)).toBe(61);
    expect(Math.max(...client.requests)).toBeLessThanOrEqual(25);
    expect(client.requests.length).toBeLessThanOrEqual(4);
  });

  it('refuses bad options, naming them', () => {
    const client = new LedgerClient(h.client);
    expect(() => new SubmissionBatcher(client, { maxBatch: 1001 })).toThrow('maxBatch');
    expect(() => new SubmissionBatcher(client, { maxInFlight: 0 })).toThrow('maxInFlight');
  });
});
