// An in-order reader of the ledger stream that outlives server restarts and leader changes.
// Each "epoch" is one ephemeral pull consumer (ack none, R1, memory) created at the next
// expected sequence; any bus failure ends the epoch and a new one starts where the last
// handled message left off, so no message is skipped or handed over twice.
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  type ConsumerMessages,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos, nuid, type NatsConnection } from '@nats-io/nats-core';
import { toBusError } from './classify.js';
import { BusError, TransientBusError } from './errors.js';
import { manager } from './ledger-stream.js';
import { LEDGER_STREAM } from './subjects.js';

export interface ConsumeLedgerOptions {
  /** First stream seq to deliver (≥ 1); ledger seq n is stream seq n + 1. */
  fromStreamSeq: number;
  /** Called once per message in stream order and awaited before the next (backpressure). A
   * throw or rejection stops the consumer and is reported through onError. */
  onMessage: (streamSeq: number, data: Uint8Array) => Promise<void>;
  /** Why the consumer stopped on its own: the handler's error, or a BusError when the
   * connection was closed. */
  onError?: (e: Error) => void;
  /** Each bus failure the consumer recovers from (for logs and metrics). */
  onRetry?: (e: BusError) => void;
  /** Messages per pull request; default 256. */
  batch?: number;
}

export interface LedgerConsumer {
  /** Ends the consumer after the handler call in progress, if any, returns. */
  stop(): Promise<void>;
  /** The last stream seq whose handler call completed; fromStreamSeq - 1 before the first. */
  readonly lastSeq: number;
}

export const DEFAULT_CONSUME_BATCH = 256;
const FETCH_EXPIRES_MS = 5_000;
const IDLE_HEARTBEAT_MS = 1_000;
/** A fetch that has not ended this long after it expires is presumed lost. */
const STALL_MS = FETCH_EXPIRES_MS + 5_000;
const CONSUMER_INACTIVE_MS = 60_000;
const BACKOFF_MS = [100, 250, 500, 1_000, 2_000] as const;
const DELETE_TIMEOUT_MS = 2_000;

class HandlerError extends Error {}

/**
 * Delivers the ledger stream from `fromStreamSeq` on, in order, to `onMessage`. Sequences are
 * consecutive; if the stream itself lacks a sequence (confirmed by a second consumer), the next
 * one present is delivered and the handler sees the gap in `streamSeq`.
 */
export function consumeLedger(nc: NatsConnection, options: ConsumeLedgerOptions): LedgerConsumer {
  const { fromStreamSeq } = options;
  if (!Number.isSafeInteger(fromStreamSeq) || fromStreamSeq < 1) {
    throw new RangeError(`options.fromStreamSeq must be an integer ≥ 1, got ${fromStreamSeq}`);
  }
  const batch = options.batch ?? DEFAULT_CONSUME_BATCH;
  if (!Number.isInteger(batch) || batch < 1) {
    throw new RangeError(`options.batch must be an integer ≥ 1, got ${batch}`);
  }
  if (typeof options.onMessage !== 'function') {
    throw new TypeError('options.onMessage must be a function');
  }
  const reader = new LedgerReader(nc, { ...options, batch });
  const done = reader.run();
  return {
    async stop() {
      reader.stop();
      await done;
    },
    get lastSeq() {
      return reader.next - 1;
    },
  };
}

class LedgerReader {
  next: number;
  private stopped = false;
  private fetch: ConsumerMessages | null = null;
  private wake: (() => void) | null = null;
  /** The seq that was missing when the last epoch ended on a gap. */
  private suspectedGap: number | null = null;
  private readonly deletes = new Set<Promise<unknown>>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: ConsumeLedgerOptions & { batch: number },
  ) {
    this.next = options.fromStreamSeq;
  }

  stop(): void {
    this.stopped = true;
    this.fetch?.stop();
    this.wake?.();
  }

  async run(): Promise<void> {
    let failures = 0;
    try {
      while (!this.stopped) {
        if (this.nc.isClosed()) {
          this.stopped = true;
          this.options.onError?.(
            new BusError('the NATS connection is closed; ledger consumer stopped'),
          );
          break;
        }
        const from = this.next;
        try {
          await this.epoch();
        } catch (e) {
          if (e instanceof HandlerError) {
            this.stopped = true;
            this.options.onError?.(e.cause instanceof Error ? e.cause : new Error(String(e.cause)));
            break;
          }
          if (this.stopped) break;
          if (this.next > from) failures = 0;
          this.options.onRetry?.(toBusError(e, `consume ${LEDGER_STREAM} from ${this.next}`));
          await this.sleep(BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)]!);
          failures++;
        }
      }
    } finally {
      await Promise.allSettled([...this.deletes]);
    }
  }

  /** One consumer's life: returns when stopped, throws on any failure. */
  private async epoch(): Promise<void> {
    const jsm = await manager(this.nc);
    const ci = await jsm.consumers.add(LEDGER_STREAM, {
      name: `govx_ledger_${nuid.next()}`,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: this.next,
      ack_policy: AckPolicy.None,
      mem_storage: true,
      num_replicas: 1,
      inactive_threshold: nanos(CONSUMER_INACTIVE_MS),
    });
    const consumer = jetstream(this.nc).consumers.getConsumerFromInfo(ci);
    try {
      while (!this.stopped) {
        const fetch = await consumer.fetch({
          max_messages: this.options.batch,
          expires: FETCH_EXPIRES_MS,
          idle_heartbeat: IDLE_HEARTBEAT_MS,
        });
        this.fetch = fetch;
        const it = fetch[Symbol.asyncIterator]();
        for (;;) {
          const r = await withStallGuard(it.next(), () => fetch.stop());
          if (r.done) break;
          await this.deliver(r.value);
          if (this.stopped) break;
        }
        this.fetch = null;
      }
    } finally {
      this.fetch = null;
      this.deleteLater(jsm, ci.name);
    }
  }

  /** Hands one message to the handler if it is the next one. */
  private async deliver(m: JsMsg): Promise<void> {
    const seq = m.seq;
    if (seq < this.next) return; // already handled (redelivery after a reconnect)
    if (seq > this.next && this.suspectedGap !== this.next) {
      this.suspectedGap = this.next;
      throw new TransientBusError(`stream seq ${seq} arrived while ${this.next} was expected`);
    }
    this.suspectedGap = null;
    try {
      await this.options.onMessage(seq, m.data);
    } catch (e) {
      throw new HandlerError('ledger message handler failed', { cause: e });
    }
    this.next = seq + 1;
  }

  private deleteLater(jsm: JetStreamManager, name: string): void {
    if (this.nc.isClosed()) return;
    const p = withTimeout(jsm.consumers.delete(LEDGER_STREAM, name), DELETE_TIMEOUT_MS)
      .catch(() => {
        // best effort: an unused consumer expires after CONSUMER_INACTIVE_MS
      })
      .finally(() => this.deletes.delete(p));
    this.deletes.add(p);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    }).finally(() => {
      this.wake = null;
    });
  }
}

async function withStallGuard<T>(p: Promise<T>, onStall: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onStall();
      reject(new TransientBusError(`no message, heartbeat or end of fetch for ${STALL_MS} ms`));
    }, STALL_MS);
  });
  try {
    return await Promise.race([p, stalled]);
  } finally {
    clearTimeout(timer);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
