// Submissions over NATS request/reply: `govx.ledger.submit` takes one submission (JSON),
// `govx.ledger.submit.batch` an array of them; `govx.ledger.submit.dept.<d>` and
// `govx.ledger.submit.dept.<d>.batch` the same for department d, whose NATS user may publish
// only there: each entry's actor must then belong to d (docs/access.md §3). Every ledger node listens in one queue group,
// so each submission is sequenced by one node. Replies are JSON:
//   {"ok":true,"receipt":{…}}  or  {"ok":false,"error":{"code","message","field"}}
import { LedgerSubjects, type NatsConnection } from '@govx/bus';
import type { Msg, Subscription } from '@nats-io/nats-core';
import { DepartmentSubjects, departmentOfSubmitSubject } from '@govx/contracts';
import { actorDepartment, assertSubmission, type Submission } from '@govx/ledger-core';
import type { Logger } from 'pino';
import type { LedgerMetrics } from '../node/ledger-metrics.js';
import type { Witness } from '../witness/witness.js';
import type { Receipt, Sequencer } from './sequencer.js';
import { checkSubmission } from './submission-check.js';
import { SubmissionError, SubmissionErrorCode } from './submission-error.js';

export const SEQUENCER_QUEUE = 'govx-ledger-sequencers';
/** How long a submission signed by a just-registered key waits for the witness. */
const CATCH_UP_MS = 2_000;
/** Refusals that depend on the log's state, which a resubmission of a stored entry can meet. */
const STATE_DEPENDENT: ReadonlySet<string> = new Set([
  SubmissionErrorCode.RevokedKey,
  SubmissionErrorCode.KeyRule,
  SubmissionErrorCode.Forbidden,
  SubmissionErrorCode.SeparationOfDuties,
]);
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
    private readonly witness: Witness,
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
      this.nc.subscribe(DepartmentSubjects.SubmitAny, {
        queue: SEQUENCER_QUEUE,
        callback: (_e, msg) => void this.one(msg),
      }),
      this.nc.subscribe(DepartmentSubjects.SubmitBatchAny, {
        queue: SEQUENCER_QUEUE,
        callback: (_e, msg) => void this.many(msg),
      }),
    );
    this.logger.info('taking submissions');
  }

  private async one(msg: Msg): Promise<void> {
    const department = departmentOfSubmitSubject(msg.subject);
    const reply = await this.submit(() => this.parse(msg.data), msg.data.length, department);
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
      items.map((item) =>
        this.submit(
          () => item,
          Buffer.byteLength(JSON.stringify(item) ?? ''),
          departmentOfSubmitSubject(msg.subject),
        ),
      ),
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

  /** @param department the department of the subject it came on, or null (general subject) */
  private async submit(
    read: () => unknown,
    size: number,
    department: string | null,
  ): Promise<SubmitReply> {
    try {
      const json = read();
      let submission: Submission;
      try {
        submission = this.check(json, size);
      } catch (e) {
        // A key registered by an entry this node appended but has not verified yet: wait for
        // the witness to catch up with the sequencer (bounded), then check once more.
        const placed = this.sequencer.placedSize;
        if (
          !(e instanceof SubmissionError) ||
          e.code !== SubmissionErrorCode.UnknownKey ||
          this.witness.tip.size >= placed
        )
          throw e;
        await Promise.race([this.witness.waitForVerified(placed), delay(CATCH_UP_MS)]);
        submission = this.check(json, size);
      }
      if (department !== null) this.assertDepartment(submission, department);
      return { ok: true, receipt: await this.sequencer.submit(submission) };
    } catch (e) {
      const first = await this.firstReceipt(e, read);
      return first ? { ok: true, receipt: first } : this.refusal(e);
    }
  }

  /**
   * A refusal by a check that depends on the log's state may meet a retry of an entry the log
   * already holds (a key.register whose key is now registered, an entry whose key was revoked
   * since): the retry is owed its first receipt, as any resubmission is.
   */
  private async firstReceipt(e: unknown, read: () => unknown): Promise<Receipt | null> {
    if (!(e instanceof SubmissionError) || !STATE_DEPENDENT.has(e.code)) return null;
    try {
      const json = read();
      assertSubmission(json);
      return await this.sequencer.storedReceipt(json);
    } catch {
      return null;
    }
  }

  /** The actor is named `dept/<department>/…`, or its key was registered for that department. */
  private assertDepartment(s: Submission, department: string): void {
    if (actorDepartment(s.actor) === department) return;
    if (this.witness.registry.record(s.keyId)?.department === department) return;
    throw new SubmissionError(
      SubmissionErrorCode.WrongDepartment,
      `${s.actor} does not belong to department ${department}, whose subject this came on`,
      'actor',
    );
  }

  private check(json: unknown, size: number): Submission {
    const { registry, tip } = this.witness;
    return checkSubmission(json, size, registry, tip.size, this.maxEntryBytes);
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

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
