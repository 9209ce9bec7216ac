// The sequencer: places checked submissions on the tip of the log and appends them to the
// replicated stream, each append conditional on the expected last sequence (so concurrent
// sequencers on other nodes can never fork the chain: the loser re-reads the tip and
// retries). Each submission's key is checked again against the key registry at the very
// seq where it is placed (a key revoked by an entry just before it no longer counts), and key
// entries are applied in placement order. A submitter gets its receipt only once a quorum of
// nodes stored the entry.
import { hash } from 'node:crypto';
import {
  publishEntries,
  readStreamMessage,
  TransientBusError,
  WrongLastSequenceError,
  type JetStreamClient,
  type NatsConnection,
} from '@govx/bus';
import { toHex } from '@govx/crypto';
import {
  decodeEntry,
  Entry,
  isKeyEntryType,
  KeyRuleError,
  signedMessage,
  type EntryFields,
  type KeyRegistry,
  type Submission,
  type TreeHasher,
} from '@govx/ledger-core';
import type { LedgerStore } from '@govx/persistence';
import type { Logger } from 'pino';
import type { LedgerMetrics } from '../node/ledger-metrics.js';
import type { NodeHealth } from '../node/node-health.js';
import type { OwnPlacements } from '../node/own-placements.js';
import type { VerifiedTip, Witness } from '../witness/witness.js';
import type { DurabilityTracker } from './durability-tracker.js';
import { assertKeyCounts, fromKeyRuleError } from './submission-check.js';
import { SubmissionError, SubmissionErrorCode } from './submission-error.js';

export interface Receipt {
  readonly seq: number;
  readonly leafHash: string;
  readonly time: string;
  readonly actor: string;
  readonly idem: string;
  /** True when this answers a resubmission: the receipt of the first one. */
  readonly duplicate: boolean;
}

interface Pending {
  readonly submission: Submission;
  readonly key: string;
  readonly msgId: string;
  /** The signed message as text, computed on first use (only a same-key resubmission needs it). */
  signed(): string;
  readonly started: number;
  readonly promise: Promise<Receipt>;
  resolve(receipt: Receipt): void;
  reject(error: Error): void;
}

/** An entry this sequencer appended, waiting to be stored by a quorum before its receipt. */
interface Appended {
  readonly entry: Entry;
  readonly pending: Pending;
  /** performance.now() when it was appended: its ack timeout runs from here. */
  readonly at: number;
}

export interface SequencerOptions {
  readonly hasher: TreeHasher;
  readonly maxBatch: number;
  readonly ackTimeoutMs: number;
}

const RETRY_BACKOFF_MS = 100;
const LINGER_MS = 1;
const FORCE_RECONNECT_AFTER_MS = 3_000;
const CATCH_UP_TIMEOUT_MS = 5_000;
/** How long a resubmission's lookup waits for this node to store what a quorum stored. */
const STORED_CATCH_UP_MS = 2_000;
/** How often appended entries are checked against the ack timeout (at most). */
const TIMEOUT_SWEEP_MS = 250;
/** Answered entries at the head of the appended queue before it is compacted. */
const COMPACT_AFTER = 1024;

/** JetStream message id of a submission: one per (actor, idempotency key). */
export function submissionMsgId(actor: string, idem: string): string {
  return hash('sha256', `${actor}\n${idem}`, 'hex'); // one-shot: no Hash object per entry
}

