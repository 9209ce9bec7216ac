// The public surface of @govx/bus: NATS connections, the local cluster, and the ledger stream.
// Everything else in src/ is internal.
export type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
export type { NatsConnection } from '@nats-io/nats-core';
export { connectBus, RECONNECT_TIME_WAIT_MS } from './connection.js';
export type { BusConnectionOptions } from './connection.js';
export {
  BusError,
  LedgerStreamMismatchError,
  TransientBusError,
  WrongLastSequenceError,
} from './errors.js';
export { consumeLedger, DEFAULT_CONSUME_BATCH } from './ledger-consumer.js';
export type { ConsumeLedgerOptions, LedgerConsumer } from './ledger-consumer.js';
export {
  DEFAULT_PUBLISH_TIMEOUT_MS,
  DEFAULT_PUBLISH_WINDOW,
  publishEntries,
  publishEntry,
} from './ledger-publish.js';
export type {
  PublishedEntry,
  PublishEntriesOptions,
  PublishEntriesResult,
  PublishEntryOptions,
} from './ledger-publish.js';
export {
  DEFAULT_DUPLICATE_WINDOW_MS,
  DEFAULT_MAX_MSG_SIZE,
  ensureLedgerStream,
  lastStreamSeq,
  ledgerStreamConfig,
  ledgerStreamDifferences,
  readStreamMessage,
} from './ledger-stream.js';
export type { LedgerStreamOptions } from './ledger-stream.js';
export { NatsCluster } from './nats-cluster.js';
export type { NatsClusterOptions } from './nats-cluster.js';
export { NATS_SERVER_INSTALL_HINT, natsServerBinary } from './nats-server-binary.js';
export { LEDGER_STREAM, LedgerSubjects } from './subjects.js';
export type { LedgerSubject } from './subjects.js';
export { LedgerClient, LedgerRejectedError } from './ledger-client.js';
export type { FollowedEntry, LedgerClientOptions, LedgerReceipt } from './ledger-client.js';
export { SubmissionBatcher } from './submission-batcher.js';
export type { SubmissionBatcherOptions } from './submission-batcher.js';
