// The streaming verifier: fed a log's entries in order, and its checkpoints when they come,
// it checks every link, signature and cosigned root in O(log n) memory, and reports the
// first bad seq with a reason. Auditors, witnesses and `govx audit verify` all use it.
import { toHex, type SigningPublicKey } from '@govx/crypto';
import {
  verifyCheckpoint,
  type Checkpoint,
  type CheckpointPolicy,
} from '../checkpoint/checkpoint.js';
import { decodeEntry } from '../entry/decode.js';
import {
  GENESIS_PREV,
  MAX_ENTRY_BYTES,
  verifySubmissionSignature,
  type Entry,
} from '../entry/entry.js';
import { LedgerError, VerifyReason } from '../errors.js';
import { MerkleAccumulator, RFC9162_SHA256, type TreeHasher } from '../merkle/index.js';

/** The key registered under `keyId` and valid at `seq`, or undefined. */
export type KeyResolver = (keyId: string, seq: number) => SigningPublicKey | undefined;

export type VerifierOptions = {
  readonly hasher?: TreeHasher;
  /** When given, every checkpoint fed MUST meet it (origin, signatures, quorum). */
  readonly checkpointPolicy?: CheckpointPolicy;
  readonly maxEntryBytes?: number;
  /** Called after each entry passes, e.g. to apply key registrations to the resolver. */
  readonly onEntry?: (entry: Entry) => void;
} & (
  | { readonly keys: KeyResolver; readonly skipSignaturesUnsafe?: never }
  /** Hash, chain and Merkle checks only: for a fast first pass, never for a final verdict. */
  | { readonly keys?: never; readonly skipSignaturesUnsafe: true }
);

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

/** Thrown for misuse of the verifier by its caller (not a fault of the log). */
export class VerifierUsageError extends LedgerError {}

export class StreamingVerifier {
  private readonly hasher: TreeHasher;
  private readonly tree: MerkleAccumulator;
  private prevHex = GENESIS_PREV;
  private failure: VerifyFailure | null = null;
  private checkpointsVerified = 0;
  private lastCheckpoint: Checkpoint | null = null;
  /** Checkpoints ahead of the entries, by ascending size (normally zero or one). */
  private readonly pending: Checkpoint[] = [];

  constructor(private readonly options: VerifierOptions) {
    this.hasher = options.hasher ?? RFC9162_SHA256;
    this.tree = new MerkleAccumulator(this.hasher);
  }

  get size(): number {
    return this.tree.size;
  }

  get firstBad(): VerifyFailure | null {
    return this.failure;
  }

  /**
   * Checks the next entry's stored bytes. Returns the failure (also kept as firstBad);
   * after a failure every later call returns that first failure unchanged.
   */
  pushEntry(bytes: Uint8Array): VerifyFailure | null {
    if (this.failure) return this.failure;
    const seq = this.tree.size;
    let entry: Entry;
    try {
      entry = decodeEntry(bytes, this.hasher, this.options.maxEntryBytes ?? MAX_ENTRY_BYTES);
    } catch (e) {
      return this.fail(seq, VerifyReason.MalformedEntry, (e as Error).message);
    }
    if (entry.seq !== seq) {
      return this.fail(seq, VerifyReason.SeqGap, `expected entry ${seq}, found seq ${entry.seq}`);
    }
    if (entry.prev !== this.prevHex) {
      return this.fail(
        seq,
        VerifyReason.BrokenChain,
        `prev is ${entry.prev}, expected ${this.prevHex}`,
      );
    }
    if (this.options.keys) {
      const key = this.options.keys(entry.fields.keyId, seq);
      if (!key) {
        return this.fail(
          seq,
          VerifyReason.UnknownKey,
          `key ${entry.fields.keyId} is not valid at seq ${seq}`,
        );
      }
      if (!verifySubmissionSignature(entry.fields, key)) {
        return this.fail(
          seq,
          VerifyReason.BadSignature,
          `signature by ${entry.fields.keyId} does not verify`,
        );
      }
    }
    this.tree.append(entry.leafHash);
    this.prevHex = entry.leafHashHex;
    this.options.onEntry?.(entry);
    return this.checkPending();
  }

  /**
   * Feeds a cosigned checkpoint note. It is checked against the policy now and against the
   * computed root when the log reaches its size. MUST be fed no later than the entry
   * that takes the log past its size.
   */
  pushCheckpoint(note: string): VerifyFailure | null {
    if (this.failure) return this.failure;
    const policy = this.options.checkpointPolicy;
    if (!policy) throw new VerifierUsageError('checkpoints need a checkpointPolicy');
    let checkpoint: Checkpoint;
    try {
      checkpoint = verifyCheckpoint(note, policy).checkpoint;
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

  private fail(seq: number, reason: VerifyReason, message: string): VerifyFailure {
    this.failure = { seq, reason, message };
    return this.failure;
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
