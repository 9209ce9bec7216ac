// Coalesces submissions made at about the same time into batch requests
// (LedgerClient.submitBatch): a ledger node sequences, verifies and stores a batch for much less
// CPU per entry than the same entries one request each (docs/performance.md, exchange). Nothing
// waits for a batch to fill: a submission goes out on the next turn of the event loop, alone if
// it is alone; only while `maxInFlight` requests are out do new submissions queue, and they go
// together when one returns. Each caller gets its own receipt or its own refusal.
import type { Submission } from '@govx/ledger-core';
import type { LedgerClient, LedgerReceipt } from './ledger-client.js';

export interface SubmissionBatcherOptions {
  /** Entries per batch request, at most 1,000 (the ledger's limit); default 200. */
  readonly maxBatch?: number;
  /** Requests out at once; default 1: while one is out, what comes next waits and goes together. */
  readonly maxInFlight?: number;
}

interface Pending {
  readonly submission: Submission;
  readonly resolve: (receipt: LedgerReceipt) => void;
  readonly reject: (e: unknown) => void;
}

export class SubmissionBatcher {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly client: LedgerClient,
    options: SubmissionBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 200;
    this.maxInFlight = options.maxInFlight ?? 1;
    if (!Number.isInteger(this.maxBatch) || this.maxBatch < 1 || this.maxBatch > 1000)
      throw new RangeError('maxBatch: expected an integer in [1, 1000]');
    if (!Number.isInteger(this.maxInFlight) || this.maxInFlight < 1)
      throw new RangeError('maxInFlight: expected a positive integer');
  }

  /** As LedgerClient.submit: the quorum receipt, or the refusal of this entry. */
  submit(submission: Submission): Promise<LedgerReceipt> {
    return new Promise<LedgerReceipt>((resolve, reject) => {
      this.queue.push({ submission, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async send(batch: readonly Pending[]): Promise<void> {
    try {
      if (batch.length === 1) {
        const [one] = batch as [Pending];
        one.resolve(await this.client.submit(one.submission));
        return;
      }
      const results = await this.client.submitBatch(batch.map((p) => p.submission));
      batch.forEach((p, i) => {
        const r = results[i];
        if (r === undefined) p.reject(new Error(`the ledger answered no result for entry ${i}`));
        else if (r instanceof Error) p.reject(r);
        else p.resolve(r);
      });
    } catch (e) {
      for (const p of batch) p.reject(e);
    }
  }
}
