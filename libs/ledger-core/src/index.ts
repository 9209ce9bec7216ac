// @govx/ledger-core: the pure core of the govx ledger (no Nest, NATS or TypeORM).
export * from './errors.js';
export * from './merkle/index.js';
export * from './entry/json-value.js';
export * from './entry/canonical.js';
export * from './entry/entry.js';
export * from './entry/fast-signature.js';
export * from './entry/decode.js';
export * from './entry/chain-fields.js';
export * from './entry/log-appender.js';
export * from './checkpoint/note.js';
export * from './checkpoint/checkpoint.js';
export * from './verifier/streaming-verifier.js';
export * from './proof/proof-document.js';
export * from './verifier/parallel-verifier.js';
export * from './keys/index.js';
