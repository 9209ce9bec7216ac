// The state every log verifier keeps, whatever feeds it: the chain tip, the Merkle
// accumulator, checkpoints waiting for their size, and the first failure.
import { toHex } from '@govx/crypto';
import {
  verifyCheckpoint,
  type Checkpoint,
  type CheckpointPolicy,
} from '../checkpoint/checkpoint.js';
import { GENESIS_PREV } from '../entry/entry.js';
import { LedgerError, VerifyReason } from '../errors.js';
import { MerkleAccumulator, type TreeHasher } from '../merkle/index.js';

export interface VerifyFailure {
  /** The first entry found bad (for a root mismatch: the last entry the checkpoint covers). */
  readonly seq: number;
  readonly reason: VerifyReason;
  readonly message: string;
}

export interface VerifierSummary {
  readonly ok: boolean;
  /** Entries that passed every check. */
  readonly entries: number;
  readonly size: number;
  readonly root: string;
  readonly checkpoints: number;
  readonly lastCheckpoint: Checkpoint | null;
  readonly firstBad: VerifyFailure | null;
}

/** Thrown for misuse of a verifier by its caller (not a fault of the log). */
export class VerifierUsageError extends LedgerError {}

export class VerifierState {
  readonly tree: MerkleAccumulator;
  /** Leaf hash of the last accepted entry, hex (GENESIS_PREV when empty). */
  tip = GENESIS_PREV;
  failure: VerifyFailure | null = null;
  private checkpointsVerified = 0;
  private lastCheckpoint: Checkpoint | null = null;
  /** Checkpoints ahead of the entries, by ascending size (normally zero or one). */
  private readonly pending: Checkpoint[] = [];

  constructor(
    hasher: TreeHasher,
    private readonly policy: CheckpointPolicy | undefined,
  ) {
    this.tree = new MerkleAccumulator(hasher);
  }

  get size(): number {
    return this.tree.size;
  }

  fail(seq: number, reason: VerifyReason, message: string): VerifyFailure {
    this.failure ??= { seq, reason, message };
    return this.failure;
  }

  /** Accepts the next leaf (its entry fully checked); then checks checkpoints it completes. */
  appendLeaf(leafHash: Uint8Array, leafHex: string): VerifyFailure | null {
    this.tree.append(leafHash);
    this.tip = leafHex;
    return this.checkPending();
  }

  /** True when 2^level leaves can be taken as one subtree without passing a pending checkpoint. */
  canAppendSubtree(level: number): boolean {
    const end = this.tree.size + 2 ** level;
    return this.pending.length === 0 || this.pending[0]!.size >= end;
  }

  /** Accepts 2^level checked leaves at once by their subtree root (see canAppendSubtree). */
  appendSubtree(level: number, root: Uint8Array, lastLeafHex: string): VerifyFailure | null {
    this.tree.appendSubtree(level, root);
    this.tip = lastLeafHex;
    return this.checkPending();
  }

  /** Checks a checkpoint note against the policy now; its root when the log reaches its size. */
  addCheckpoint(note: string): VerifyFailure | null {
    if (this.failure) return this.failure;
    if (!this.policy) throw new VerifierUsageError('checkpoints need a checkpointPolicy');
    let checkpoint: Checkpoint;
    try {
      checkpoint = verifyCheckpoint(note, this.policy).checkpoint;
    } catch (e) {
      return this.fail(this.tree.size, VerifyReason.BadCheckpoint, (e as Error).message);
    }
    if (checkpoint.size < this.tree.size) {
      throw new VerifierUsageError(
        `checkpoint for size ${checkpoint.size} fed after entry ${this.tree.size - 1}; feed it earlier`,
      );
    }
    const at = this.pending.findIndex((p) => p.size > checkpoint.size);
    this.pending.splice(at < 0 ? this.pending.length : at, 0, checkpoint);
    return this.checkPending();
  }

  private checkPending(): VerifyFailure | null {
    while (this.pending.length > 0 && this.pending[0]!.size === this.tree.size) {
      const checkpoint = this.pending.shift()!;
      const root = toHex(this.tree.root());
      const cosigned = toHex(checkpoint.root);
      if (root !== cosigned) {
        const from = this.lastCheckpoint ? this.lastCheckpoint.size : 0;
        return this.fail(
          Math.max(0, checkpoint.size - 1),
          VerifyReason.RootMismatch,
          `root of entries [0, ${checkpoint.size}) is ${root}, the cosigned checkpoint says ${cosigned}` +
            ` (the difference lies in entries [${from}, ${checkpoint.size}))`,
        );
      }
      this.checkpointsVerified++;
      this.lastCheckpoint = checkpoint;
    }
    return null;
  }

  summary(): VerifierSummary {
    return {
      ok: this.failure === null,
      entries: this.tree.size,
      size: this.tree.size,
      root: toHex(this.tree.root()),
      checkpoints: this.checkpointsVerified,
      lastCheckpoint: this.lastCheckpoint,
      firstBad: this.failure,
    };
  }
}
