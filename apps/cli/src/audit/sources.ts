// Where `govx audit` reads a log: an export file, a ledger node's PostgreSQL database, or the
// NATS ledger stream. Each source yields entries (and checkpoints) in log order, reading in
// pages or pulls, so memory stays flat however long the log.
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { consumeLedger, lastStreamSeq, type NatsConnection } from '@govx/bus';
import {
  AuditInputError,
  readExport,
  type AuditItem,
  type AuditTrust,
  type ExportHeader,
} from '@govx/audit';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';

export interface AuditSourceOptions {
  readonly trust: AuditTrust;
  /** NATS sources: a ledger node's HTTP URL to fetch the latest final checkpoint from. */
  readonly checkpointsUrl?: string;
  /** Connect and read timeout, ms. */
  readonly timeoutMs?: number;
}

export interface AuditSource {
  /** The source as named to the user, without credentials. */
  readonly name: string;
  items(): AsyncGenerator<AuditItem>;
  close(): Promise<void>;
}

const PAGE = 1000;

/** Opens SRC by its form: nats://…, postgres(ql)://…, or a file path. */
export async function openSource(src: string, options: AuditSourceOptions): Promise<AuditSource> {
  if (/^(nats|tls):\/\//.test(src)) return openNats(src, options);
  if (/^postgres(ql)?:\/\//.test(src)) return openPostgres(src, options);
  return openFile(src.replace(/^file:\/\//, ''), options);
}

function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}

async function openFile(path: string, options: AuditSourceOptions): Promise<AuditSource> {
  try {
    await access(path);
  } catch (e) {
    throw new AuditInputError(path, `cannot read the file (${(e as Error).message})`, { cause: e });
  }
  const { trust } = options;
  const checkHeader = (header: ExportHeader): void => {
    if (header.origin !== trust.origin || header.hash !== trust.hash) {
      throw new AuditInputError(
        `${path}:1`,
        `another log: the export is of ${header.origin} (${header.hash}), the trust file is for ${trust.origin} (${trust.hash})`,
      );
    }
  };
  return {
    name: path,
    items: () => readExport(createReadStream(path, { highWaterMark: 1 << 20 }), path, checkHeader),
    close: async () => undefined,
  };
}

interface EntryRow {
  seq: string;
  bytes: Buffer;
  leaf_hash: Buffer;
  type: string;
  actor: string;
  key_id: string;
  idem: string;
  time: string;
}

async function openPostgres(url: string, options: AuditSourceOptions): Promise<AuditSource> {
  const name = safeUrl(url);
  const db = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: options.timeoutMs ?? 10_000,
  });
  try {
    await db.connect();
  } catch (e) {
    throw new AuditInputError(name, `cannot connect (${(e as Error).message})`, { cause: e });
  }
  try {
    const { rows } = await db.query<{ t: string | null; c: string | null; s: string | null }>(
      `SELECT to_regclass('ledger_entries')::text AS t, to_regclass('ledger_checkpoints')::text AS c,
              to_regclass('ledger_tree_state')::text AS s`,
    );
    if (!rows[0]?.t || !rows[0].c || !rows[0].s)
      throw new AuditInputError(
        name,
        'not a govx ledger database: table ledger_entries, ledger_checkpoints or ledger_tree_state is missing',
      );
    const state = await db.query<{ tree_hash: string }>('SELECT tree_hash FROM ledger_tree_state');
    const hash = state.rows[0]?.tree_hash;
    if (hash !== undefined && hash !== options.trust.hash)
      throw new AuditInputError(
        `${name} ledger_tree_state`,
        `another log: it uses ${hash}, the trust file says ${options.trust.hash}`,
      );
  } catch (e) {
    await db.end().catch(() => undefined);
    if (e instanceof AuditInputError) throw e;
    throw new AuditInputError(name, (e as Error).message, { cause: e });
  }

  async function* checkpoints(): AsyncGenerator<{ size: number; note: string }> {
    let after = -1;
    for (;;) {
      const { rows } = await db.query<{ size: string; note: string }>(
        'SELECT size, note FROM ledger_checkpoints WHERE final AND size > $1 ORDER BY size LIMIT 100',
        [after],
      );
      for (const r of rows) yield { size: Number(r.size), note: r.note };
      if (rows.length < 100) return;
      after = Number(rows[rows.length - 1]!.size);
    }
  }

  async function* items(): AsyncGenerator<AuditItem> {
    const cps = checkpoints();
    let next = await cps.next();
    let position = 0;
    let after = -1;
    const flush = async function* (upTo: number): AsyncGenerator<AuditItem> {
      while (!next.done && next.value.size <= upTo) {
        yield {
          kind: 'checkpoint',
          note: next.value.note,
          where: `${name} ledger_checkpoints size=${next.value.size}`,
        };
        next = await cps.next();
      }
    };
    for (;;) {
      const { rows } = await db.query<EntryRow>(
        `SELECT seq, bytes, leaf_hash, type, actor, key_id, idem,
                to_char("time" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS time
           FROM ledger_entries WHERE seq > $1 ORDER BY seq LIMIT ${PAGE}`,
        [after],
      );
      for (const r of rows) {
        yield* flush(position);
        yield {
          kind: 'entry',
          bytes: r.bytes,
          leaf: r.leaf_hash,
          columns: {
            seq: Number(r.seq),
            type: r.type,
            actor: r.actor,
            keyId: r.key_id,
            idem: r.idem,
            time: r.time,
          },
          where: `${name} ledger_entries seq=${r.seq}`,
        };
        position++;
      }
      if (rows.length < PAGE) break;
      after = Number(rows[rows.length - 1]!.seq);
    }
    yield* flush(Number.MAX_SAFE_INTEGER);
  }
  return { name, items, close: () => db.end() };
}

interface CheckpointView {
  size: number;
  note: string;
}

async function latestCheckpoint(url: string): Promise<CheckpointView | null> {
  let res: Response;
  try {
    res = await fetch(new URL('/checkpoints/latest', url));
  } catch (e) {
    throw new AuditInputError(url, `cannot reach the ledger node (${(e as Error).message})`, {
      cause: e,
    });
  }
  if (res.status === 404) return null;
  if (!res.ok) throw new AuditInputError(url, `/checkpoints/latest answered ${res.status}`);
  const body = (await res.json()) as Partial<CheckpointView>;
  if (!Number.isSafeInteger(body.size) || typeof body.note !== 'string')
    throw new AuditInputError(url, '/checkpoints/latest: no size and note');
  return { size: body.size!, note: body.note };
}

async function openNats(url: string, options: AuditSourceOptions): Promise<AuditSource> {
  const name = safeUrl(url);
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: url.split(','),
      name: 'govx-audit',
      timeout: options.timeoutMs ?? 10_000,
      maxReconnectAttempts: 3,
    });
  } catch (e) {
    throw new AuditInputError(name, `cannot connect (${(e as Error).message})`, { cause: e });
  }
  const fail = async (message: string, cause?: unknown): Promise<never> => {
    await nc.close().catch(() => undefined);
    throw new AuditInputError(name, message, { cause });
  };
  // The checkpoint first: the stream then holds at least the entries it covers.
  let checkpoint: CheckpointView | null = null;
  if (options.checkpointsUrl) {
    try {
      checkpoint = await latestCheckpoint(options.checkpointsUrl);
    } catch (e) {
      await nc.close().catch(() => undefined);
      throw e;
    }
  }
  let last = 0;
  try {
    last = await lastStreamSeq(nc);
  } catch (e) {
    await fail(`no ledger stream (${(e as Error).message})`, e);
  }

  async function* items(): AsyncGenerator<AuditItem> {
    if (last === 0) {
      if (checkpoint)
        yield { kind: 'checkpoint', note: checkpoint.note, where: options.checkpointsUrl! };
      return;
    }
    // A one-slot hand-over from the consumer's callback to this generator (backpressure).
    let slot: { seq: number; data: Uint8Array } | null = null;
    let stopped = false;
    let error: Error | null = null;
    const wake: { reader: (() => void) | null; writer: (() => void) | null } = {
      reader: null,
      writer: null,
    };
    const consumer = consumeLedger(nc, {
      fromStreamSeq: 1,
      onMessage: async (seq, data) => {
        while (slot && !stopped) await new Promise<void>((r) => (wake.writer = r));
        if (stopped) return;
        slot = { seq, data };
        wake.reader?.();
      },
      onError: (e) => {
        error = e;
        wake.reader?.();
      },
    });
    try {
      for (let expected = 1; expected <= last; expected++) {
        while (!slot && !error) await new Promise<void>((r) => (wake.reader = r));
        if (error)
          throw new AuditInputError(name, `reading the ledger stream: ${(error as Error).message}`);
        const { seq, data } = slot!;
        slot = null;
        wake.writer?.();
        const position = expected - 1;
        if (checkpoint && checkpoint.size === position)
          yield { kind: 'checkpoint', note: checkpoint.note, where: options.checkpointsUrl! };
        // A stream gap shows as a seq the verifier does not expect: the bytes say their seq.
        yield { kind: 'entry', bytes: data, where: `${name} stream seq ${seq}` };
        if (seq >= last) break;
      }
      if (checkpoint && checkpoint.size >= last)
        yield { kind: 'checkpoint', note: checkpoint.note, where: options.checkpointsUrl! };
    } finally {
      // The reader may stop early (a failure found): release a handler waiting for the slot.
      stopped = true;
      wake.writer?.();
      await consumer.stop();
    }
  }
  return { name, items, close: () => nc.close() };
}
