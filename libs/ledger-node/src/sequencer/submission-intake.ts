// Submissions over NATS request/reply: `govx.ledger.submit` takes one submission (JSON),
// `govx.ledger.submit.batch` an array of them. Every ledger node listens in one queue group,
// so each submission is sequenced by one node. Replies are JSON:
//   {"ok":true,"receipt":{…}}  or  {"ok":false,"error":{"code","message","field"}}
import { LedgerSubjects, type NatsConnection } from '@govx/bus';
import type { Msg, Subscription } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import type { StaticKeyring } from '../node/keyring.js';
import type { LedgerMetrics } from '../node/ledger-metrics.js';
import type { Receipt, Sequencer } from './sequencer.js';
import { checkSubmission } from './submission-check.js';
import { SubmissionError, SubmissionErrorCode } from './submission-error.js';

export const SEQUENCER_QUEUE = 'govx-ledger-sequencers';
/** Most submissions one batch request may carry. */
export const MAX_SUBMISSIONS_PER_REQUEST = 1000;

export type SubmitReply =
  | { readonly ok: true; readonly receipt: Receipt }
  | { readonly ok: false; readonly error: ReturnType<SubmissionError['toJSON']> };

export class SubmissionIntake {
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly sequencer: Sequencer,
    private readonly keyring: StaticKeyring,
    private readonly metrics: LedgerMetrics,
    private readonly logger: Logger,
    private readonly maxEntryBytes: number,
  ) {}

  /** True while this node takes submissions (it is the preferred live sequencer). */
  get active(): boolean {
    return this.subscriptions.length > 0;
  }

  /** Subscribes to the intake subjects, or unsubscribes (letting another node take them). */
  setActive(active: boolean): void {
    if (active === this.active) return;
    if (!active) {
      for (const s of this.subscriptions.splice(0)) s.unsubscribe();
      this.logger.info('stopped taking submissions');
      return;
    }
    this.subscriptions.push(
      this.nc.subscribe(LedgerSubjects.Submit, {
        queue: SEQUENCER_QUEUE,
        callback: (_e, msg) => void this.one(msg),
      }),
      this.nc.subscribe(LedgerSubjects.SubmitBatch, {
        queue: SEQUENCER_QUEUE,
        callback: (_e, msg) => void this.many(msg),
      }),
    );
    this.logger.info('taking submissions');
  }

  private async one(msg: Msg): Promise<void> {
    const reply = await this.submit(() => this.parse(msg.data), msg.data.length);
    msg.respond(JSON.stringify(reply));
  }

  private async many(msg: Msg): Promise<void> {
    let items: unknown[];
    try {
      const value = this.parse(msg.data);
      if (!Array.isArray(value))
        throw new SubmissionError(
          SubmissionErrorCode.Malformed,
          'expected an array of submissions',
          '$',
        );
      if (value.length > MAX_SUBMISSIONS_PER_REQUEST) {
        throw new SubmissionError(
          SubmissionErrorCode.TooLarge,
          `at most ${MAX_SUBMISSIONS_PER_REQUEST} submissions per request`,
          '$',
        );
      }
      items = value;
    } catch (e) {
      msg.respond(JSON.stringify(this.refusal(e)));
      return;
    }
    const replies = await Promise.all(
      items.map((item) => this.submit(() => item, Buffer.byteLength(JSON.stringify(item) ?? ''))),
    );
    msg.respond(JSON.stringify(replies));
  }

  private parse(data: Uint8Array): unknown {
    try {
      return JSON.parse(Buffer.from(data).toString('utf8'));
    } catch (e) {
      throw new SubmissionError(
        SubmissionErrorCode.Malformed,
        `not JSON: ${(e as Error).message}`,
        '$',
      );
    }
  }

  private async submit(read: () => unknown, size: number): Promise<SubmitReply> {
    try {
      const submission = checkSubmission(read(), size, this.keyring, this.maxEntryBytes);
      return { ok: true, receipt: await this.sequencer.submit(submission) };
    } catch (e) {
      return this.refusal(e);
    }
  }

  private refusal(e: unknown): SubmitReply {
    const error =
      e instanceof SubmissionError
        ? e
        : new SubmissionError(
            SubmissionErrorCode.Unavailable,
            `internal error: ${(e as Error).message}`,
          );
    if (!(e instanceof SubmissionError))
      this.logger.error({ err: e }, 'submission failed unexpectedly');
    this.metrics.rejected.inc({ code: error.code });
    return { ok: false, error: error.toJSON() };
  }
}
