// Typed errors of the bus. Every failure of a NATS / JetStream call leaves this lib as one of
// these (with the client's error as `cause`); callers branch on the class, never on messages.

/** A bus operation failed; not known to be retryable. */
export class BusError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A bus operation failed for a reason expected to pass: a timeout, no responders ("jetstream
 * is not enabled", e.g. while a stream leader is being elected), a 503 from JetStream, or a
 * connection that is closed, draining or reconnecting. Retrying the same request is safe for
 * publishes that carry a `Nats-Msg-Id` (the server deduplicates within the duplicate window).
 */
export class TransientBusError extends BusError {}

/**
 * The stream refused a conditional publish: it does not end at the expected sequence
 * (JetStream err_code 10071, "wrong last sequence: N"), or (publishEntries) the message it ends
 * with is not the batch's previous entry (err_code 10070, "wrong last msg ID: X"). Another
 * writer appended first; re-read the tip and place the entries again.
 */
export class WrongLastSequenceError extends BusError {
  constructor(
    message: string,
    /** The stream's last sequence when it refused the publish; null when not known. */
    readonly lastSeq: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The existing ledger stream's configuration differs from what this lib requires. */
export class LedgerStreamMismatchError extends BusError {
  constructor(
    /** One line per differing setting, e.g. `num_replicas is 1, expected 3`. */
    readonly differences: readonly string[],
  ) {
    super(`the existing ledger stream does not match: ${differences.join('; ')}`);
  }
}
