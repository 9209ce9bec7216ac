// `govx bench core`: the ledger core against raw baselines measured in the same run.
import { hash as oneShotHash } from 'node:crypto';
import { getSuite } from '@govx/crypto';
import {
  createSubmission,
  LogAppender,
  MerkleAccumulator,
  RFC9162_SHA256,
  StreamingVerifier,
  type Submission,
} from '@govx/ledger-core';
import { formatRate, measure, type Measurement } from './measure.js';

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
    readonly verifier: Measurement;
    readonly ok: boolean;
  };
  readonly entryBytes: number;
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

export function runCoreBench(options: CoreBenchOptions): CoreBenchResult {
  const { entries: n, log } = options;
  log(`building a log of ${n.toLocaleString('en-US')} entries (not timed)…`);
  const pool = submissions(1000);
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
    for (let i = 0; i < hashSample.length; i++) leaves[i] = RFC9162_SHA256.hashLeaf(hashSample[i]!);
  });
  for (let i = hashSample.length; i < n; i++) leaves[i] = RFC9162_SHA256.hashLeaf(bytes[i]!);

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
  let ok = false;
  const verifier = measure(
    'streaming verifier: decode, canonical, chain, Merkle',
    n,
    () => {
      const v = new StreamingVerifier({ skipSignaturesUnsafe: true });
      for (const b of bytes) v.pushEntry(b);
      ok = v.summary().ok && v.size === n;
    },
    () => {
      const v = new StreamingVerifier({ skipSignaturesUnsafe: true });
      for (const b of bytes.slice(0, Math.min(n, 50_000))) v.pushEntry(b);
    },
  );
  return {
    leafHash: { raw, leaf, ratio: leaf.perSecond / raw.perSecond },
    merkleAppend,
    verifyChain: { raw: rawChain, verifier, ok },
    entryBytes,
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
  log(
    `verify a chain of ${r.verifyChain.verifier.ops.toLocaleString('en-US')} entries (target ≤ 5 s for 1,000,000)`,
  );
  row(r.verifyChain.raw);
  row(r.verifyChain.verifier, r.verifyChain.ok ? 'ok' : 'FAILED');
}
