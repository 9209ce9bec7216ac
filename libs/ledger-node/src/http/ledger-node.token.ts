/** Injection token of the running LedgerNode. */
export const LEDGER_NODE = Symbol('LEDGER_NODE');
