// The parallel verifier: the streaming verifier's checks and verdicts, with decoding and
// hashing spread over worker threads in batches of 2^k entries. The main thread links the
// batches, appends each batch to the tree as one subtree root, and checks checkpoints, so
// memory stays O(batches in flight + log n).
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CheckpointPolicy } from '../checkpoint/checkpoint.js';
import { MAX_ENTRY_BYTES } from '../entry/entry.js';
import { VerifyReason } from '../errors.js';
import { treeHasher, type TreeHashName } from '../merkle/index.js';
import { checkBatch, packedHex, type BatchRequest, type BatchResult } from './batch-check.js';
import { VerifierState, VerifierUsageError, type VerifierSummary } from './verifier-state.js';

/** One item of a log as a verifier reads it: an entry's stored bytes, or a checkpoint note. */
export type LogItem = { readonly entry: Uint8Array } | { readonly checkpoint: string };

export interface ParallelVerifierOptions {
  readonly hash?: TreeHashName;
  readonly checkpointPolicy?: CheckpointPolicy;
  readonly maxEntryBytes?: number;
  /** Worker threads; 0 checks batches on the calling thread. Default: one per core. */
  readonly workers?: number;
  /** Entries per batch = 2^batchLevel (default 10: 1,024). */
  readonly batchLevel?: number;
  /** Signatures are not checked here yet (issue #8): the caller MUST say so. */
  readonly skipSignaturesUnsafe: true;
  /** Integrity only: see StreamingVerifier's chainOnlyUnsafe. */
  readonly chainOnlyUnsafe?: boolean;
  /** Called with the number of entries accepted so far, after each batch. */
  readonly onProgress?: (entries: number) => void;
}

interface PendingBatch {
  readonly start: number;
  readonly count: number;
  readonly level: number | null;
  /** Checkpoints read inside the batch, by the number of its entries read before them. */
  readonly checkpoints: ReadonlyArray<{ readonly index: number; readonly note: string }>;
  readonly result: Promise<BatchResult>;
}

/** Where the compiled worker lives; from the TypeScript sources (tests), the build's copy. */
function workerUrl(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('../../dist/verifier/batch.worker.js', import.meta.url)
    : new URL('./batch.worker.js', import.meta.url);
}

