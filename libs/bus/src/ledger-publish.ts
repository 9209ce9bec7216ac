// Conditional appends to the ledger stream. Every publish carries Nats-Msg-Id (the server
// answers a retried id with the first sequence, `duplicate: true`, before it checks any
// expectation) and Nats-Expected-Last-Sequence (refused unless the stream ends there).
//
// Pipelining needs one more guard. With expected sequences alone, once entry k of a batch is
// refused because another writer appended m messages, entry k + m (already in flight, expecting
// E + k + m) matches the stream's new end and lands after the foreign messages: a forked chain
// in a stream that can never be repaired. So each entry after the first of a batch also carries
// Nats-Expected-Last-Msg-Id = the previous entry's msgId: after any foreign message, every later
// entry of the batch is refused (err_code 10070).
//
// Why not Nats-Expected-Last-Subject-Sequence on a per-writer subject: nats-server 2.9 checks
// it against the store before the previous entry is committed, so it refuses pipelined entries
// (tried). The last-msg-id check runs when entries are applied, in order, on every replica;
// each replica keeps the last msg id in memory and rebuilds it from its store after a restart
// only if the last message is inside the duplicate window. The first entry of every batch
// therefore carries no last-msg-id expectation: whatever a replica remembers, the entries that
// do carry one follow an entry stored in the same batch moments before.
import type { JetStreamClient } from '@nats-io/jetstream';
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
   * msgId was used before); the entries after such a duplicate are refused by the server. */
  published: PublishedEntry[];
  /** Why entries[published.length] was not published, or null when all were. The entries after
   * it were refused or never sent, except after a TransientBusError (a timeout): then that entry
   * and the ones after it may have been stored; publish them again with the same msgIds. */
  error: BusError | null;
}

export const DEFAULT_PUBLISH_WINDOW = 256;
export const DEFAULT_PUBLISH_TIMEOUT_MS = 5_000;

/**
 * Publishes one entry's bytes to the ledger stream with Nats-Msg-Id = msgId and
 * Nats-Expected-Last-Sequence = expectedLastStreamSeq. Throws WrongLastSequenceError (another
 * writer appended first; `lastSeq` is the stream's last seq), TransientBusError (retrying the
 * same call is safe) or BusError.
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
  return publishOne(js, bytes, { ...options, timeoutMs, expectedLastMsgId: null });
}

/**
 * Pipelined appends: entries[i] is published with expected last sequence
 * expectedLastStreamSeq + i and, for i ≥ 1, expected last msg id entries[i - 1].msgId (see the
 * top of this file), up to `window` in flight at once. Stops sending at the first failure and
 * resolves only after every publish it sent has been answered or timed out. Rejects only for
 * invalid arguments; bus failures are reported in PublishEntriesResult.error.
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

  const results: (PublishedEntry | BusError | undefined)[] = new Array(entries.length);
  await new Promise<void>((resolve) => {
    let next = 0;
    let inFlight = 0;
    let failed = false;
    const pump = (): void => {
      while (!failed && next < entries.length && inFlight < window) {
        const i = next++;
        const entry = entries[i]!;
        const expected = expectedLastStreamSeq + i;
        inFlight++;
        publishOne(js, entry.bytes, {
          msgId: entry.msgId,
          expectedLastStreamSeq: expected,
          expectedLastMsgId: i > 0 ? entries[i - 1]!.msgId : null,
          timeoutMs,
        })
          .then(
            (r) => {
              results[i] = checkPosition(r, expected + 1, entry.msgId);
            },
            (e: unknown) => {
              results[i] = withLastSeq(toBusError(e, `publish entry ${i}`), i, expected);
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
    if (r === undefined) break; // not sent: an earlier entry failed
    if (r instanceof BusError) return { published, error: r };
    published.push(r);
  }
  if (published.length < entries.length) {
    return {
      published,
      error: new BusError('internal: an entry was neither published nor failed'),
    };
  }
  return { published, error: null };
}

/**
 * A last-msg-id refusal (10070) does not say where the stream ends. It is checked after the
 * last-sequence expectation passed, so the stream ended exactly at the expected sequence.
 */
function withLastSeq(err: BusError, i: number, expected: number): BusError {
  if (i === 0 || !(err instanceof WrongLastSequenceError) || err.lastSeq !== null) return err;
  return new WrongLastSequenceError(
    `${err.message} (the stream ends at ${expected} with another message than entry ${i - 1})`,
    expected,
    { cause: err.cause },
  );
}

/** A stored (not duplicate) entry is at its expected position: the server guarantees it, so
 * anything else is a broken invariant, reported as a BusError. */
function checkPosition(
  r: PublishedEntry,
  expectedSeq: number,
  msgId: string,
): PublishedEntry | BusError {
  if (r.duplicate || r.streamSeq === expectedSeq) return r;
  return new BusError(
    `entry ${msgId} was stored at stream seq ${r.streamSeq}, expected ${expectedSeq}`,
  );
}

async function publishOne(
  js: JetStreamClient,
  bytes: Uint8Array,
  o: {
    msgId: string;
    expectedLastStreamSeq: number;
    expectedLastMsgId: string | null;
    timeoutMs: number;
  },
): Promise<PublishedEntry> {
  let ack;
  try {
    ack = await js.publish(LedgerSubjects.Entries, bytes, {
      msgID: o.msgId,
      expect: {
        lastSequence: o.expectedLastStreamSeq,
        ...(o.expectedLastMsgId !== null ? { lastMsgID: o.expectedLastMsgId } : {}),
      },
      timeout: o.timeoutMs,
    });
  } catch (e) {
    throw toBusError(e, `publish ${o.msgId} after stream seq ${o.expectedLastStreamSeq}`);
  }
  if (ack.stream !== LEDGER_STREAM) {
    throw new BusError(
      `${LedgerSubjects.Entries} is captured by stream ${ack.stream}, not ${LEDGER_STREAM}`,
    );
  }
  return { streamSeq: ack.seq, duplicate: ack.duplicate };
}

function assertBytes(bytes: Uint8Array, name: string): void {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
}

function assertMsgId(msgId: string, name: string): void {
  if (typeof msgId !== 'string' || msgId === '' || /\s/.test(msgId)) {
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
  if (!Number.isInteger(t) || t < 1)
    throw new RangeError(`timeoutMs must be an integer ≥ 1, got ${t}`);
  return t;
}
