// The ledger's PostgreSQL store: entries, every perfect Merkle subtree, the tree state and
// checkpoints. Append-only: nothing here updates or deletes an entry or a node.
import { equalBytes } from '@govx/crypto';
import {
  GENESIS_PREV,
  MerkleAccumulator,
  consistencyPlan,
  inclusionPlan,
  treeHasher,
  type AppenderState,
  type Entry,
  type ProofPlan,
  type TreeHasher,
} from '@govx/ledger-core';
import { QueryFailedError, type DataSource, type Repository } from 'typeorm';
import {
  APPEND_SQL,
  appendParams,
  checkBase,
  checkBatch,
  prepareAppend,
  unpackSubtrees,
} from './append-batch.js';
import { CheckpointStore, assertCheckpointInput } from './checkpoint-store.js';
import { connect, databaseName, ensureDatabase } from './data-source.js';
import { CheckpointEntity } from './entities/checkpoint.entity.js';
import { LedgerEntryEntity } from './entities/ledger-entry.entity.js';
import { TreeStateEntity } from './entities/tree-state.entity.js';
import { EntryReads } from './entry-reads.js';
import { compactRangeIds, fetchNodes } from './merkle-nodes.js';
import { assertCount } from './safe-integer.js';
import { LedgerTable, TREE_STATE_ID } from './schema.js';
import { StoreConflict, StoreConflictError, StoreError } from './store.error.js';
import type {
  CheckpointInput,
  EntryQuery,
  LedgerStoreOptions,
  StoredCheckpoint,
  StoredEntry,
} from './store.types.js';

const INIT_STATE_SQL = `INSERT INTO ${LedgerTable.TreeState} (id, tree_hash, size, tip, subtrees)
  VALUES (${TREE_STATE_ID}, $1, 0, $2, ''::bytea) ON CONFLICT (id) DO NOTHING`;

/** Unique indexes whose violation by an append means "this (actor, idem) is taken". */
const IDEM_INDEX = 'ledger_entries_actor_idem';

export class LedgerStore {
  readonly #dataSource: DataSource;
  readonly #hasher: TreeHasher;
  readonly #entries: EntryReads;
  readonly #checkpoints: CheckpointStore;
  readonly #treeState: Repository<TreeStateEntity>;
  /** The last state this store saw committed: a lower bound of the stored one (it only grows). */
  #known: AppenderState;

  private constructor(dataSource: DataSource, hasher: TreeHasher, state: AppenderState) {
    this.#dataSource = dataSource;
    this.#hasher = hasher;
    this.#entries = new EntryReads(dataSource.getRepository(LedgerEntryEntity));
    this.#checkpoints = new CheckpointStore(dataSource, dataSource.getRepository(CheckpointEntity));
    this.#treeState = dataSource.getRepository(TreeStateEntity);
    this.#known = state;
  }

  /**
   * Connects, runs pending migrations (one process at a time, under an advisory lock), checks
   * the schema version, that commits are synchronous and that the log uses `options.hash`.
   * @throws TypeError naming a bad option; StoreError when the database does not fit.
   */
  static async open(options: LedgerStoreOptions): Promise<LedgerStore> {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('options: expected LedgerStoreOptions');
    }
    if (typeof options.url !== 'string') throw new TypeError('options.url: expected a string');
    databaseName(options.url, 'options.url');
    const hash = options.hash ?? 'sha256';
    if (hash !== 'sha256' && hash !== 'sm3') {
      throw new RangeError(`options.hash: expected 'sha256' or 'sm3', got ${String(hash)}`);
    }
    const hasher = treeHasher(hash);
    if (
      options.poolSize !== undefined &&
      !(Number.isSafeInteger(options.poolSize) && options.poolSize > 0)
    ) {
      throw new RangeError('options.poolSize: expected a positive integer');
    }
    if (options.createDatabase === true) await ensureDatabase(options.url);
    const dataSource = await connect({
      url: options.url,
      logging: options.logging === true,
      poolSize: options.poolSize,
    });
    try {
      await dataSource.query(INIT_STATE_SQL, [hasher.name, GENESIS_PREV]);
      const store = new LedgerStore(dataSource, hasher, {
        size: 0,
        tip: GENESIS_PREV,
        subtrees: [],
      });
      await store.state();
      return store;
    } catch (error) {
      await dataSource.destroy();
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.#dataSource.isInitialized) await this.#dataSource.destroy();
  }

