// `govx bench verify`: the auditor's verification of a 1,000,000-entry log read from an
// export file, against raw SHA-256 and raw Ed25519 verification of the same bytes measured
// in the same run, with the process memory sampled as the log is read.
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createPublicKey, hash as oneShotHash, verify as rawVerify } from 'node:crypto';
import {
  auditLogParallel,
  exportCheckpointLine,
  exportEndLine,
  exportEntryLine,
  exportHeaderLine,
  parseAuditTrust,
  readExport,
  type AuditItem,
  type AuditTrust,
} from '@govx/audit';
import { getSuite, type SigningPrivateKey } from '@govx/crypto';
import {
  createSubmission,
  decodeEntry,
  formatCheckpoint,
  LogAppender,
  noteSigner,
  RFC9162_SHA256,
  signedMessage,
  signNote,
  verifierKeyString,
  verifyLogParallel,
  type LogItem,
} from '@govx/ledger-core';
import { collectGarbage, formatRate, type Measurement } from './measure.js';

export interface VerifyBenchOptions {
  readonly entries: number;
  readonly workers: number;
  /** Entries between two cosigned checkpoints (and one at the end). */
  readonly checkpointEvery: number;
  readonly log: (line: string) => void;
}

export interface VerifyBenchResult {
  readonly entries: number;
  readonly entryBytes: number;
  readonly fileBytes: number;
  readonly workers: number;
  readonly build: Measurement;
  readonly rawSha256: Measurement;
  readonly rawEd25519: Measurement;
  /** libsodium (sodium-native), what the parallel audit uses for Ed25519. */
  readonly rawSodium: Measurement;
  readonly rawSodiumParallel: Measurement;
  readonly hashMerkle: Measurement;
  readonly full: Measurement;
  /** Resident set size (MiB) after each tenth of the full run. */
  readonly rssMiB: readonly number[];
  /** Main-thread V8 heap in use (MiB) after a full GC at each tenth. */
  readonly heapMiB: readonly number[];
  readonly ok: boolean;
}

const ORIGIN = 'govx.bench/ledger';
const EPOCH = Date.UTC(2026, 10, 25);

function timed(name: string, ops: number, seconds: number): Measurement {
  return { name, ops, seconds, perSecond: ops / seconds };
}

function since(t: bigint): number {
  return Number(process.hrtime.bigint() - t) / 1e9;
}

/** Writes an export of n entries signed by 4 Ed25519 keys, every signature distinct. */
async function buildExport(
  path: string,
  n: number,
  every: number,
  log: (line: string) => void,
): Promise<{ trust: AuditTrust; entryBytes: number }> {
  const suite = getSuite('intl');
  const signers: { actor: string; key: SigningPrivateKey }[] = [0, 1, 2, 3].map((i) => ({
    actor: `dept/d${i}/gateway`,
    key: suite.generateSigningKey(),
  }));
  const nodes = ['d0', 'd1', 'd2'].map((operator, i) => ({
    operator,
    name: `ledger-${i + 1}.bench`,
    key: suite.generateSigningKey(),
  }));
  const trust = parseAuditTrust({
    origin: ORIGIN,
    hash: 'sha256',
    quorum: 2,
    cosigners: nodes.map((c) => ({
      operator: c.operator,
      vkey: verifierKeyString(c.name, c.key.publicKey),
    })),
    keys: signers.map((s) => ({ actor: s.actor, publicKeyPem: s.key.publicKey.toPem() })),
  });
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const write = async (chunk: string | Uint8Array): Promise<void> => {
    if (!out.write(chunk)) await once(out, 'drain');
  };
  const appender = new LogAppender(RFC9162_SHA256);
  let bytes = 0;
  let checkpoints = 0;
  const cosign = async (): Promise<void> => {
    const text = formatCheckpoint({ origin: ORIGIN, size: appender.size, root: appender.root() });
    checkpoints++;
    await write(
      exportCheckpointLine(
        signNote(
          text,
          nodes.slice(0, 2).map((c) => noteSigner(c.name, c.key)),
        ),
      ),
    );
  };
  await write(exportHeaderLine({ origin: ORIGIN, hash: 'sha256' }));
  for (let i = 0; i < n; i++) {
    const s = signers[i % signers.length]!;
    const submission = createSubmission(
      {
        // Not a contract type: the business rules parse it and pass (their state grows with
        // open exchanges, not with entries; see docs/audit.md).
        type: 'bench.event',
        actor: s.actor,
        idem: `bench-${i}`,
        body: {
          requestId: `req-${i}`,
          provider: 'dept/taxation',
          datasetId: 'tax.clearance',
          fields: ['name', 'idNumber', 'status', 'year'],
          purpose: 'land-transfer registration',
          legalBasis: 'Order No. 809 art. 20',
          subjectCommitment: (i * 2654435761).toString(16).padStart(16, '0'),
        },
      },
      s.key,
    );
    const entry = appender.append(submission, EPOCH + i);
    bytes += entry.bytes.length;
    await write(exportEntryLine(entry.bytes, entry.leafHash));
    if (appender.size % every === 0 || i === n - 1) await cosign();
    if ((i + 1) % 100_000 === 0) log(`  built ${(i + 1).toLocaleString('en-US')} entries`);
  }
  await write(exportEndLine({ entries: n, checkpoints }));
  out.end();
  await once(out, 'finish');
  return { trust, entryBytes: Math.round(bytes / n) };
}

