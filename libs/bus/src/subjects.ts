/** NATS subjects of the ledger. */
export const LedgerSubjects = {
  /** The ledger stream's subjects are this and `govx.ledger.entries.<writer>` (see
   * publishEntries): one message per entry, in ledger order. */
  Entries: 'govx.ledger.entries',
  Submit: 'govx.ledger.submit',
  SubmitBatch: 'govx.ledger.submit.batch',
  Stored: 'govx.ledger.stored',
  Cosign: 'govx.ledger.cosign',
} as const;
export type LedgerSubject = (typeof LedgerSubjects)[keyof typeof LedgerSubjects];

/** The JetStream stream that orders the ledger. Ledger seq n is stream seq n + 1. */
export const LEDGER_STREAM = 'GOVX_LEDGER';

/** The subjects the ledger stream captures: single publishes go to Entries, pipelined ones to
 * Entries.<writer token>. */
export const LEDGER_STREAM_SUBJECTS: readonly string[] = [
  LedgerSubjects.Entries,
  `${LedgerSubjects.Entries}.*`,
];