  /** The stored size, tip and compact range: @govx/ledger-core's AppenderState. */
  async state(): Promise<AppenderState> {
    const row = await this.#treeState.findOneBy({ id: TREE_STATE_ID });
    if (row === null) throw new StoreError(`${LedgerTable.TreeState}: the state row is missing`);
    if (row.treeHash !== this.#hasher.name) {
      throw new StoreError(
        `the log uses ${row.treeHash} but the store was opened with hash ${this.#hasher.name}`,
      );
    }
    const subtrees = unpackSubtrees(new Uint8Array(row.subtrees));
    // fromState checks that the compact range has popcount(size) hashes.
    MerkleAccumulator.fromState(this.#hasher, row.size, subtrees);
    const state: AppenderState = { size: row.size, tip: row.tip, subtrees };
    this.#remember(state);
    return copyState(state);
  }

  /**
   * Appends `entries` (consecutive seqs; the first MUST equal the stored size) with every
   * Merkle node they complete and the new tree state, in one statement, so one transaction,
   * committed synchronously. Concurrent appends at the same seq: one wins, the others throw.
   * @throws StoreConflictError (conflict 'seq', with storedSize) when the first seq is not the
   *   stored size, or (conflict 'idem') when an (actor, idem) is already stored; ChainBrokenError
   *   when an entry's prev is not its predecessor's leaf hash; TypeError/RangeError on malformed
   *   input (not Entry objects, seq gaps, entries hashed with another hash function).
   */
  async appendBatch(entries: readonly Entry[]): Promise<AppenderState> {
    checkBatch(this.#hasher, entries);
    const first = entries[0];
    if (first === undefined) return this.state();
    const base = this.#known.size === first.seq ? this.#known : await this.state();
    if (base.size !== first.seq) throw seqConflict(first.seq, base.size);
    checkBase(base, first);
    const prepared = prepareAppend(this.#hasher, base, entries);
    let result: { updated: number }[];
    try {
      result = (await this.#dataSource.query(APPEND_SQL, appendParams(base, prepared))) as {
        updated: number;
      }[];
    } catch (error) {
      throw await this.#appendError(error, first.seq);
    }
    if (result[0]?.updated !== 1) {
      const stored = await this.state();
      throw seqConflict(first.seq, stored.size);
    }
    this.#remember(prepared.next);
    return copyState(prepared.next);
  }

  async getEntry(seq: number): Promise<StoredEntry | null> {
    return this.#entries.get(seq);
  }

  /** Up to `limit` (1..1000) entries from `fromSeq` on, ascending. */
  async range(fromSeq: number, limit: number): Promise<StoredEntry[]> {
    return this.#entries.range(fromSeq, limit);
  }

  /** Entries matching every given filter, ascending seq, at most q.limit (1..1000). */
  async query(q: EntryQuery): Promise<StoredEntry[]> {
    return this.#entries.query(q);
  }

  async findByIdem(actor: string, idem: string): Promise<StoredEntry | null> {
    return this.#entries.byIdem(actor, idem);
  }

  /** The stored entries holding any of these (actor, idem) pairs: one query for a whole batch. */
  async findByIdems(
    keys: readonly { readonly actor: string; readonly idem: string }[],
  ): Promise<StoredEntry[]> {
    return this.#entries.byIdems(keys);
  }

  /**
   * MTH of the first `size` entries (RFC 9162 §2.1.1), from the popcount(size) stored nodes of
   * the compact range [0, size): one query.
   * @throws RangeError when size exceeds the stored size.
   */
  async rootAt(size: number): Promise<Uint8Array> {
    assertCount(size, 'size');
    await this.#assertStored(size, 'size');
    const hashes = await fetchNodes(this.#dataSource, compactRangeIds(size));
    return MerkleAccumulator.fromState(this.#hasher, size, hashes).root();
  }

  /**
   * PATH(seq, D[treeSize]) (RFC 9162 §2.1.3.1), lowest level first: the plan's O(log n) nodes
   * in one query.
   * @throws RangeError unless 0 <= seq < treeSize <= the stored size.
   */
  async inclusionProof(seq: number, treeSize: number): Promise<Uint8Array[]> {
    assertCount(seq, 'seq');
    assertCount(treeSize, 'treeSize');
    if (seq >= treeSize) throw new RangeError(`seq: ${seq} is not below treeSize ${treeSize}`);
    await this.#assertStored(treeSize, 'treeSize');
    return this.#prove(inclusionPlan(seq, treeSize));
  }

  /**
   * PROOF(size1, D[size2]) (RFC 9162 §2.1.4.1); empty when size1 is 0 or size2.
   * @throws RangeError unless 0 <= size1 <= size2 <= the stored size.
   */
  async consistencyProof(size1: number, size2: number): Promise<Uint8Array[]> {
    assertCount(size1, 'size1');
    assertCount(size2, 'size2');
    if (size1 > size2) throw new RangeError(`size1: ${size1} is greater than size2 ${size2}`);
    await this.#assertStored(size2, 'size2');
    return this.#prove(consistencyPlan(size1, size2));
  }

  /**
   * Saves the checkpoint of `c.size`, or upgrades the stored one of the same root: it may gain
   * signers and become final, and never loses either (a save that would is ignored).
   * @throws StoreConflictError (conflict 'fork') when c.root is not the log's root at c.size or
   *   differs from the root stored for c.size; RangeError when c.size exceeds the stored size.
   */
  async saveCheckpoint(c: CheckpointInput): Promise<void> {
    assertCheckpointInput(c);
    const root = await this.rootAt(c.size).catch((error: unknown) => {
      throw error instanceof RangeError ? new RangeError(`c.size: ${error.message}`) : error;
    });
    if (!equalBytes(root, c.root)) {
      throw new StoreConflictError(
        `checkpoint ${c.size}: its root is not the log's root at that size (a fork)`,
        { conflict: StoreConflict.Fork },
      );
    }
    await this.#checkpoints.save(c);
  }

  /** The checkpoint of the greatest size; only final (or only non-final) ones when asked. */
  async latestCheckpoint(options?: { final?: boolean }): Promise<StoredCheckpoint | null> {
    return this.#checkpoints.latest(options?.final);
  }

  async checkpointAt(size: number): Promise<StoredCheckpoint | null> {
    return this.#checkpoints.at(size);
  }

  /** Up to `limit` (1..1000) checkpoints with size > afterSize (-1 for all), ascending. */
  async checkpoints(afterSize: number, limit: number): Promise<StoredCheckpoint[]> {
    return this.#checkpoints.after(afterSize, limit);
  }

  #remember(state: AppenderState): void {
    if (state.size > this.#known.size) this.#known = state;
  }

  /** @throws RangeError naming `name` when `size` exceeds the stored size. */
  async #assertStored(size: number, name: string): Promise<void> {
    if (size <= this.#known.size) return;
    const stored = await this.state();
    if (size > stored.size) {
      throw new RangeError(`${name}: ${size} exceeds the stored size ${stored.size}`);
    }
  }

  async #prove(plan: ProofPlan): Promise<Uint8Array[]> {
    return plan.rehash(await fetchNodes(this.#dataSource, plan.ids), this.#hasher);
  }

  /** Maps a failed append statement to the store's errors. */
  async #appendError(error: unknown, firstSeq: number): Promise<unknown> {
    const driver = error instanceof QueryFailedError ? (error.driverError as PgError) : undefined;
    if (driver?.code !== '23505') return error; // unique_violation
    if (driver.constraint === IDEM_INDEX) {
      return new StoreConflictError(
        `appendBatch: (actor, idem) already stored: ${driver.detail ?? ''}`,
        { conflict: StoreConflict.Idem },
        { cause: error },
      );
    }
    const stored = await this.state();
    return seqConflict(firstSeq, stored.size, error);
  }
}

interface PgError {
  readonly code?: string;
  readonly constraint?: string;
  readonly detail?: string;
}

function seqConflict(firstSeq: number, storedSize: number, cause?: unknown): StoreConflictError {
  return new StoreConflictError(
    `appendBatch: first seq ${firstSeq} but the stored size is ${storedSize}`,
    { conflict: StoreConflict.Seq, storedSize },
    cause === undefined ? undefined : { cause },
  );
}

function copyState(state: AppenderState): AppenderState {
  return { size: state.size, tip: state.tip, subtrees: state.subtrees.map((h) => h.slice()) };
}
