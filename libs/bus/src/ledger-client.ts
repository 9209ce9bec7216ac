// The client side of the ledger for services (gateways, governance, tools): submit signed
// entries and get quorum-durable receipts, and follow the log in order from any seq.
import type { NatsConnection } from '@nats-io/nats-core';
import {
  decodeEntry,
  RFC9162_SHA256,
  type EntryFields,
  type Submission,
  type TreeHasher,
} from '@govx/ledger-core';
import { toHex } from '@govx/crypto';
import { toBusError } from './classify.js';
import { BusError, TransientBusError } from './errors.js';
import { consumeLedger, type LedgerConsumer } from './ledger-consumer.js';
import { LedgerSubjects } from './subjects.js';

export interface LedgerReceipt {
  readonly seq: number;
  readonly leafHash: string;
  readonly time: string;
  readonly actor: string;
  readonly idem: string;
  /** True when the ledger answered a resubmission with the first receipt. */
  readonly duplicate: boolean;
}

/** The ledger refused a submission (ledger-service.md lists the codes). */
export class LedgerRejectedError extends BusError {
  constructor(
    readonly code: string,
    message: string,
    /** The submission field at fault, or null. */
    readonly field: string | null,
  ) {
    super(`ledger refused the entry (${code}): ${message}`);
  }
}

interface Reply {
  readonly ok: boolean;
  readonly receipt?: LedgerReceipt;
  readonly error?: {
    readonly code: string;
    readonly message: string;
    readonly field: string | null;
  };
}

/** One entry of the log as a follower sees it: decoded and canonical-checked. */
export interface FollowedEntry {
  readonly seq: number;
  readonly leafHash: string;
  readonly entry: EntryFields;
  readonly bytes: Uint8Array;
}

export interface LedgerClientOptions {
  /** The log's tree hasher (sha256 by default; SM3 logs pass SM3_TREE_HASHER). */
  readonly hasher?: TreeHasher;
  /** Intake subject; default govx.ledger.submit. */
  readonly submitSubject?: string;
  /** How long one request waits for its reply; default 30 s. */
  readonly requestTimeoutMs?: number;
}

/** Ledger refusals that resubmitting with the same idempotency key can cure. */
const RETRYABLE_CODES = new Set(['unavailable', 'timeout']);
const RETRY_BACKOFF_MS = [100, 250, 500, 1_000, 2_000] as const;

function rejection(reply: Reply): LedgerRejectedError {
  const error = reply.error;
  return new LedgerRejectedError(
    error?.code ?? 'malformed-reply',
    error?.message ?? 'the ledger answered without a receipt',
    error?.field ?? null,
  );
}

function isRetryable(e: Error): boolean {
  return e instanceof LedgerRejectedError
    ? RETRYABLE_CODES.has(e.code)
    : e instanceof TransientBusError;
}

function backoff(attempt: number): Promise<void> {
  const wait = RETRY_BACKOFF_MS[Math.min(attempt, RETRY_BACKOFF_MS.length - 1)]!;
  return new Promise((r) => setTimeout(r, wait));
}

export class LedgerClient {
  private readonly hasher: TreeHasher;
  private readonly subject: string;
  private readonly timeoutMs: number;

  constructor(
    private readonly nc: NatsConnection,
    options: LedgerClientOptions = {},
  ) {
    this.hasher = options.hasher ?? RFC9162_SHA256;
    this.subject = options.submitSubject ?? LedgerSubjects.Submit;
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  /**
   * Submits one signed entry and resolves with its receipt once a quorum of ledger nodes has
   * stored it. Transient failures are retried with the same submission (same idempotency key:
   * the ledger appends it once) until `deadlineMs` passes. A refusal throws LedgerRejectedError.
   */
  async submit(
    submission: Submission,
    options: { readonly deadlineMs?: number } = {},
  ): Promise<LedgerReceipt> {
    const deadline = Date.now() + (options.deadlineMs ?? 120_000);
    const payload = JSON.stringify(submission);
    for (let attempt = 0; ; attempt++) {
      let failure: Error;
      try {
        const msg = await this.nc.request(this.subject, payload, { timeout: this.timeoutMs });
        const reply = msg.json<Reply>();
        if (reply.ok && reply.receipt) return reply.receipt;
        failure = rejection(reply);
      } catch (e) {
        failure = toBusError(e, 'ledger submit');
      }
      if (!isRetryable(failure) || Date.now() > deadline) throw failure;
      await backoff(attempt);
    }
  }

  /**
   * Submits up to 1,000 entries in one request; each result is a receipt or the refusal of that
   * entry. Transient failures of the whole request are retried as in submit().
   */
  async submitBatch(
    submissions: readonly Submission[],
    options: { readonly deadlineMs?: number } = {},
  ): Promise<(LedgerReceipt | LedgerRejectedError)[]> {
    const deadline = Date.now() + (options.deadlineMs ?? 120_000);
    const payload = JSON.stringify(submissions);
    for (let attempt = 0; ; attempt++) {
      try {
        const msg = await this.nc.request(`${this.subject}.batch`, payload, {
          timeout: this.timeoutMs * 2,
        });
        return msg.json<Reply[]>().map((r) => (r.ok && r.receipt ? r.receipt : rejection(r)));
      } catch (e) {
        const failure = toBusError(e, 'ledger submit');
        if (!isRetryable(failure) || Date.now() > deadline) throw failure;
      }
      await backoff(attempt);
    }
  }

  /**
   * Delivers every entry from ledger seq `fromSeq` on, in order, decoded (canonical form checked;
   * signatures are the ledger's and the auditor's business). The handler is awaited before the
   * next entry; a throw stops the follower and is passed to onError.
   */
  follow(
    fromSeq: number,
    onEntry: (entry: FollowedEntry) => Promise<void>,
    onError?: (e: Error) => void,
  ): LedgerConsumer {
    if (!Number.isSafeInteger(fromSeq) || fromSeq < 0)
      throw new RangeError(`fromSeq must be an integer ≥ 0, got ${fromSeq}`);
    return consumeLedger(this.nc, {
      fromStreamSeq: fromSeq + 1,
      onMessage: async (streamSeq, data) => {
        const entry = decodeEntry(data, this.hasher, Number.MAX_SAFE_INTEGER);
        if (entry.seq !== streamSeq - 1)
          throw new BusError(`stream seq ${streamSeq} holds ledger seq ${entry.seq}`);
        await onEntry({
          seq: entry.seq,
          leafHash: toHex(entry.leafHash),
          entry: entry.fields,
          bytes: entry.bytes,
        });
      },
      ...(onError ? { onError } : {}),
    });
  }
}
