// Conditional appends to the ledger stream. Every publish carries Nats-Msg-Id (the server
// answers a retried id with the first sequence, `duplicate: true`, before it checks the
// expectations) and Nats-Expected-Last-Sequence (refused unless the stream ends there).
//
// Pipelining needs one more guard. With expected sequences alone, once entry k of a batch is
// refused because another writer appended m messages, entry k + m (already in flight, expecting
// E + k + m) matches the stream's new end and lands after the foreign messages: a forked chain
// in a stream that can never be repaired. So publishEntries sends its entries on a subject of
// its own writer, Entries.<token>, and each entry after the first also expects the last message
// on that subject to be the previous entry (Nats-Expected-Last-Subject-Sequence). That check
// reads the store, which every replica holds identically. Nats-Expected-Last-Msg-Id would read
// per-replica memory, which nats-server 2.9 does not restore after a restart past the duplicate
// window or a catch-up: replicas then disagree and one silently drops the message (tried).
import type { JetStreamClient } from '@nats-io/jetstream';
import { nuid } from '@nats-io/nats-core';
import { toBusError } from './classify.js';
import { BusError, WrongLastSequenceError } from './errors.js';
import { LEDGER_STREAM, LedgerSubjects } from './subjects.js';

/** One entry's place in the stream. Ledger seq n is stream seq n + 1. */
export interface PublishedEntry {
  streamSeq: number;
  /** True when the stream already held this msgId (within its duplicate window): nothing was
   * appended and streamSeq is where the first copy is. */
  duplicate: boolean;
}

export interface PublishEntryOptions {
  /** Idempotency key, stored as Nats-Msg-Id; MUST be unique per entry. */
  msgId: string;
  /** The stream's last sequence this entry must follow (0 for an empty stream). */
  expectedLastStreamSeq: number;
  /** Ack timeout; default 5 s. */
  timeoutMs?: number;
}

export interface PublishEntriesOptions {
  /** Most publishes in flight at once; default 256. */
  window?: number;
  /** Ack timeout of each publish; default 5 s. */
  timeoutMs?: number;
}

export interface PublishEntriesResult {
  /** Results of entries[0 .. published.length - 1], in order: the longest prefix whose
   * publishes all succeeded. A `duplicate` may sit at another position than its index (its
   * msgId was used before); entries after such a duplicate are refused by the server. */
  published: PublishedEntry[];
  /** Why entries[published.length] was not published, or null when all were. Entries after it
   * were refused or not sent, except that a TransientBusError (a timeout) leaves unknown whether
   * that entry and the ones after it were stored: publish them again with the same msgIds. */
  error: BusError | null;
}

export const DEFAULT_PUBLISH_WINDOW = 256;
export const DEFAULT_PUBLISH_TIMEOUT_MS = 5_000;

/**
 * Publishes one entry's bytes to the ledger stream with Nats-Msg-Id = msgId and
 * Nats-Expected-Last-Sequence = expectedLastStreamSeq. Throws WrongLastSequenceError (another
 * writer appended first; `lastSeq` is the server's), TransientBusError (retry the same call)
 * or BusError.
 */
export async function publishEntry(
  js: JetStreamClient,
  bytes: Uint8Array,
  options: PublishEntryOptions,
): Promise<PublishedEntry> {
  assertBytes(bytes, 'bytes');
  assertMsgId(options.msgId, 'options.msgId');
  assertSeq(options.expectedLastStreamSeq, 'options.expectedLastStreamSeq');
  const timeoutMs = assertTimeout(options.timeoutMs);
  return publishOne(js, bytes, {
    ...options,
    subject: LedgerSubjects.Entries,
    timeoutMs,
    expectedLastSubjectSeq: null,
  });
}

/**
 * Pipelined appends: entries[i] is published with expected last sequence
 * expectedLastStreamSeq + i, up to `window` in flight at once, on this writer's subject; from
 * the second entry on it also expects the previous entry to be the last message of that subject
 * (see the top of this file), so no entry lands after a message of another writer. Calls on
 * one JetStreamClient run one after another. Stops sending at the first failure and resolves
 * only after every publish it sent has been answered or timed out. Never rejects for a bus
 * failure: see PublishEntriesResult.
 */
export async function publishEntries(
  js: JetStreamClient,
  entries: readonly { bytes: Uint8Array; msgId: string }[],
  expectedLastStreamSeq: number,
  options: PublishEntriesOptions = {},
): Promise<PublishEntriesResult> {
  entries.forEach((e, i) => {
    assertBytes(e.bytes, `entries[${i}].bytes`);
    assertMsgId(e.msgId, `entries[${i}].msgId`);
  });
  assertSeq(expectedLastStreamSeq, 'expectedLastStreamSeq');
  const window = options.window ?? DEFAULT_PUBLISH_WINDOW;
  if (!Number.isInteger(window) || window < 1) {
    throw new RangeError(`options.window must be an integer ≥ 1, got ${window}`);
  }
  const timeoutMs = assertTimeout(options.timeoutMs);
  const writer = writerOf(js);
  const run = writer.tail.then(() =>
    pipeline(js, writer.subject, entries, expectedLastStreamSeq, window, timeoutMs),
  );
  writer.tail = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}

