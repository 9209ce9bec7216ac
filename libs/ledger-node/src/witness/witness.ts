// The witness: consumes the ledger stream in order, re-verifies every entry (chain,
// schema, key status at its seq, signature, and the key rules of key entries), stores it in
// this node's database, and reports how far it has stored. It feeds every key entry it
// verifies to the node's key registry. Any entry that fails raises an alarm and stops the
// witness: what was stored stays.
import { consumeLedger, LedgerSubjects, type NatsConnection } from '@govx/bus';
import { toHex, type SigningPublicKey } from '@govx/crypto';
import {
  decodeEntry,
  isKeyEntryType,
  KeyRuleError,
  KeyStatus,
  type Entry,
  type KeyRegistry,
  type TreeHasher,
  verifySubmissionSignatureFast,
} from '@govx/ledger-core';
import type { LedgerStore } from '@govx/persistence';
import type { Logger } from 'pino';
import type { OwnPlacements } from '../node/own-placements.js';
import type { LedgerMetrics } from '../node/ledger-metrics.js';
import { AlarmKind, type NodeHealth } from '../node/node-health.js';

export interface WitnessOptions {
  readonly nodeId: string;
  readonly hasher: TreeHasher;
  readonly maxEntryBytes: number;
  readonly maxBatch: number;
}

/** What the witness has verified (ahead of storage): the sequencers build on it. */
export interface VerifiedTip {
  readonly size: number;
  readonly tip: string;
  /** Time of the last entry (ms), so that ledger time never goes backwards. */
  readonly lastTime: number;
}

export interface StoredReport {
  readonly node: string;
  readonly size: number;
  /** The node raised an alarm: it no longer sequences, whatever it stores. */
  readonly halted?: boolean;
}

const FLUSH_DELAY_MS = 2;
const HEARTBEAT_MS = 1000;
const STORE_RETRY_MS = 500;

