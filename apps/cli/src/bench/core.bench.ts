// `govx bench core`: the ledger core against raw baselines measured in the same run.
import { hash as oneShotHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { getSuite } from '@govx/crypto';
import {
  createSubmission,
  ENTRY_SIGNATURE_CONTEXT,
  Entry,
  jcs,
  jcsFast,
  LogAppender,
  MerkleAccumulator,
  RFC9162_SHA256,
  signedMessage,
  StreamingVerifier,
  verifyLogParallel,
  type LogItem,
  type Submission,
} from '@govx/ledger-core';
import { collectGarbage, formatRate, measure, type Measurement } from './measure.js';

export interface CoreBenchOptions {
  /** Entries in the verified chain (the target is stated for 1,000,000). */
  readonly entries: number;
  readonly log: (line: string) => void;
}

export interface CoreBenchResult {
  readonly leafHash: {
    readonly raw: Measurement;
    readonly leaf: Measurement;
    readonly ratio: number;
  };
  readonly merkleAppend: Measurement;
  readonly verifyChain: {
    readonly raw: Measurement;
    /** Hash chain and Merkle only (chainOnlyUnsafe): the "verify a chain" figure. */
    readonly chainStreaming: Measurement;
    readonly chainParallel: Measurement;
    /** Every check but signatures: full decoding, schema and canonical form. */
    readonly fullStreaming: Measurement;
    readonly fullParallel: Measurement;
    readonly workers: number;
    readonly ok: boolean;
  };
  readonly entryBytes: number;
  /** RFC 8785 on the ledger's hot paths: the `canonicalize` package against jcsFast. */
  readonly encoding: readonly CpuRow[];
}

/** CPU time (user + system, process.cpuUsage) per operation of a timed loop. */
export interface CpuRow {
  readonly name: string;
  readonly ops: number;
  readonly cpuMicrosPerOp: number;
}

function cpuRow(name: string, ops: number, fn: (i: number) => void): CpuRow {
  for (let i = 0; i < Math.min(ops, 20_000); i++) fn(i);
  collectGarbage();
  const start = process.cpuUsage();
  for (let i = 0; i < ops; i++) fn(i);
  const used = process.cpuUsage(start);
  return { name, ops, cpuMicrosPerOp: (used.user + used.system) / ops };
}

/** The signed message and Entry.place's bytes, by the reference encoder and by jcsFast. */
function encodingRows(pool: readonly Submission[], ops: number): CpuRow[] {
  const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
  const part = (s: Submission): object => ({
    v: s.v,
    type: s.type,
    actor: s.actor,
    keyId: s.keyId,
    idem: s.idem,
    body: s.body,
  });
  const fields = pool.map((s, i) => ({
    ...s,
    seq: i,
    prev: '0'.repeat(64),
    time: '2026-11-25T00:00:00.000Z',
  }));
  const sorted = fields.map((f) => JSON.parse(jcs(f)) as object);
  const at = <T>(list: readonly T[], i: number): T => list[i % list.length]!;
  return [
    cpuRow('signed message, canonicalize (reference)', ops, (i) =>
      utf8(ENTRY_SIGNATURE_CONTEXT + jcs(part(at(pool, i)))),
    ),
    cpuRow('signed message, signedMessage() (jcsFast)', ops, (i) => signedMessage(at(pool, i))),
    cpuRow('entry fields, canonicalize (reference)', ops, (i) => jcs(at(fields, i))),
    cpuRow('entry fields in member order, jcsFast', ops, (i) => jcsFast(at(sorted, i))),
    cpuRow('Entry.place() (checks, encoding, leaf hash)', ops, (i) => {
      const f = at(fields, i);
      Entry.place(at(pool, i), { seq: f.seq, prev: f.prev, time: f.time }, RFC9162_SHA256);
    }),
  ];
}

/** Distinct signed submissions, cycled to build a large log quickly (signing is not measured here). */
function submissions(count: number): Submission[] {
  const key = getSuite('intl').generateSigningKey();
  return Array.from({ length: count }, (_, i) =>
    createSubmission(
      {
        type: 'request',
        actor: `dept/d${i % 4}/gateway`,
        idem: `bench-${i}`,
        body: {
          dataset: 'tax.clearance',
          fields: ['name', 'idNumber', 'status', 'year'],
          purpose: 'land-transfer registration',
          legalBasis: 'Order No. 809 art. 20',
          subject: `person-${i}`,
        },
      },
      key,
    ),
  );
}

export async function runCoreBench(options: CoreBenchOptions): Promise<CoreBenchResult> {
  const { entries: n, log } = options;
  log(`building a log of ${n.toLocaleString('en-US')} entries (not timed)…`);
  const pool = submissions(1000);
  const encoding = encodingRows(pool, 100_000);
  const appender = new LogAppender(RFC9162_SHA256);
  const bytes: Uint8Array[] = new Array<Uint8Array>(n);
  const t0 = Date.UTC(2026, 10, 25);
  for (let i = 0; i < n; i++) bytes[i] = appender.append(pool[i % pool.length]!, t0 + i).bytes;
  const entryBytes = Math.round(bytes.reduce((s, b) => s + b.length, 0) / n);
  const leaves: Uint8Array[] = new Array<Uint8Array>(n);

  const hashSample = bytes.slice(0, Math.min(n, 200_000));
  const raw = measure('raw SHA-256 of the entry bytes', hashSample.length, () => {
    for (const b of hashSample) oneShotHash('sha256', b, 'buffer');
  });
  const leaf = measure('leaf hash SHA-256(0x00 ‖ bytes)', hashSample.length, () => {
    for (const b of hashSample) RFC9162_SHA256.hashLeaf(b);
  });
  for (let i = 0; i < n; i++) leaves[i] = RFC9162_SHA256.hashLeaf(bytes[i]!);

  const merkleAppend = measure(
    'Merkle appends (RFC 9162, O(log n) memory)',
    n,
    () => {
      const acc = new MerkleAccumulator(RFC9162_SHA256);
      for (let i = 0; i < n; i++) acc.append(leaves[i]!);
      acc.root();
    },
    () => {
      const acc = new MerkleAccumulator(RFC9162_SHA256);
      for (let i = 0; i < Math.min(n, 50_000); i++) acc.append(leaves[i]!);
    },
  );

  const rawChain = measure('raw SHA-256 of every entry (floor)', n, () => {
    for (const b of bytes) oneShotHash('sha256', b, 'buffer');
  });
  const workers = availableParallelism();
  let allOk = true;
  const streamingRun = (name: string, chainOnlyUnsafe: boolean): Measurement => {
    const run = (limit: number): void => {
      const v = new StreamingVerifier({ skipSignaturesUnsafe: true, chainOnlyUnsafe });
      for (let i = 0; i < limit; i++) v.pushEntry(bytes[i]!);
      if (limit === n) allOk &&= v.summary().ok && v.size === n;
    };
    return measure(
      name,
      n,
      () => run(n),
      () => run(Math.min(n, 50_000)),
    );
  };
  const items = function* (limit: number): Generator<LogItem> {
    for (let i = 0; i < limit; i++) yield { entry: bytes[i]! };
  };
  const parallelRun = async (name: string, chainOnlyUnsafe: boolean): Promise<Measurement> => {
    const options = { skipSignaturesUnsafe: true, chainOnlyUnsafe, workers } as const;
    await verifyLogParallel(items(Math.min(n, 50_000)), options);
    collectGarbage();
    const t = process.hrtime.bigint();
    const summary = await verifyLogParallel(items(n), options);
    const seconds = Number(process.hrtime.bigint() - t) / 1e9;
    allOk &&= summary.ok && summary.size === n;
    return { name, ops: n, seconds, perSecond: n / seconds };
  };
  const chainStreaming = streamingRun('chain + Merkle, streaming verifier, 1 thread', true);
  const chainParallel = await parallelRun(
    `chain + Merkle, parallel verifier, ${workers} workers`,
    true,
  );
  const fullStreaming = streamingRun('+ decode, schema, canonical form, 1 thread', false);
  const fullParallel = await parallelRun(
    `+ decode, schema, canonical form, ${workers} workers`,
    false,
  );
  return {
    leafHash: { raw, leaf, ratio: leaf.perSecond / raw.perSecond },
    merkleAppend,
    verifyChain: {
      raw: rawChain,
      chainStreaming,
      chainParallel,
      fullStreaming,
      fullParallel,
      workers,
      ok: allOk,
    },
    entryBytes,
    encoding,
  };
}

export function printCoreBench(r: CoreBenchResult, log: (line: string) => void): void {
  const row = (m: Measurement, extra = ''): void =>
    log(
      `  ${m.name.padEnd(54)} ${formatRate(m.perSecond).padStart(12)} /s  ${m.seconds.toFixed(3).padStart(8)} s ${extra}`,
    );
  log(`entries average ${r.entryBytes} bytes`);
  log('leaf hashes (target: ratio ≥ 0.8 of raw SHA-256)');
  row(r.leafHash.raw);
  row(r.leafHash.leaf, `ratio ${r.leafHash.ratio.toFixed(2)}`);
  log('Merkle appends (target ≥ 300,000/s)');
  row(r.merkleAppend);
  const v = r.verifyChain;
  log(
    `verify a chain of ${v.raw.ops.toLocaleString('en-US')} entries (target ≤ 5 s for 1,000,000, hashes and Merkle only)`,
  );
  row(v.raw);
  row(v.chainStreaming);
  row(v.chainParallel);
  log('the same log with every check but signatures (not a target of the core issue)');
  row(v.fullStreaming);
  row(v.fullParallel, v.ok ? 'all runs ok' : 'A RUN FAILED');
  log('RFC 8785 on the ledger hot paths, CPU per operation (same run)');
  for (const e of r.encoding) {
    log(`  ${e.name.padEnd(54)} ${e.cpuMicrosPerOp.toFixed(2).padStart(9)} µs CPU/op`);
  }
}
