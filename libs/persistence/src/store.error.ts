// Typed errors of the ledger store. Translation to HTTP or RPC statuses happens at the edge.

/** Base class of every error the store throws on purpose (besides argument TypeError/RangeError). */
export class StoreError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** What a StoreConflictError is about. */
export const StoreConflict = {
  /** An append whose first seq is not the stored size (it lost a race, or the caller is behind). */
  Seq: 'seq',
  /** An entry whose (actor, idem) is already in the log. */
  Idem: 'idem',
  /** A checkpoint whose root differs from the one stored, or computed, for its size. */
  Fork: 'fork',
} as const;
export type StoreConflict = (typeof StoreConflict)[keyof typeof StoreConflict];

/** The write contradicts what is stored; nothing of it was written. */
export class StoreConflictError extends StoreError {
  readonly conflict: StoreConflict;
  /** The stored log size, when the conflict is about the next seq. */
  readonly storedSize?: number;

  constructor(
    message: string,
    details: { readonly conflict: StoreConflict; readonly storedSize?: number },
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.conflict = details.conflict;
    if (details.storedSize !== undefined) this.storedSize = details.storedSize;
  }
}