/** The first `limit` entries of the export (bytes only). */
async function sampleEntries(path: string, limit: number): Promise<Uint8Array[]> {
  const sample: Uint8Array[] = [];
  for await (const item of readExport(createReadStream(path), path, () => undefined)) {
    if (item.kind === 'entry') sample.push(Uint8Array.from(item.bytes));
    if (sample.length === limit) break;
  }
  return sample;
}

interface Sodium {
  crypto_sign_verify_detached(sig: Uint8Array, msg: Uint8Array, pk: Uint8Array): boolean;
}
const require = createRequire(import.meta.url);
const SODIUM_PATH = require.resolve('sodium-native');

const RAW_SODIUM_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const sodium = require(workerData.sodium);
const keys = new Map(workerData.keys);
let ok = 0;
for (const [id, msg, sig] of workerData.items)
  if (sodium.crypto_sign_verify_detached(sig, msg, keys.get(id))) ok++;
parentPort.postMessage(ok);
`;

interface Baselines {
  readonly rawSha256: Measurement;
  readonly rawEd25519: Measurement;
  readonly rawSodium: Measurement;
  readonly rawSodiumParallel: Measurement;
  readonly ok: boolean;
}

/** Baselines on the same bytes: raw SHA-256 of entries, raw Ed25519 of their messages. Its
 * samples are dropped on return, so the memory figures of the runs after it are the audit's. */
async function measureBaselines(
  path: string,
  n: number,
  trust: AuditTrust,
  workers: number,
): Promise<Baselines> {
  let t: bigint;
  const sample = await sampleEntries(path, Math.min(n, 100_000));
  t = process.hrtime.bigint();
  for (const b of sample) oneShotHash('sha256', b, 'buffer');
  const rawSha256 = timed('raw SHA-256 of the entry bytes, 1 thread', sample.length, since(t));
  const keyObjects = new Map<string, ReturnType<typeof createPublicKey>>();
  // 100,000 signatures for the 2-thread baseline (its worker start is then ~1 %), the
  // first 20,000 of them for the single-thread ones.
  const sigItems: [string, Uint8Array, Uint8Array][] = sample.map((b) => {
    const f = decodeEntry(b, RFC9162_SHA256).fields;
    return [f.keyId, signedMessage(f), Buffer.from(f.sig, 'hex')];
  });
  for (const k of trust.bootstrap) {
    const obj = createPublicKey(k.publicKeyPem);
    const id = ed25519KeyId(k.publicKeyPem);
    keyObjects.set(id, obj);
  }
  const single = sigItems.slice(0, 20_000);
  t = process.hrtime.bigint();
  let good = 0;
  for (const [id, msg, sig] of single) if (rawVerify(null, msg, keyObjects.get(id)!, sig)) good++;
  const rawEd25519 = timed(
    'raw Ed25519 verify of the same messages, 1 thread',
    single.length,
    since(t),
  );
  const sodium = require(SODIUM_PATH) as Sodium;
  const rawKeys = new Map<string, Uint8Array>(
    [...keyObjects].map(([id, k]) => [
      id,
      new Uint8Array(k.export({ type: 'spki', format: 'der' }).subarray(-32)),
    ]),
  );
  t = process.hrtime.bigint();
  for (const [id, msg, sig] of single)
    if (sodium.crypto_sign_verify_detached(sig, msg, rawKeys.get(id)!)) good++;
  const rawSodium = timed(
    'raw libsodium Ed25519 verify, same messages, 1 thread',
    single.length,
    since(t),
  );
  const share = Math.ceil(sigItems.length / workers);
  t = process.hrtime.bigint();
  const counts = await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const worker = new Worker(RAW_SODIUM_WORKER, {
        eval: true,
        workerData: {
          sodium: SODIUM_PATH,
          keys: [...rawKeys],
          items: sigItems.slice(w * share, (w + 1) * share),
        },
      });
      return once(worker, 'message').then(([ok]) => ok as number);
    }),
  );
  const rawSodiumParallel = timed(
    `raw libsodium Ed25519 verify, ${workers} worker threads (incl. start)`,
    sigItems.length,
    since(t),
  );
  return {
    rawSha256,
    rawEd25519,
    rawSodium,
    rawSodiumParallel,
    ok: good === 2 * single.length && counts.reduce((a, b) => a + b, 0) === sigItems.length,
  };
}

export async function runVerifyBench(options: VerifyBenchOptions): Promise<VerifyBenchResult> {
  const { entries: n, workers, log } = options;
  const dir = await mkdtemp(join(tmpdir(), 'govx-bench-verify-'));
  const path = join(dir, 'log.jsonl');
  try {
    log(`building an export of ${n.toLocaleString('en-US')} signed entries (timed apart)…`);
    let t = process.hrtime.bigint();
    const { trust, entryBytes } = await buildExport(path, n, options.checkpointEvery, log);
    const build = timed('build the log (sign, place, write)', n, since(t));
    const fileBytes = (await stat(path)).size;

    const { rawSha256, rawEd25519, rawSodium, rawSodiumParallel, ...baselines } =
      await measureBaselines(path, n, trust, workers);
    let ok = baselines.ok;

    const items = async function* (): AsyncGenerator<LogItem> {
      for await (const item of readExport(
        createReadStream(path, { highWaterMark: 1 << 20 }),
        path,
        () => undefined,
      ))
        yield item.kind === 'entry' ? { entry: item.bytes } : { checkpoint: item.note };
    };
    collectGarbage();
    log('hash chain + Merkle + checkpoints (ledger-core parallel verifier, integrity only)…');
    t = process.hrtime.bigint();
    const integrity = await verifyLogParallel(items(), {
      skipSignaturesUnsafe: true,
      chainOnlyUnsafe: true,
      checkpointPolicy: trust.checkpointPolicy,
      workers,
    });
    const hashMerkle = timed(
      `read file, hash chain, Merkle, checkpoints, ${workers} workers`,
      n,
      since(t),
    );
    ok &&= integrity.ok && integrity.size === n;

    collectGarbage();
    log('full audit: decode, canonical form, chain, Merkle, checkpoints, every signature…');
    const rssMiB: number[] = [];
    const heapMiB: number[] = [];
    const tenth = Math.max(1024, Math.round(n / 10 / 1024) * 1024);
    t = process.hrtime.bigint();
    const verdict = await auditLogParallel(
      () =>
        readExport(
          createReadStream(path, { highWaterMark: 1 << 20 }),
          path,
          () => undefined,
        ) as AsyncIterable<AuditItem>,
      trust,
      {
        workers,
        progressEvery: tenth,
        onProgress: (done) => {
          if (done % tenth === 0 && done > 0 && rssMiB.length < 10) {
            rssMiB.push(Math.round(process.memoryUsage().rss / 2 ** 20));
            collectGarbage();
            heapMiB.push(Math.round(process.memoryUsage().heapUsed / 2 ** 20));
          }
        },
      },
    );
    const full = timed(`full audit with every signature, ${workers} workers`, n, since(t));
    ok &&= verdict.ok && verdict.size === n;
    return {
      entries: n,
      entryBytes,
      fileBytes,
      workers,
      build,
      rawSha256,
      rawEd25519,
      rawSodium,
      rawSodiumParallel,
      hashMerkle,
      full,
      rssMiB,
      heapMiB,
      ok,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The key id of an Ed25519 key (ledger-format.md §5): SHA-256 of its SPKI DER. */
function ed25519KeyId(pem: string): string {
  const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  return oneShotHash('sha256', der, 'hex');
}

export function printVerifyBench(r: VerifyBenchResult, log: (line: string) => void): void {
  const row = (m: Measurement, extra = ''): void =>
    log(
      `  ${m.name.padEnd(62)} ${formatRate(m.perSecond).padStart(10)} /s  ${m.seconds.toFixed(2).padStart(7)} s ${extra}`,
    );
  log(
    `${r.entries.toLocaleString('en-US')} entries of ${r.entryBytes} bytes on average, export file ${(r.fileBytes / 2 ** 20).toFixed(0)} MiB, ${r.workers} workers`,
  );
  row(r.build);
  log('baselines, same bytes, same run');
  row(r.rawSha256);
  row(r.rawEd25519);
  row(r.rawSodium);
  row(r.rawSodiumParallel);
  log('verify (targets: hash + Merkle ≥ 300,000/s; full with every signature ≥ 20,000/s)');
  row(r.hashMerkle);
  row(r.full);
  log(
    `  memory by tenths of the log: rss MiB ${r.rssMiB.join(' ')}; heap after GC MiB ${r.heapMiB.join(' ')}`,
  );
  log(r.ok ? 'all runs ok' : 'A RUN FAILED');
}