interface Writer {
  /** Entries.<token>: the subject only this writer publishes pipelined entries on. */
  readonly subject: string;
  /** The end of the last call queued on this writer. */
  tail: Promise<void>;
}

const writers = new WeakMap<JetStreamClient, Writer>();

function writerOf(js: JetStreamClient): Writer {
  let w = writers.get(js);
  if (!w) {
    w = { subject: `${LedgerSubjects.Entries}.${nuid.next()}`, tail: Promise.resolve() };
    writers.set(js, w);
  }
  return w;
}

async function pipeline(
  js: JetStreamClient,
  subject: string,
  entries: readonly { bytes: Uint8Array; msgId: string }[],
  expectedLastStreamSeq: number,
  window: number,
  timeoutMs: number,
): Promise<PublishEntriesResult> {
  const results: (PublishedEntry | BusError | undefined)[] = new Array(entries.length);
  await new Promise<void>((resolve) => {
    let next = 0;
    let inFlight = 0;
    let failed = false;
    const pump = (): void => {
      while (!failed && next < entries.length && inFlight < window) {
        const i = next++;
        const entry = entries[i]!;
        inFlight++;
        publishOne(js, entry.bytes, {
          subject,
          msgId: entry.msgId,
          expectedLastStreamSeq: expectedLastStreamSeq + i,
          expectedLastSubjectSeq: i > 0 ? expectedLastStreamSeq + i : null,
          timeoutMs,
        })
          .then(
            (r) => {
              results[i] = checkPosition(r, expectedLastStreamSeq + 1 + i, entry.msgId);
            },
            (e: unknown) => {
              results[i] = firstFailure(toBusError(e, `publish entry ${i}`), i, expectedLastStreamSeq);
            },
          )
          .finally(() => {
            inFlight--;
            if (results[i] instanceof BusError) failed = true;
            if (inFlight === 0 && (failed || next === entries.length)) resolve();
            else pump();
          });
      }
    };
    if (entries.length === 0) resolve();
    else pump();
  });

  const published: PublishedEntry[] = [];
  for (const r of results) {
    if (r === undefined) {
      return { published, error: new BusError('internal: an entry was neither published nor failed') };
    }
    if (r instanceof BusError) return { published, error: r };
    published.push(r);
  }
  return { published, error: null };
}

/**
 * Both expectations fail with err_code 10071 "wrong last sequence: N"; N is the stream's last
 * sequence, or the last sequence of this writer's subject when only that check failed. If entry
 * i ≥ 1 is the first failure, entries before it left the stream ending at E + i or later, so an
 * N below E + i can only come from the subject check, which runs after the stream check
 * passed: the stream ended at exactly E + i, with a message not of this writer.
 */
function firstFailure(err: BusError, i: number, expectedLast: number): BusError {
  if (i === 0 || !(err instanceof WrongLastSequenceError) || err.lastSeq === null) return err;
  if (err.lastSeq >= expectedLast + i) return err;
  return new WrongLastSequenceError(
    `${err.message} (the message at stream seq ${expectedLast + i} is not this writer's previous entry)`,
    expectedLast + i,
    { cause: err.cause },
  );
}

/** A stored (not duplicate) entry MUST be at its expected position; the server guarantees it,
 * so anything else is a broken invariant, reported as a BusError. */
function checkPosition(r: PublishedEntry, expectedSeq: number, msgId: string): PublishedEntry | BusError {
  if (r.duplicate || r.streamSeq === expectedSeq) return r;
  return new BusError(`entry ${msgId} was stored at stream seq ${r.streamSeq}, expected ${expectedSeq}`);
}

async function publishOne(
  js: JetStreamClient,
  bytes: Uint8Array,
  o: {
    subject: string;
    msgId: string;
    expectedLastStreamSeq: number;
    expectedLastSubjectSeq: number | null;
    timeoutMs: number;
  },
): Promise<PublishedEntry> {
  let ack;
  try {
    ack = await js.publish(o.subject, bytes, {
      msgID: o.msgId,
      expect: {
        lastSequence: o.expectedLastStreamSeq,
        ...(o.expectedLastSubjectSeq !== null ? { lastSubjectSequence: o.expectedLastSubjectSeq } : {}),
      },
      timeout: o.timeoutMs,
    });
  } catch (e) {
    throw toBusError(e, `publish ${o.msgId} after stream seq ${o.expectedLastStreamSeq}`);
  }
  if (ack.stream !== LEDGER_STREAM) {
    throw new BusError(`${o.subject} is captured by stream ${ack.stream}, not ${LEDGER_STREAM}`);
  }
  return { streamSeq: ack.seq, duplicate: ack.duplicate };
}

function assertBytes(bytes: Uint8Array, name: string): void {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
}

function assertMsgId(msgId: string, name: string): void {
  if (typeof msgId !== 'string' || msgId === '' || /[\s]/.test(msgId)) {
    throw new TypeError(`${name} must be a non-empty string without whitespace`);
  }
}

function assertSeq(seq: number, name: string): void {
  if (!Number.isSafeInteger(seq) || seq < 0) {
    throw new RangeError(`${name} must be an integer ≥ 0, got ${seq}`);
  }
}

function assertTimeout(timeoutMs: number | undefined): number {
  const t = timeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS;
  if (!Number.isInteger(t) || t < 1) throw new RangeError(`timeoutMs must be an integer ≥ 1, got ${t}`);
  return t;
}
