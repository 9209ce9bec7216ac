// The ledger stream: creation with its safety settings, the tip, and reads by sequence.
import {
  DiscardPolicy,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/nats-core';
import { apiErrCode, JsErrCode, toBusError } from './classify.js';
import { LedgerStreamMismatchError, TransientBusError } from './errors.js';
import { LEDGER_STREAM, LedgerSubjects } from './subjects.js';

export interface LedgerStreamOptions {
  /** Stream replicas (Raft group size): 3 in production, 1 on a single server. */
  replicas: number;
  /** Nats-Msg-Id deduplication window; default 10 minutes. */
  duplicateWindowMs?: number;
  /** Largest message (headers + entry bytes) the stream accepts; default 128 KiB. */
  maxMsgSize?: number;
  /** How long to keep retrying transient failures (no meta leader yet, a peer not yet known,
   * timeouts) before throwing TransientBusError; default 30 s, 0 = one attempt. */
  retryForMs?: number;
}

export const DEFAULT_DUPLICATE_WINDOW_MS = 10 * 60 * 1000;
export const DEFAULT_MAX_MSG_SIZE = 128 * 1024;
const DEFAULT_RETRY_FOR_MS = 30_000;
const RETRY_DELAY_MS = 250;
const MSG_ID_HEADER = 'Nats-Msg-Id';

/** The configuration ensureLedgerStream creates. */
export function ledgerStreamConfig(options: LedgerStreamOptions): Partial<StreamConfig> & {
  name: string;
} {
  assertOptions(options);
  return {
    name: LEDGER_STREAM,
    subjects: [LedgerSubjects.Entries],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    num_replicas: options.replicas,
    max_msgs: -1,
    max_bytes: -1,
    max_age: 0,
    max_msgs_per_subject: -1,
    max_consumers: -1,
    max_msg_size: options.maxMsgSize ?? DEFAULT_MAX_MSG_SIZE,
    discard: DiscardPolicy.Old,
    duplicate_window: nanos(options.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS),
    deny_delete: true,
    deny_purge: true,
    allow_rollup_hdrs: false,
  };
}

/**
 * The settings of an existing stream that make it unfit to hold the ledger (empty when fit).
 * Checked: replicas, deny delete/purge, file storage, limits retention, the subject, no
 * limit that would drop entries, no rollup, not sealed, not a mirror. Duplicate window and
 * max message size are tunables and are not checked.
 */
export function ledgerStreamDifferences(
  existing: Partial<StreamConfig>,
  options: LedgerStreamOptions,
): string[] {
  const d: string[] = [];
  const want = (name: string, actual: unknown, expected: unknown): void => {
    if (actual !== expected) {
      d.push(`${name} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
    }
  };
  want('num_replicas', existing.num_replicas, options.replicas);
  want('deny_delete', existing.deny_delete === true, true);
  want('deny_purge', existing.deny_purge === true, true);
  want('storage', existing.storage, StorageType.File);
  want('retention', existing.retention, RetentionPolicy.Limits);
  want(
    'subjects',
    JSON.stringify(existing.subjects ?? []),
    JSON.stringify([LedgerSubjects.Entries]),
  );
  want('allow_rollup_hdrs', existing.allow_rollup_hdrs === true, false);
  want('sealed', existing.sealed === true, false);
  want('mirror', existing.mirror === undefined || existing.mirror === null, true);
  for (const limit of ['max_msgs', 'max_bytes', 'max_msgs_per_subject'] as const) {
    const v = existing[limit];
    if (typeof v === 'number' && v > 0) d.push(`${limit} is ${v}, expected unlimited (-1)`);
  }
  if (typeof existing.max_age === 'number' && existing.max_age > 0) {
    d.push(`max_age is ${existing.max_age} ns, expected 0 (unlimited)`);
  }
  return d;
}

/**
 * Creates the ledger stream if it is missing. If it exists, checks it with
 * ledgerStreamDifferences and throws LedgerStreamMismatchError when it differs; it MUST NOT
 * update an existing stream (never weakens it). Transient failures are retried for
 * `retryForMs`, then thrown as TransientBusError.
 */
export async function ensureLedgerStream(
  nc: NatsConnection,
  options: LedgerStreamOptions,
): Promise<void> {
  const config = ledgerStreamConfig(options);
  const deadline = Date.now() + (options.retryForMs ?? DEFAULT_RETRY_FOR_MS);
  for (;;) {
    try {
      return await ensureOnce(nc, config, options);
    } catch (e) {
      const err = toBusError(e, `ensure stream ${LEDGER_STREAM}`);
      // "no suitable peers" also happens while a new cluster's peers are still registering.
      const retry = err instanceof TransientBusError || apiErrCode(e) === JsErrCode.NoSuitablePeers;
      if (!retry || Date.now() >= deadline) throw err;
      await sleep(RETRY_DELAY_MS);
    }
  }
}

async function ensureOnce(
  nc: NatsConnection,
  config: ReturnType<typeof ledgerStreamConfig>,
  options: LedgerStreamOptions,
): Promise<void> {
  const jsm = await manager(nc);
  const existing = await streamConfig(jsm);
  if (existing) return checkFit(existing, options);
  try {
    await jsm.streams.add(config);
  } catch (e) {
    // Created concurrently by another node with a different config: judge what is there.
    if (apiErrCode(e) === JsErrCode.StreamNameInUse) {
      const now = await streamConfig(jsm);
      if (now) return checkFit(now, options);
    }
    throw e;
  }
}

function checkFit(existing: Partial<StreamConfig>, options: LedgerStreamOptions): void {
  const differences = ledgerStreamDifferences(existing, options);
  if (differences.length > 0) throw new LedgerStreamMismatchError(differences);
}

async function streamConfig(jsm: JetStreamManager): Promise<StreamConfig | null> {
  try {
    return (await jsm.streams.info(LEDGER_STREAM)).config;
  } catch (e) {
    if (apiErrCode(e) === JsErrCode.StreamNotFound) return null;
    throw e;
  }
}

/** The stream's last sequence; 0 when it is empty. */
export async function lastStreamSeq(nc: NatsConnection): Promise<number> {
  try {
    const jsm = await manager(nc);
    return (await jsm.streams.info(LEDGER_STREAM)).state.last_seq;
  } catch (e) {
    throw toBusError(e, `read the last sequence of ${LEDGER_STREAM}`);
  }
}

/** Stream message `streamSeq` (≥ 1) with its Nats-Msg-Id, or null when there is none. */
export async function readStreamMessage(
  nc: NatsConnection,
  streamSeq: number,
): Promise<{ data: Uint8Array; msgId: string | null } | null> {
  if (!Number.isSafeInteger(streamSeq) || streamSeq < 1) {
    throw new RangeError(`streamSeq must be an integer ≥ 1, got ${streamSeq}`);
  }
  try {
    const jsm = await manager(nc);
    const sm = await jsm.streams.getMessage(LEDGER_STREAM, { seq: streamSeq });
    if (!sm) return null;
    const msgId = sm.header?.get(MSG_ID_HEADER) ?? '';
    return { data: sm.data, msgId: msgId === '' ? null : msgId };
  } catch (e) {
    throw toBusError(e, `read message ${streamSeq} of ${LEDGER_STREAM}`);
  }
}

export function manager(nc: NatsConnection): Promise<JetStreamManager> {
  return jetstreamManager(nc, { checkAPI: false });
}

function assertOptions(options: LedgerStreamOptions): void {
  if (!Number.isInteger(options.replicas) || options.replicas < 1 || options.replicas > 5) {
    throw new RangeError(`replicas must be an integer 1..5, got ${options.replicas}`);
  }
  const { duplicateWindowMs, maxMsgSize } = options;
  if (
    duplicateWindowMs !== undefined &&
    !(Number.isInteger(duplicateWindowMs) && duplicateWindowMs >= 1000)
  ) {
    throw new RangeError(`duplicateWindowMs must be an integer ≥ 1000, got ${duplicateWindowMs}`);
  }
  if (maxMsgSize !== undefined && !(Number.isInteger(maxMsgSize) && maxMsgSize >= 1024)) {
    throw new RangeError(`maxMsgSize must be an integer ≥ 1024, got ${maxMsgSize}`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
