// The parallel audit: the LogAuditor's checks with decoding, hashing and signature checks
// spread over worker threads in batches of 2^k entries. The main thread reads the source,
// keeps the key registry (it resolves each entry's key at its seq, and applies key.*
// entries), links batches, appends each batch to the tree as one subtree and checks every
// checkpoint. Memory: O(batches in flight + log n).
//
// It is the fast path to a verdict: when anything fails, the log is read again by the
// streaming LogAuditor, whose verdict (first bad seq, reason, message) is the one reported.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { toHex } from '@govx/crypto';
import {
  decodeEntry,
  GENESIS_PREV,
  KeyRegistry,
  KeyRuleError,
  MerkleAccumulator,
  treeHasher,
  verifyCheckpoint,
  type Checkpoint,
  type EntryFields,
  type TreeHasher,
} from '@govx/ledger-core';
import type { AuditItem, StoredColumns } from '../audit-item.js';
import { auditLog, type AuditLogOptions, type AuditVerdict } from '../log-auditor.js';
import { BusinessRules } from '../rules/business-rules.js';
import type { AuditTrust } from '../trust.js';
import {
  checkAuditBatch,
  isKeyEntry,
  keyIdOf,
  topLevelString,
  type AuditBatchRequest,
  type AuditBatchResult,
  type BatchKey,
} from './audit-batch.js';

export interface ParallelAuditOptions extends AuditLogOptions {
  /** Worker threads; 0 checks batches on the calling thread. Default: one per core. */
  readonly workers?: number;
  /** Entries per batch = 2^batchLevel (default 10). */
  readonly batchLevel?: number;
}

function workerUrl(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('../../dist/parallel/audit.worker.js', import.meta.url)
    : new URL('./audit.worker.js', import.meta.url);
}

