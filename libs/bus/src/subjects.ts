/** NATS subjects of the ledger. */
export const LedgerSubjects = {
  /** The ledger stream's only subject: one message per entry, in ledger order. */
  Entries: 'govx.ledger.entries',
  Submit: 'govx.ledger.submit',
  SubmitBatch: 'govx.ledger.submit.batch',
  Stored: 'govx.ledger.stored',
  Cosign: 'govx.ledger.cosign',
} as const;
export type LedgerSubject = (typeof LedgerSubjects)[keyof typeof LedgerSubjects];

/** The JetStream stream that orders the ledger. Ledger seq n is stream seq n + 1. */
export const LEDGER_STREAM = 'GOVX_LEDGER';
