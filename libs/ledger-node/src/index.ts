// @govx/ledger-node: a ledger node (witness, sequencer, checkpoints) and its HTTP module.
export * from './config/ledger-node.config.js';
export * from './node/ledger-node.js';
export * from './node/node-health.js';
export * from './sequencer/submission-error.js';
export * from './sequencer/submission-intake.js';
export * from './sequencer/sequencer.js';
export * from './ledger-node.module.js';
export * from './rebuild/rebuild-stream.js';
