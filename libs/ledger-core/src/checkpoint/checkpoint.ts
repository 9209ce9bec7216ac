// Checkpoints in the C2SP tlog-checkpoint form (c2sp.org/tlog-checkpoint) and the quorum
// rule of govx: a checkpoint is final when nodes of `quorum` distinct operators signed it.
import { NoteError } from '../errors.js';
import { openNote, type NoteVerifier, type VerifiedSignature } from './note.js';

export interface Checkpoint {
  /** The log's identity, e.g. `govx.example/ledger`: no spaces, no '+'. */
  readonly origin: string;
  readonly size: number;
  readonly root: Uint8Array;
}

export interface TrustedCosigner {
  readonly verifier: NoteVerifier;
  /** Who runs the node (a department); the quorum counts distinct operators, not keys. */
  readonly operator: string;
}

export interface CheckpointPolicy {
  readonly origin: string;
  readonly cosigners: readonly TrustedCosigner[];
  readonly quorum: number;
}

export interface VerifiedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly signatures: readonly VerifiedSignature[];
  readonly operators: readonly string[];
}

const ORIGIN_RE = /^[^\s+]+$/u;
const SIZE_RE = /^(?:0|[1-9][0-9]{0,15})$/;

/** The note text of a checkpoint: origin, size and base64 root, each ending in a newline. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, root } = checkpoint;
  if (!ORIGIN_RE.test(origin))
    throw new TypeError(`origin: no spaces or '+' allowed, got ${JSON.stringify(origin)}`);
  if (!Number.isSafeInteger(size) || size < 0)
    throw new RangeError(`size: expected a non-negative integer, got ${size}`);
  if (!(root instanceof Uint8Array) || root.length !== 32)
    throw new RangeError('root: expected 32 bytes');
  return `${origin}\n${size}\n${Buffer.from(root).toString('base64')}\n`;
}

/** Parses checkpoint note text (without signatures); extension lines are refused. */
export function parseCheckpoint(text: string): Checkpoint {
  const lines = text.split('\n');
  if (lines.length !== 4 || lines[3] !== '') {
    throw new NoteError('checkpoint: expected exactly three lines (origin, size, root)');
  }
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (!ORIGIN_RE.test(origin)) throw new NoteError('checkpoint: bad origin line');
  if (!SIZE_RE.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    throw new NoteError(`checkpoint: bad tree size ${JSON.stringify(sizeText)}`);
  }
  const root = Buffer.from(rootText, 'base64');
  if (root.length !== 32 || root.toString('base64') !== rootText) {
    throw new NoteError('checkpoint: root must be 32 bytes in standard base64');
  }
  return { origin, size: Number(sizeText), root: new Uint8Array(root) };
}

/**
 * Opens a cosigned checkpoint and applies the policy: right origin, every known signature
 * valid, and signatures from at least `quorum` distinct operators. Throws NoteError.
 */
export function verifyCheckpoint(note: string, policy: CheckpointPolicy): VerifiedCheckpoint {
  if (!Number.isSafeInteger(policy.quorum) || policy.quorum < 1) {
    throw new RangeError(`quorum: expected a positive integer, got ${policy.quorum}`);
  }
  const opened = openNote(
    note,
    policy.cosigners.map((c) => c.verifier),
  );
  const checkpoint = parseCheckpoint(opened.text);
  if (checkpoint.origin !== policy.origin) {
    throw new NoteError(`checkpoint: origin ${checkpoint.origin} is not ${policy.origin}`);
  }
  const operators = new Set<string>();
  for (const sig of opened.verified) {
    const cosigner = policy.cosigners.find(
      (c) => c.verifier.name === sig.name && c.verifier.keyHash === sig.keyHash,
    );
    if (cosigner) operators.add(cosigner.operator);
  }
  if (operators.size < policy.quorum) {
    throw new NoteError(
      `checkpoint: signed by ${operators.size} operator(s), quorum is ${policy.quorum}`,
    );
  }
  return { checkpoint, signatures: opened.verified, operators: [...operators].sort() };
}
