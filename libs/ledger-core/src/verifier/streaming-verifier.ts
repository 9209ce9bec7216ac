// The streaming verifier: fed a log's entries in order, and its checkpoints when they come,
// it checks every link, signature and cosigned root in O(log n) memory, and reports the
// first bad seq with a reason. Auditors, witnesses and `govx audit verify` all use it.
import { toHex, type SigningPublicKey } from '@govx/crypto';
import type { CheckpointPolicy } from '../checkpoint/checkpoint.js';
import { MAX_ENTRY_BYTES, verifySubmissionSignature, type Entry } from '../entry/entry.js';
import { VerifyReason } from '../errors.js';
import { RFC9162_SHA256, type TreeHasher } from '../merkle/index.js';
import { readEntry, type ReadEntry } from './read-entry.js';
import { VerifierState, type VerifierSummary, type VerifyFailure } from './verifier-state.js';

export { VerifierUsageError, type VerifierSummary, type VerifyFailure } from './verifier-state.js';

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
  | {
      readonly keys: KeyResolver;
      readonly skipSignaturesUnsafe?: never;
      readonly chainOnlyUnsafe?: never;
    }
  /** Hash, chain and Merkle checks only: for a fast first pass, never for a final verdict. */
  | {
      readonly keys?: never;
      readonly skipSignaturesUnsafe: true;
      readonly chainOnlyUnsafe?: boolean;
    }
);
/**
 * `chainOnlyUnsafe` (with skipSignaturesUnsafe): integrity only. Reads seq and prev by the
 * canonical layout (readChainFieldsUnsafe) and checks the hash chain and the Merkle roots
 * against checkpoints, without decoding entries: it proves the bytes are the ones cosigned,
 * not that they are well-formed entries.
 */

export class StreamingVerifier {
  private readonly hasher: TreeHasher;
  private readonly state: VerifierState;

  constructor(private readonly options: VerifierOptions) {
    this.hasher = options.hasher ?? RFC9162_SHA256;
    this.state = new VerifierState(this.hasher, options.checkpointPolicy);
  }

  get size(): number {
    return this.state.size;
  }

  get firstBad(): VerifyFailure | null {
    return this.state.failure;
  }

  /**
   * Checks the next entry's stored bytes. Returns the failure (also kept as firstBad);
   * after a failure every later call returns that first failure unchanged.
   */
  pushEntry(bytes: Uint8Array): VerifyFailure | null {
    const state = this.state;
    if (state.failure) return state.failure;
    const seq = state.size;
    let read: ReadEntry;
    try {
      read = readEntry(
        bytes,
        this.hasher,
        this.options.maxEntryBytes ?? MAX_ENTRY_BYTES,
        this.options.chainOnlyUnsafe === true,
      );
    } catch (e) {
      return state.fail(seq, VerifyReason.MalformedEntry, (e as Error).message);
    }
    if (read.seq !== seq) {
      return state.fail(seq, VerifyReason.SeqGap, `expected entry ${seq}, found seq ${read.seq}`);
    }
    if (read.prev !== state.tip) {
      return state.fail(
        seq,
        VerifyReason.BrokenChain,
        `prev is ${read.prev}, expected ${state.tip}`,
      );
    }
    const entry = read.entry;
    if (this.options.keys && entry) {
      const key = this.options.keys(entry.fields.keyId, seq);
      if (!key) {
        return state.fail(
          seq,
          VerifyReason.UnknownKey,
          `key ${entry.fields.keyId} is not valid at seq ${seq}`,
        );
      }
      if (!verifySubmissionSignature(entry.fields, key)) {
        return state.fail(
          seq,
          VerifyReason.BadSignature,
          `signature by ${entry.fields.keyId} does not verify`,
        );
      }
    }
    const failure = state.appendLeaf(
      read.leafHash,
      entry ? entry.leafHashHex : toHex(read.leafHash),
    );
    if (entry) this.options.onEntry?.(entry);
    return failure;
  }

  /**
   * Feeds a cosigned checkpoint note. It is checked against the policy now and against the
   * computed root when the log reaches its size. MUST be fed no later than the entry
   * that takes the log past its size.
   */
  pushCheckpoint(note: string): VerifyFailure | null {
    return this.state.addCheckpoint(note);
  }

  summary(): VerifierSummary {
    return this.state.summary();
  }
}