class BatchPool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<
    number,
    { resolve: (r: BatchResult) => void; reject: (e: Error) => void }
  >();
  private next = 0;
  private broken: Error | null = null;

  constructor(size: number) {
    this.workers = Array.from({ length: size }, () => {
      const worker = new Worker(workerUrl());
      worker.on('message', (result: BatchResult) => {
        const waiter = this.waiting.get(result.id);
        this.waiting.delete(result.id);
        waiter?.resolve(result);
      });
      worker.on('error', (error) => this.breakAll(error));
      return worker;
    });
  }

  private breakAll(error: Error): void {
    this.broken = error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }

  check(request: BatchRequest): Promise<BatchResult> {
    if (this.workers.length === 0) return Promise.resolve(checkBatch(request));
    if (this.broken) return Promise.reject(this.broken);
    const worker = this.workers[this.next++ % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.waiting.set(request.id, { resolve, reject });
      worker.postMessage(request, [
        request.data.buffer as ArrayBuffer,
        request.ends.buffer as ArrayBuffer,
      ]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function pack(entries: readonly Uint8Array[]): { data: Uint8Array; ends: Uint32Array } {
  let length = 0;
  for (const e of entries) length += e.length;
  const data = new Uint8Array(length);
  const ends = new Uint32Array(entries.length);
  let offset = 0;
  entries.forEach((e, i) => {
    data.set(e, offset);
    offset += e.length;
    ends[i] = offset;
  });
  return { data, ends };
}

/** Applies one checked batch to the state, in log order. */
function applyBatch(state: VerifierState, batch: PendingBatch, result: BatchResult): void {
  const checkpointsAt = (index: number): void => {
    for (const c of batch.checkpoints)
      if (c.index === index && !state.failure) state.addCheckpoint(c.note);
  };
  checkpointsAt(0);
  if (state.failure || batch.count === 0) return;
  const failure = result.failure;
  if (failure?.index !== 0 && result.firstPrev !== state.tip) {
    state.fail(
      batch.start,
      VerifyReason.BrokenChain,
      `prev is ${result.firstPrev}, expected ${state.tip}`,
    );
    return;
  }
  const inside = batch.checkpoints.some((c) => c.index > 0 && c.index < batch.count);
  if (
    !failure &&
    !inside &&
    result.subtreeRoot &&
    batch.level !== null &&
    state.canAppendSubtree(batch.level)
  ) {
    state.appendSubtree(
      batch.level,
      result.subtreeRoot,
      packedHex(result.leafHashes, batch.count - 1),
    );
  } else {
    const good = failure ? failure.index : batch.count;
    for (let i = 0; i < good && !state.failure; i++) {
      if (i > 0) checkpointsAt(i);
      if (!state.failure)
        state.appendLeaf(
          result.leafHashes.slice(i * 32, (i + 1) * 32),
          packedHex(result.leafHashes, i),
        );
    }
    if (failure && !state.failure) {
      if (failure.index > 0) checkpointsAt(failure.index);
      state.fail(batch.start + failure.index, failure.reason, failure.message);
    }
  }
  if (!failure) checkpointsAt(batch.count);
}

/**
 * Verifies a whole log read in order from `items`, as StreamingVerifier would (same first
 * failure, same summary), using worker threads.
 */
export async function verifyLogParallel(
  items: Iterable<LogItem> | AsyncIterable<LogItem>,
  options: ParallelVerifierOptions,
): Promise<VerifierSummary> {
  if (options.skipSignaturesUnsafe !== true) {
    throw new VerifierUsageError(
      'verifyLogParallel does not check signatures yet: pass skipSignaturesUnsafe',
    );
  }
  const hash = options.hash ?? 'sha256';
  const level = options.batchLevel ?? 10;
  if (!Number.isInteger(level) || level < 0 || level > 16)
    throw new RangeError('batchLevel: expected 0..16');
  const batchSize = 2 ** level;
  const workers = options.workers ?? availableParallelism();
  const state = new VerifierState(treeHasher(hash), options.checkpointPolicy);
  const pool = new BatchPool(workers);
  const inflight: PendingBatch[] = [];
  const maxInflight = Math.max(2, 2 * workers);
  let entries: Uint8Array[] = [];
  let checkpoints: { index: number; note: string }[] = [];
  let start = 0;
  let id = 0;

  const drainOne = async (): Promise<void> => {
    const batch = inflight.shift()!;
    applyBatch(state, batch, await batch.result);
    options.onProgress?.(state.size);
  };
  const dispatch = (): void => {
    const { data, ends } = pack(entries);
    const full = entries.length === batchSize;
    const request: BatchRequest = {
      id: id++,
      hash,
      maxEntryBytes: options.maxEntryBytes ?? MAX_ENTRY_BYTES,
      mode: options.chainOnlyUnsafe ? 'chain' : 'full',
      start,
      data,
      ends,
      level: full ? level : null,
    };
    inflight.push({
      start,
      count: entries.length,
      level: request.level,
      checkpoints,
      result: entries.length === 0 ? Promise.resolve(emptyResult(request.id)) : pool.check(request),
    });
    start += entries.length;
    entries = [];
    checkpoints = [];
  };

  try {
    for await (const item of items) {
      if ('checkpoint' in item) checkpoints.push({ index: entries.length, note: item.checkpoint });
      else entries.push(item.entry);
      if (entries.length === batchSize) dispatch();
      while (inflight.length >= maxInflight || (inflight.length > 0 && state.failure))
        await drainOne();
      if (state.failure) break;
    }
    if (!state.failure && (entries.length > 0 || checkpoints.length > 0)) dispatch();
    while (inflight.length > 0 && !state.failure) await drainOne();
  } finally {
    await pool.close();
  }
  return state.summary();
}

function emptyResult(id: number): BatchResult {
  return { id, leafHashes: new Uint8Array(0), firstPrev: null, subtreeRoot: null, failure: null };
}