export class Witness {
  private verified: VerifiedTip = { size: 0, tip: '', lastTime: 0 };
  private storedSize = 0;
  private pending: Entry[] = [];
  private flushChain: Promise<void> = Promise.resolve();
  private flushTimer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private consumer: { stop(): Promise<void> } | null = null;
  private readonly verifiedWaiters: { size: number; resolve: () => void }[] = [];
  private readonly storedListeners: ((size: number) => void)[] = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly store: LedgerStore,
    /** At the verified tip: MUST have been loaded from the stored entries before start(). */
    readonly registry: KeyRegistry,
    private readonly health: NodeHealth,
    private readonly metrics: LedgerMetrics,
    private readonly logger: Logger,
    private readonly options: WitnessOptions,
    private readonly own: OwnPlacements,
  ) {}

  get tip(): VerifiedTip {
    return this.verified;
  }

  get stored(): number {
    return this.storedSize;
  }

  async start(): Promise<void> {
    const state = await this.store.state();
    const last = state.size > 0 ? await this.store.getEntry(state.size - 1) : null;
    this.verified = {
      size: state.size,
      tip: state.tip,
      lastTime: last ? Date.parse(last.time) : 0,
    };
    this.storedSize = state.size;
    this.metrics.stored.set(state.size);
    this.consumer = consumeLedger(this.nc, {
      fromStreamSeq: state.size + 1,
      onMessage: (streamSeq, data) => this.onMessage(streamSeq, data),
      onError: (e) => this.logger.error({ err: e }, 'ledger consumer failed'),
    });
    this.report();
    this.heartbeat = setInterval(() => this.report(), HEARTBEAT_MS);
    this.logger.info({ size: state.size }, 'witness started');
  }

  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    await this.consumer?.stop();
    await this.flush();
  }

  /** Resolves when the witness has verified at least `size` entries. */
  waitForVerified(size: number): Promise<void> {
    if (this.verified.size >= size) return Promise.resolve();
    return new Promise((resolve) => this.verifiedWaiters.push({ size, resolve }));
  }

  onStored(listener: (size: number) => void): void {
    this.storedListeners.push(listener);
  }

  private async onMessage(streamSeq: number, data: Uint8Array): Promise<void> {
    if (this.health.halted) return;
    const seq = this.verified.size;
    if (streamSeq !== seq + 1) {
      this.health.raise(
        AlarmKind.StreamGap,
        `stream delivered message ${streamSeq}, expected ${seq + 1}`,
        seq,
      );
      return this.halt();
    }
    // An entry this node placed: the leaf hash binds these bytes to the ones it encoded.
    const placed = this.ownPlacement(data);
    let entry: Entry;
    try {
      entry = placed ?? decodeEntry(data, this.options.hasher, this.options.maxEntryBytes);
    } catch (e) {
      this.health.raise(
        AlarmKind.BadEntry,
        `entry ${seq} is malformed: ${(e as Error).message}`,
        seq,
      );
      return this.halt();
    }
    const problem = this.check(entry, seq, placed !== undefined);
    if (problem) {
      this.health.raise(problem.kind, problem.message, seq);
      return this.halt();
    }
    this.pending.push(entry);
    this.verified = {
      size: seq + 1,
      tip: entry.leafHashHex,
      lastTime: Date.parse(entry.fields.time),
    };
    this.releaseVerifiedWaiters();
    if (this.pending.length >= this.options.maxBatch) await this.flush();
    else this.flushTimer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
  }

  /** The entry this node placed with these bytes, if any (none on a node that does not sequence). */
  private ownPlacement(data: Uint8Array): Entry | undefined {
    if (this.own.size === 0 || data.length > this.options.maxEntryBytes) return undefined;
    return this.own.take(toHex(this.options.hasher.hashLeaf(data)));
  }

  /** @param signatureChecked the intake of this node verified the entry's signature */
  private check(
    entry: Entry,
    seq: number,
    signatureChecked: boolean,
  ): { kind: (typeof AlarmKind)[keyof typeof AlarmKind]; message: string } | null {
    if (entry.seq !== seq)
      return {
        kind: AlarmKind.BrokenChain,
        message: `entry at position ${seq} says seq ${entry.seq}`,
      };
    if (entry.prev !== this.verified.tip) {
      return {
        kind: AlarmKind.BrokenChain,
        message: `entry ${seq} has prev ${entry.prev}, expected ${this.verified.tip}`,
      };
    }
    const status = this.registry.status(entry.fields.keyId, seq, entry.fields.actor);
    if (status !== KeyStatus.Valid) {
      return {
        kind: AlarmKind.BadEntry,
        message: `entry ${seq} is signed by key ${entry.fields.keyId}, ${status} for ${entry.fields.actor} at seq ${seq}`,
      };
    }
    const key = this.registry.record(entry.fields.keyId)!.key as SigningPublicKey;
    if (!signatureChecked && !verifySubmissionSignatureFast(entry.fields, key)) {
      return {
        kind: AlarmKind.BadEntry,
        message: `entry ${seq} has a signature that does not verify`,
      };
    }
    if (isKeyEntryType(entry.fields.type)) {
      try {
        this.registry.apply(entry.fields);
      } catch (e) {
        if (!(e instanceof KeyRuleError)) throw e;
        return {
          kind: AlarmKind.BadEntry,
          message: `entry ${seq} breaks a key rule: ${e.message}`,
        };
      }
    }
    return null;
  }

  private async halt(): Promise<void> {
    await this.flush();
    void this.consumer?.stop();
  }

  /** Stores what is verified, one transaction per batch; batches are stored in order. */
  flush(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    this.flushChain = this.flushChain.then(async () => {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        try {
          const state = await this.store.appendBatch(batch);
          this.storedSize = state.size;
        } catch (e) {
          // Keep the batch, in order, and try again: nothing verified is dropped.
          this.pending = batch.concat(this.pending);
          this.logger.error(
            { err: e, from: batch[0]!.seq },
            'storing verified entries failed; retrying',
          );
          await new Promise((r) => setTimeout(r, STORE_RETRY_MS));
          continue;
        }
        this.metrics.stored.set(this.storedSize);
        this.metrics.storedBatchSize.observe(batch.length);
        this.report();
        for (const listener of this.storedListeners) listener(this.storedSize);
      }
    });
    return this.flushChain;
  }

  private report(): void {
    const report: StoredReport = {
      node: this.options.nodeId,
      size: this.storedSize,
      halted: this.health.halted,
    };
    this.nc.publish(LedgerSubjects.Stored, JSON.stringify(report));
  }

  private releaseVerifiedWaiters(): void {
    const size = this.verified.size;
    for (let i = this.verifiedWaiters.length - 1; i >= 0; i--) {
      const waiter = this.verifiedWaiters[i]!;
      if (waiter.size <= size) {
        this.verifiedWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}