class AuditPool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<
    number,
    { resolve: (r: AuditBatchResult) => void; reject: (e: Error) => void }
  >();
  private next = 0;
  private broken: Error | null = null;

  constructor(size: number) {
    this.workers = Array.from({ length: size }, () => {
      const worker = new Worker(workerUrl());
      worker.on('message', (result: AuditBatchResult) => {
        const waiter = this.waiting.get(result.id);
        this.waiting.delete(result.id);
        waiter?.resolve(result);
      });
      worker.on('error', (error) => {
        this.broken = error;
        for (const w of this.waiting.values()) w.reject(error);
        this.waiting.clear();
      });
      return worker;
    });
  }

  check(request: AuditBatchRequest): Promise<AuditBatchResult> {
    if (this.workers.length === 0) return Promise.resolve(checkAuditBatch(request));
    if (this.broken) return Promise.reject(this.broken);
    const worker = this.workers[this.next++ % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.waiting.set(request.id, { resolve, reject });
      worker.postMessage(request, [request.data.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

interface Pending {
  readonly start: number;
  readonly count: number;
  readonly level: number | null;
  readonly checkpoints: readonly { readonly index: number; readonly checkpoint: Checkpoint }[];
  readonly result: Promise<AuditBatchResult>;
}

class Bad extends Error {}

/** The tree, the chain tip and the checkpoints, as batches come back in order. */
class ParallelState {
  readonly tree: MerkleAccumulator;
  tip = GENESIS_PREV;
  verified = 0;
  last: Checkpoint | null = null;

  constructor(hasher: TreeHasher) {
    this.tree = new MerkleAccumulator(hasher);
  }

  private checkpoint(c: Checkpoint): void {
    if (c.size !== this.tree.size) throw new Bad('checkpoint out of place');
    if (toHex(this.tree.root()) !== toHex(c.root)) throw new Bad('root mismatch');
    this.verified++;
    this.last = c;
  }

  apply(batch: Pending, result: AuditBatchResult): void {
    if (result.bad) throw new Bad(`entry ${batch.start + result.bad.index}: ${result.bad.why}`);
    const at = (index: number): void => {
      for (const c of batch.checkpoints) if (c.index === index) this.checkpoint(c.checkpoint);
    };
    at(0);
    if (batch.count === 0) return;
    if (result.firstPrev !== this.tip) throw new Bad(`entry ${batch.start}: prev`);
    const inside = batch.checkpoints.some((c) => c.index > 0 && c.index < batch.count);
    if (!inside && result.subtreeRoot && batch.level !== null) {
      this.tree.appendSubtree(batch.level, result.subtreeRoot);
    } else {
      for (let i = 0; i < batch.count; i++) {
        if (i > 0) at(i);
        this.tree.append(result.leafHashes.subarray(i * 32, i * 32 + 32));
      }
    }
    this.tip = result.lastLeaf!;
    at(batch.count);
  }
}

/**
 * Audits the log `open()` reads, in parallel. On any failure it reads the log again with
 * auditLog (streaming) and returns that verdict; `open` MUST give the same items each time.
 */
export async function auditLogParallel(
  open: () => AsyncIterable<AuditItem> | Iterable<AuditItem>,
  trust: AuditTrust,
  options: ParallelAuditOptions = {},
): Promise<AuditVerdict> {
  const level = options.batchLevel ?? 10;
  if (!Number.isInteger(level) || level < 0 || level > 16)
    throw new RangeError('batchLevel: expected 0..16');
  const batchSize = 2 ** level;
  const workers = options.workers ?? availableParallelism();
  const hasher = treeHasher(trust.hash);
  const registry = new KeyRegistry(trust.bootstrap);
  const pemOf = new Map<string, string>();
  const state = new ParallelState(hasher);
  const pool = new AuditPool(workers);
  const inflight: Pending[] = [];
  const maxInflight = Math.max(2, 2 * workers);
  const every = options.progressEvery ?? 4096;

  let entries: Uint8Array[] = [];
  let leaves: (Uint8Array | undefined)[] = [];
  let columns: (StoredColumns | null)[] = [];
  let anyColumns = false;
  let keyIndex: number[] = [];
  let keys: BatchKey[] = [];
  let keySlot = new Map<string, number>();
  let checkpoints: { index: number; checkpoint: Checkpoint }[] = [];
  let start = 0;
  let position = 0;
  let id = 0;
  let maxCheckpoint = 0;

  const dispatch = (): void => {
    const count = entries.length;
    let length = 0;
    for (const e of entries) length += e.length;
    const data = new Uint8Array(length);
    const ends = new Uint32Array(count);
    const leafBytes = new Uint8Array(count * 32);
    const claimed = new Uint8Array(count);
    let offset = 0;
    for (let i = 0; i < count; i++) {
      data.set(entries[i]!, offset);
      offset += entries[i]!.length;
      ends[i] = offset;
      const leaf = leaves[i];
      if (leaf && leaf.length === 32) {
        leafBytes.set(leaf, i * 32);
        claimed[i] = 1;
      } else if (leaf) claimed[i] = 2; // a wrong-length stored hash: cannot match
    }
    for (let i = 0; i < count; i++) if (claimed[i] === 2) throw new Bad('stored leaf length');
    const request: AuditBatchRequest = {
      id: id++,
      hash: trust.hash,
      start,
      data,
      ends,
      leaves: leafBytes,
      claimed,
      columns: anyColumns ? columns : null,
      keyIndex: Int32Array.from(keyIndex),
      keys,
      level: count === batchSize ? level : null,
    };
    inflight.push({
      start,
      count,
      level: request.level,
      checkpoints,
      result: count === 0 ? Promise.resolve(checkAuditBatch(request)) : pool.check(request),
    });
    start += count;
    entries = [];
    leaves = [];
    columns = [];
    anyColumns = false;
    keyIndex = [];
    keys = [];
    keySlot = new Map();
    checkpoints = [];
  };
  const drainOne = async (): Promise<void> => {
    const batch = inflight.shift()!;
    state.apply(batch, await batch.result);
  };

  const violations: AuditVerdict['violations'][number][] = [];
  const rules = options.rules === false ? null : new BusinessRules();
  try {
    for await (const item of open()) {
      if (item.kind === 'checkpoint') {
        let checkpoint: Checkpoint;
        try {
          checkpoint = verifyCheckpoint(item.note, trust.checkpointPolicy).checkpoint;
        } catch {
          throw new Bad('checkpoint');
        }
        if (checkpoint.size < position) throw new Bad('checkpoint order');
        maxCheckpoint = Math.max(maxCheckpoint, checkpoint.size);
        // Fed where it falls due: at the batch position of the entry that completes it.
        if (checkpoint.size !== position) throw new Bad('checkpoint ahead of its entries');
        checkpoints.push({ index: entries.length, checkpoint });
        continue;
      }
      const seq = position++;
      const keyId = keyIdOf(item.bytes);
      const found = keyId === null ? undefined : registry.lookup(keyId, seq);
      let slot = -1;
      if (keyId !== null && found && found.use === 'sign') {
        slot = keySlot.get(keyId) ?? -1;
        if (slot < 0) {
          let pem = pemOf.get(keyId);
          if (pem === undefined) {
            pem = found.key.toPem();
            pemOf.set(keyId, pem);
          }
          slot = keys.length;
          keys.push({ keyId, pem, actor: found.actor });
          keySlot.set(keyId, slot);
        }
      }
      if (isKeyEntry(item.bytes)) {
        try {
          registry.apply(decodeEntry(item.bytes, hasher).fields);
        } catch (e) {
          if (e instanceof KeyRuleError) throw new Bad('key rule');
          throw new Bad('key entry');
        }
      }
      if (rules) {
        // The main thread parses only what a rule reads (contract types), hashes only what
        // can be referred to; the workers check every entry in full.
        const type = topLevelString(item.bytes, '"type":"');
        if (type === null) throw new Bad('entry type');
        if (rules.reads(type)) {
          let fields: EntryFields;
          try {
            fields = JSON.parse(Buffer.from(item.bytes).toString('utf8')) as EntryFields;
          } catch {
            throw new Bad('entry JSON');
          }
          const leaf = rules.needsLeaf(type) ? toHex(hasher.hashLeaf(item.bytes)) : '';
          violations.push(...rules.check(fields, leaf, registry));
        } else {
          const time = topLevelString(item.bytes, '"time":"');
          if (time === null) throw new Bad('entry time');
          rules.skip(type, time);
        }
      }
      entries.push(item.bytes);
      leaves.push(item.leaf);
      columns.push(item.columns ?? null);
      if (item.columns) anyColumns = true;
      keyIndex.push(slot);
      if (entries.length === batchSize) dispatch();
      while (inflight.length >= maxInflight) await drainOne();
      if (position % every === 0) options.onProgress?.(position);
    }
    if (entries.length > 0 || checkpoints.length > 0) dispatch();
    while (inflight.length > 0) await drainOne();
    if (maxCheckpoint > position) throw new Bad('entries missing');
  } catch (e) {
    if (!(e instanceof Bad)) {
      // Unusable input (AuditInputError) and others: the streaming pass says what and where.
      if ((e as Error).name !== 'AuditInputError') throw e;
    }
    await pool.close();
    return auditLog(open(), trust, options);
  }
  await pool.close();
  options.onProgress?.(position);
  return {
    ok: violations.length === 0,
    entries: position,
    size: state.tree.size,
    root: toHex(state.tree.root()),
    checkpoints: state.verified,
    lastCheckpointSize: state.last ? state.last.size : null,
    firstBad: null,
    violations,
    ...(rules ? { stats: rules.stats.snapshot() } : {}),
  };
}
