// The one error that proof verification throws, with a machine-readable code.

/** Why a proof was rejected. */
export const ProofErrorCode = {
  /** A size, index, hash or proof argument of the wrong type or an impossible value. */
  BadArgument: 'bad-argument',
  /** index >= size in an inclusion proof. */
  IndexOutOfRange: 'index-out-of-range',
  /** size1 > size2 in a consistency proof. */
  SizeOrder: 'size-order',
  /** The proof has more or fewer hashes than the tree shape calls for. */
  ProofLength: 'proof-length',
  /** A leaf hash, root or proof hash is not as long as the hasher's output. */
  HashLength: 'hash-length',
  /** The proof is well formed but does not lead to the expected root. */
  RootMismatch: 'root-mismatch',
} as const;
export type ProofErrorCode = (typeof ProofErrorCode)[keyof typeof ProofErrorCode];

/** A rejected inclusion or consistency proof (RFC 9162 §2.1.3.2, §2.1.4.2). */
export class ProofError extends Error {
  /** For 'root-mismatch', 'proof-length' and 'hash-length': what was required (hex or a count). */
  readonly expected: string | undefined;
  /** What was computed or received. */
  readonly actual: string | undefined;

  constructor(
    readonly code: ProofErrorCode,
    message: string,
    options?: { cause?: unknown; expected?: string; actual?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.expected = options?.expected;
    this.actual = options?.actual;
  }
}
