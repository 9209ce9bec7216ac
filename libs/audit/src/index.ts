// @govx/audit: replaying and checking a govx log, ledger and business rules (pure).
export {};
