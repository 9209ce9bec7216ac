// Typed errors of the ledger core. Translation to HTTP or RPC happens at the edge, never here.

/** Machine-readable reasons a log fails verification (stable: auditors and the CLI print them). */
export const VerifyReason = {
  MalformedEntry: 'malformed-entry',
  SeqGap: 'seq-gap',
  BrokenChain: 'broken-chain',
  UnknownKey: 'unknown-key',
  BadSignature: 'bad-signature',
  RootMismatch: 'root-mismatch',
  BadCheckpoint: 'bad-checkpoint',
} as const;
export type VerifyReason = (typeof VerifyReason)[keyof typeof VerifyReason];

export class LedgerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bytes that are not a well-formed, canonical govx entry (docs/ledger-format.md). */
export class MalformedEntryError extends LedgerError {
  constructor(
    message: string,
    /** The JSON path of the offending field, e.g. `body.fields[2]`, when one is at fault. */
    readonly field?: string,
    options?: { cause?: unknown },
  ) {
    super(field === undefined ? message : `${field}: ${message}`, options);
  }
}

/** Entry `prev` does not equal the leaf hash of the entry before it. */
export class ChainBrokenError extends LedgerError {
  constructor(
    readonly seq: number,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`entry ${seq}: prev is ${actual}, expected ${expected}`);
  }
}

export class SignatureError extends LedgerError {}

/** A signed note (checkpoint) that does not parse or does not meet its trust policy. */
export class NoteError extends LedgerError {}
