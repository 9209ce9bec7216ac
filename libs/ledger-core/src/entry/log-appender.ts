// The pure core of sequencing: places submissions one after another, keeping the chain tip
// and the Merkle accumulator. The ledger service wraps it with consensus and storage.
import { toHex } from '@govx/crypto';
import { MerkleAccumulator, RFC9162_SHA256, type TreeHasher } from '../merkle/index.js';
import { Entry, GENESIS_PREV, type Submission } from './entry.js';

export interface AppenderState {
  readonly size: number;
  /** Leaf hash of the last entry (hex), or GENESIS_PREV when empty. */
  readonly tip: string;
  /** The accumulator's perfect-subtree roots, left to right. */
  readonly subtrees: readonly Uint8Array[];
}

export class LogAppender {
  private tip: string;
  private readonly tree: MerkleAccumulator;

  constructor(
    readonly hasher: TreeHasher = RFC9162_SHA256,
    state?: AppenderState,
  ) {
    this.tip = state?.tip ?? GENESIS_PREV;
    this.tree = state
      ? MerkleAccumulator.fromState(hasher, state.size, state.subtrees)
      : new MerkleAccumulator(hasher);
  }

  get size(): number {
    return this.tree.size;
  }

  /** Places `submission` as the next entry at `time` (ms since the epoch, or a Date). */
  append(submission: Submission, time: Date | number): Entry {
    const entry = Entry.place(
      submission,
      { seq: this.tree.size, prev: this.tip, time: new Date(time).toISOString() },
      this.hasher,
    );
    this.tree.append(entry.leafHash);
    this.tip = toHex(entry.leafHash);
    return entry;
  }

  root(): Uint8Array {
    return this.tree.root();
  }

  state(): AppenderState {
    return { size: this.tree.size, tip: this.tip, subtrees: this.tree.state() };
  }
}