export class Sequencer {
  private readonly queue: Pending[] = [];
  private readonly byKey = new Map<string, Pending>();
  private running = false;
  /** The tip after our own last append, when it is ahead of what the witness verified. */
  private ownTip: VerifiedTip | null = null;
  /** Since when appends have failed with transient errors only (null: they have not). */
  private transientSince: number | null = null;
  /** Key entries this sequencer appended beyond the witness's verified tip, in seq order. */
  private ownKeyEntries: EntryFields[] = [];
  /**
   * Entries appended by this sequencer and not yet answered, from index `appendedHead` on, in
   * seq order (appends only ever extend the stream): answered from the head as the durable
   * size grows, one queue and one timer for all instead of a promise and a timer each.
   */
  private appended: Appended[] = [];
  private appendedHead = 0;
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly store: LedgerStore,
    private readonly witness: Witness,
    private readonly durability: DurabilityTracker,
    private readonly health: NodeHealth,
    private readonly metrics: LedgerMetrics,
    private readonly logger: Logger,
    private readonly options: SequencerOptions,
    private readonly own: OwnPlacements,
  ) {
    durability.onDurable((size) => this.answerDurable(size));
  }

  /** Appends a checked submission; resolves with its receipt once it is quorum-durable. */
  async submit(submission: Submission): Promise<Receipt> {
    if (this.health.halted)
      throw new SubmissionError(
        SubmissionErrorCode.Halted,
        'this ledger node halted after an alarm',
      );
    const key = `${submission.actor}\n${submission.idem}`;
    const queued = this.byKey.get(key);
    if (queued) {
      if (queued.signed() !== signedText(submission)) throw this.conflict(submission);
      return queued.promise;
    }
    let signed: string | undefined;
    let resolve!: (r: Receipt) => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<Receipt>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const pending: Pending = {
      submission,
      key,
      msgId: submissionMsgId(submission.actor, submission.idem),
      signed: () => (signed ??= signedText(submission)),
      started: performance.now(),
      promise,
      resolve,
      reject,
    };
    this.byKey.set(key, pending);
    void promise.finally(() => this.byKey.delete(key)).catch(() => undefined);
    this.queue.push(pending);
    this.kick();
    return promise;
  }

  private conflict(submission: Submission): SubmissionError {
    return new SubmissionError(
      SubmissionErrorCode.IdempotencyConflict,
      `idempotency key ${submission.idem} of ${submission.actor} was already used for a different submission`,
      'idem',
    );
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    void this.run().finally(() => {
      this.running = false;
      if (this.queue.length > 0 && !this.health.halted) this.kick();
    });
  }

  private async run(): Promise<void> {
    while (this.queue.length > 0) {
      if (this.health.halted) {
        for (const p of this.queue.splice(0))
          p.reject(
            new SubmissionError(
              SubmissionErrorCode.Halted,
              'this ledger node halted after an alarm',
            ),
          );
        return;
      }
      // Let submissions that are being checked right now join this batch.
      if (this.queue.length < this.options.maxBatch) await delay(LINGER_MS);
      const now = performance.now();
      const expired = this.queue.filter((p) => now - p.started > this.options.ackTimeoutMs);
      if (expired.length > 0) {
        for (const p of expired) {
          this.queue.splice(this.queue.indexOf(p), 1);
          p.reject(
            new SubmissionError(
              SubmissionErrorCode.Unavailable,
              'the ledger stream did not accept the entry in time; resubmit with the same idempotency key',
            ),
          );
        }
        continue;
      }
      const batch = await this.withoutStored(this.queue.splice(0, this.options.maxBatch));
      if (batch.length === 0) continue;
      try {
        const rest = await this.append(batch);
        this.queue.unshift(...rest);
      } catch (e) {
        this.logger.error({ err: e }, 'append failed');
        for (const p of batch)
          p.reject(
            new SubmissionError(
              SubmissionErrorCode.Unavailable,
              `the ledger stream is unavailable: ${(e as Error).message}`,
            ),
          );
      }
    }
  }

  /**
   * Answers the submissions whose (actor, idem) is already stored (one query per batch) and
   * returns the others. Within the stream's duplicate window the stream itself refuses a
   * repeat; this covers resubmissions after it.
   */
  private async withoutStored(batch: Pending[]): Promise<Pending[]> {
    let stored;
    try {
      stored = await this.store.findByIdems(
        batch.map((p) => ({ actor: p.submission.actor, idem: p.submission.idem })),
      );
    } catch (e) {
      for (const p of batch)
        p.reject(
          new SubmissionError(
            SubmissionErrorCode.Unavailable,
            `the ledger database is unavailable: ${(e as Error).message}`,
          ),
        );
      return [];
    }
    if (stored.length === 0) return batch;
    const byKey = new Map(stored.map((e) => [`${e.actor}\n${e.idem}`, e]));
    return batch.filter((p) => {
      const existing = byKey.get(p.key);
      if (!existing) return true;
      const first = decodeEntry(existing.bytes, this.options.hasher);
      if (signedText(first.fields) !== p.signed()) p.reject(this.conflict(p.submission));
      else {
        void this.durable(existing.seq).then(
          () =>
            p.resolve({
              seq: existing.seq,
              leafHash: toHex(existing.leafHash),
              time: existing.time,
              actor: existing.actor,
              idem: existing.idem,
              duplicate: true,
            }),
          p.reject,
        );
      }
      return false;
    });
  }

  /**
   * The first receipt of a resubmission already in the log: the stored entry with this
   * (actor, idem) whose submitted fields and signature equal `submission`'s; else null. Lets
   * intake answer a retry whose checks depend on the log's state (the key it registered now
   * exists, its signing key was revoked since) with the receipt it was owed.
   */
  async storedReceipt(submission: Submission): Promise<Receipt | null> {
    let existing = await this.store.findByIdem(submission.actor, submission.idem);
    if (!existing) {
      // A quorum of other nodes may hold what this node has not stored yet: catch up (bounded).
      const target = this.durability.durableSize();
      const deadline = Date.now() + STORED_CATCH_UP_MS;
      while (this.witness.stored < target && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      existing = await this.store.findByIdem(submission.actor, submission.idem);
    }
    if (!existing) return null;
    const first = decodeEntry(existing.bytes, this.options.hasher);
    if (signedText(first.fields) !== signedText(submission) || first.fields.sig !== submission.sig)
      return null;
    await this.durable(existing.seq);
    return {
      seq: existing.seq,
      leafHash: toHex(existing.leafHash),
      time: existing.time,
      actor: existing.actor,
      idem: existing.idem,
      duplicate: true,
    };
  }

  /** Size of the log including what this sequencer appended and the witness has not verified. */
  get placedSize(): number {
    return this.base().size;
  }

  /** The key registry at `base`: the witness's, plus our own key entries it has not verified. */
  private registryAt(base: VerifiedTip, batch: readonly Pending[]): KeyRegistry {
    const verified = this.witness.tip.size;
    this.ownKeyEntries = this.ownKeyEntries.filter((e) => e.seq >= verified && e.seq < base.size);
    const registry = this.witness.registry;
    if (this.ownKeyEntries.length === 0 && !batch.some((p) => isKeyEntryType(p.submission.type)))
      return registry; // read only below
    const copy = registry.clone();
    for (const e of this.ownKeyEntries) copy.apply(e);
    return copy;
  }

  /**
   * Checks each submission's key where it would be placed (base.size, base.size + 1, … over
   * the admitted ones), applying key entries in order; refuses the others at once.
   */
  private admit(batch: readonly Pending[], base: VerifiedTip): Pending[] {
    const registry = this.registryAt(base, batch);
    const admitted: Pending[] = [];
    for (const p of batch) {
      const seq = base.size + admitted.length;
      try {
        assertKeyCounts(registry, p.submission, seq);
        if (isKeyEntryType(p.submission.type)) registry.apply({ ...p.submission, seq });
        admitted.push(p);
      } catch (e) {
        p.reject(e instanceof KeyRuleError ? fromKeyRuleError(e) : (e as Error));
      }
    }
    return admitted;
  }

  private base(): VerifiedTip {
    const verified = this.witness.tip;
    return this.ownTip && this.ownTip.size > verified.size ? this.ownTip : verified;
  }

  /** Places and publishes one batch; returns the submissions to try again (in order). */
  private async append(candidates: Pending[]): Promise<Pending[]> {
    const base = this.base();
    const batch = this.admit(candidates, base);
    if (batch.length === 0) return [];
    let prev = base.tip;
    let lastTime = base.lastTime;
    const entries = batch.map((p, i) => {
      lastTime = Math.max(Date.now(), lastTime);
      const entry = Entry.place(
        p.submission,
        { seq: base.size + i, prev, time: new Date(lastTime).toISOString() },
        this.options.hasher,
      );
      prev = entry.leafHashHex;
      this.own.add(entry);
      return entry;
    });
    const { published, error } = await publishEntries(
      this.js,
      entries.map((e, i) => ({ bytes: e.bytes, msgId: batch[i]!.msgId })),
      base.size,
    );
    let appended = 0;
    for (const [i, result] of published.entries()) {
      const pending = batch[i]!;
      if (result.duplicate) {
        // Appended before (a retry, or the same key from another node): answer with the first.
        void this.receiptOf(result.streamSeq - 1, true).then(pending.resolve, pending.reject);
        break;
      }
      const entry = entries[i]!;
      appended++;
      if (isKeyEntryType(entry.fields.type)) this.ownKeyEntries.push(entry.fields);
      this.ownTip = {
        size: entry.seq + 1,
        tip: entry.leafHashHex,
        lastTime: Date.parse(entry.fields.time),
      };
      this.appended.push({ entry, pending, at: performance.now() });
    }
    this.metrics.batchSize.observe(appended);
    if (appended > 0) {
      this.answerDurable(this.durability.durableSize());
      this.sweepTimer ??= setInterval(
        () => this.sweepTimedOut(),
        Math.min(TIMEOUT_SWEEP_MS, this.options.ackTimeoutMs),
      );
    }
    const settled = published.length > appended ? appended + 1 : appended;
    const rest = batch.slice(settled);
    if (appended < published.length) {
      this.ownTip = null; // a duplicate: the chain we placed after it is void
      this.ownKeyEntries = [];
    }
    if (error)
      this.logger.warn(
        { err: error, base: base.size, appended },
        'append interrupted; retrying the rest',
      );
    if (error instanceof WrongLastSequenceError) {
      this.metrics.conflicts.inc();
      this.ownTip = null;
      this.ownKeyEntries = [];
      await Promise.race([
        this.witness.waitForVerified(error.lastSeq ?? base.size + 1),
        delay(CATCH_UP_TIMEOUT_MS),
      ]);
    } else if (error instanceof TransientBusError) {
      this.ownTip = null;
      this.ownKeyEntries = [];
      this.transientSince ??= Date.now();
      if (Date.now() - this.transientSince > FORCE_RECONNECT_AFTER_MS) {
        // nats-server 2.9 can leave a connection to a server that lost the stream's interest
        // after a cluster restart ("no responders" for ever): move to another server.
        this.logger.warn(
          'the stream has not answered for a while; reconnecting to another NATS server',
        );
        this.transientSince = Date.now();
        await this.nc.reconnect().catch(() => undefined);
      }
      await delay(RETRY_BACKOFF_MS);
    } else if (error) {
      throw error;
    }
    return rest;
  }

  /** Answers the appended entries below `durableSize` (stored by a quorum) with their receipts. */
  private answerDurable(durableSize: number): void {
    const queue = this.appended;
    let head = this.appendedHead;
    let answered = 0;
    for (; head < queue.length && queue[head]!.entry.seq < durableSize; head++) {
      const { entry, pending } = queue[head]!;
      answered++;
      this.metrics.ackLatency.observe((performance.now() - pending.started) / 1000);
      pending.resolve({
        seq: entry.seq,
        leafHash: entry.leafHashHex,
        time: entry.fields.time,
        actor: entry.fields.actor,
        idem: entry.fields.idem,
        duplicate: false,
      });
    }
    if (answered > 0) this.metrics.appended.inc(answered);
    this.advanceAppended(head);
  }

  /** Refuses, from the head, the appended entries not stored by a quorum within the ack timeout. */
  private sweepTimedOut(): void {
    const queue = this.appended;
    const deadline = performance.now() - this.options.ackTimeoutMs;
    let head = this.appendedHead;
    for (; head < queue.length && queue[head]!.at <= deadline; head++) {
      const { entry, pending } = queue[head]!;
      pending.reject(
        new SubmissionError(
          SubmissionErrorCode.Timeout,
          `entry ${entry.seq} is appended but not yet stored by a quorum; resubmit with the same idempotency key for its receipt`,
        ),
      );
    }
    this.advanceAppended(head);
  }

  private advanceAppended(head: number): void {
    if (head >= this.appended.length) {
      this.appended = [];
      this.appendedHead = 0;
      if (this.sweepTimer) clearInterval(this.sweepTimer);
      this.sweepTimer = null;
    } else if (head > COMPACT_AFTER) {
      this.appended = this.appended.slice(head);
      this.appendedHead = 0;
    } else this.appendedHead = head;
  }

  /** Resolves when entry `seq` is stored by a quorum, or rejects after the ack timeout. */
  private durable(seq: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new SubmissionError(
              SubmissionErrorCode.Timeout,
              `entry ${seq} is appended but not yet stored by a quorum; resubmit with the same idempotency key for its receipt`,
            ),
          ),
        this.options.ackTimeoutMs,
      );
    });
    return Promise.race([this.durability.waitFor(seq + 1), timeout]).finally(() =>
      clearTimeout(timer),
    );
  }

  private async receiptOf(seq: number, duplicate: boolean): Promise<Receipt> {
    await this.durable(seq);
    const message = await readStreamMessage(this.nc, seq + 1);
    if (!message)
      throw new SubmissionError(
        SubmissionErrorCode.Unavailable,
        `entry ${seq} cannot be read back`,
      );
    const entry = decodeEntry(message.data, this.options.hasher);
    return {
      seq,
      leafHash: entry.leafHashHex,
      time: entry.fields.time,
      actor: entry.fields.actor,
      idem: entry.fields.idem,
      duplicate,
    };
  }
}

/** What a submission's signature covers, as text: equal for the same submission. */
function signedText(s: Submission | EntryFields): string {
  return Buffer.from(signedMessage(s)).toString('utf8');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
