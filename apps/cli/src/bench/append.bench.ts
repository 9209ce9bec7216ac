// `govx bench append`: committed entries per second through the whole ledger path (3 NATS
// servers R3, 3 ledger node processes each verifying and storing every entry, receipts only
// once a quorum stored), against the two ceilings measured raw in the same run.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectBus, LedgerSubjects, NatsCluster, type NatsConnection } from '@govx/bus';
import { getSuite } from '@govx/crypto';
import { createSubmission, type Submission } from '@govx/ledger-core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { LocalLedgerCluster } from '../up/ledger-cluster.js';
import { cpuSecondsOf, measure, postgresBackends, type Measurement } from './measure.js';

export interface AppendBenchOptions {
  readonly entries: number;
  readonly batch: number;
  readonly clients: number;
  readonly rate: number;
  readonly rateSeconds: number;
  readonly postgresUrl: string;
  readonly nodeArgs?: readonly string[];
  readonly log: (line: string) => void;
}

export interface AppendBenchResult {
  readonly payloadBytes: number;
  readonly rawJetStream: Measurement;
  /**
   * CPU time (user + system) of the 3 nats-servers per raw R3 publish in the baseline, in µs:
   * what the stream alone costs per entry, before any consumer reads it.
   */
  readonly natsServersPerRawPublishUs: number;
  /** Raw Ed25519 verifications through node:crypto (OpenSSL). */
  readonly rawVerify: Measurement;
  /** Raw Ed25519 verifications through libsodium (what the nodes use when it loads), or null. */
  readonly rawVerifySodium: Measurement | null;
  readonly verificationsPerEntry: number;
  readonly cpuCeiling: number;
  readonly committed: Measurement;
  readonly ratio: number;
  readonly binding: 'jetstream' | 'cpu';
  readonly latency: {
    readonly rate: number;
    readonly sent: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly failed: number;
  };
  /** Each ledger node's resident memory after the run (VmRSS) and at its peak (VmHWM), MB. */
  readonly nodeMemoryMb: readonly {
    readonly rss: number;
    readonly peak: number;
    /** V8 heap in use and reserved, and memory outside the heap (Buffers), from /metrics. */
    readonly heapUsed: number;
    readonly heapTotal: number;
    readonly external: number;
    /** Entries per transaction of the node's witness, on average over the whole run. */
    readonly storedBatch: number;
    /** Entries per batch the node sequenced, on average (NaN when it sequenced none). */
    readonly sequencedBatch: number;
  }[];
  /** 1-minute load average of the machine at the start and at the end of the run. */
  readonly loadAverage: { readonly start: number; readonly end: number };
  /**
   * CPU time (user + system) each part spent per committed entry during the throughput run,
   * in µs: what the two cores are shared by, independent of other jobs on the machine.
   */
  readonly cpuPerEntryUs: {
    readonly ledgerNodes: readonly number[];
    readonly natsServers: number;
    readonly postgres: number;
    readonly loadGenerator: number;
  };
}

interface Sodium {
  crypto_sign_verify_detached(sig: Uint8Array, msg: Uint8Array, key: Uint8Array): boolean;
}

/** libsodium, as the ledger nodes load it (libs/ledger-node signature-check), or null. */
function loadSodium(): Sodium | null {
  try {
    return createRequire(import.meta.url)('sodium-native') as Sodium;
  } catch {
    return null;
  }
}

/** VmRSS and VmHWM of a process from /proc (Linux), in MB; NaN elsewhere. */
function residentMb(pid: number | undefined): { rss: number; peak: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string): number =>
      Number(/\d+/.exec(status.split(`${field}:`)[1] ?? '')?.[0]);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return { rss: NaN, peak: NaN };
  }
}

/** A node's V8 heap figures (MB) from its Prometheus metrics; NaN when unavailable. */
async function heapMb(url: string): Promise<{
  heapUsed: number;
  heapTotal: number;
  external: number;
  storedBatch: number;
  sequencedBatch: number;
}> {
  let text = '';
  try {
    text = await (await fetch(`${url}/metrics`)).text();
  } catch {
    // unreachable: NaN below
  }
  const metric = (name: string): number =>
    Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20;
  const value = (name: string): number =>
    Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN);
  const mean = (histogram: string): number =>
    value(`${histogram}_sum`) / value(`${histogram}_count`);
  return {
    heapUsed: metric('nodejs_heap_size_used_bytes'),
    heapTotal: metric('nodejs_heap_size_total_bytes'),
    external: metric('nodejs_external_memory_bytes'),
    storedBatch: mean('govx_ledger_stored_batch_size'),
    sequencedBatch: mean('govx_ledger_batch_size'),
  };
}

const ACTOR = 'dept/bench/gateway';
/** Payload of 256 bytes, as the issue states. */
const payload = (i: number): string => `${i}`.padEnd(256, '.');

function sign(
  count: number,
  key: ReturnType<ReturnType<typeof getSuite>['generateSigningKey']>,
  tag: string,
): Submission[] {
  return Array.from({ length: count }, (_, i) =>
    createSubmission(
      { type: 'bench', actor: ACTOR, idem: `${tag}-${i}`, body: { payload: payload(i) } },
      key,
    ),
  );
}

async function rawJetStream(
  nc: NatsConnection,
  count: number,
  bytes: number,
): Promise<Measurement> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'BENCH_RAW', subjects: ['bench.raw'], num_replicas: 3 });
  const js = jetstream(nc);
  const data = new Uint8Array(bytes).fill(46);
  const window = 256;
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i += window) {
    const n = Math.min(window, count - i);
    await Promise.all(Array.from({ length: n }, () => js.publish('bench.raw', data)));
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await jsm.streams.delete('BENCH_RAW');
  return {
    name: 'raw JetStream R3 publishes (pipelined, window 256)',
    ops: count,
    seconds,
    perSecond: count / seconds,
  };
}

async function submitAll(
  nc: NatsConnection,
  submissions: readonly Submission[],
  batch: number,
  clients: number,
): Promise<number> {
  let next = 0;
  let failed = 0;
  const worker = async (): Promise<void> => {
    while (next < submissions.length) {
      const chunk = submissions.slice(next, next + batch);
      next += batch;
      const reply = await nc.request(LedgerSubjects.SubmitBatch, JSON.stringify(chunk), {
        timeout: 120_000,
      });
      failed += reply.json<{ ok: boolean }[]>().filter((r) => !r.ok).length;
    }
  };
  await Promise.all(Array.from({ length: clients }, worker));
  return failed;
}

async function openLoop(
  nc: NatsConnection,
  submissions: readonly Submission[],
  rate: number,
): Promise<{ latencies: number[]; failed: number }> {
  const latencies: number[] = [];
  let failed = 0;
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < submissions.length; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const sent = performance.now();
    pending.push(
      nc.request(LedgerSubjects.Submit, JSON.stringify(submissions[i]), { timeout: 60_000 }).then(
        (m) => {
          if (m.json<{ ok: boolean }>().ok) latencies.push(performance.now() - sent);
          else failed++;
        },
        () => void failed++,
      ),
    );
  }
  await Promise.all(pending);
  return { latencies: latencies.sort((a, b) => a - b), failed };
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

export async function runAppendBench(o: AppendBenchOptions): Promise<AppendBenchResult> {
  const loadStart = loadavg()[0]!;
  const dir = mkdtempSync(join(tmpdir(), 'govx-bench-append-'));
  const prefix = `govx_bench_${process.pid}`;
  const key = getSuite('intl').generateSigningKey();
  o.log(`signing ${o.entries + o.rate * o.rateSeconds} submissions (not timed)…`);
  const bulk = sign(o.entries, key, `bulk-${process.pid}`);
  const paced = sign(o.rate * o.rateSeconds, key, `paced-${process.pid}`);
  const entryBytes = Buffer.byteLength(JSON.stringify(bulk[0])) + 130;
  const nats = await NatsCluster.start({ size: 3, dir: join(dir, 'nats') });
  let ledger: LocalLedgerCluster | null = null;
  try {
    const nc = await connectBus({ servers: nats.urls, name: 'bench' });
    o.log('raw JetStream R3 baseline…');
    const natsPids: (number | undefined)[] = [0, 1, 2].map((i) => nats.pid(i));
    const natsCpu = (): number => natsPids.reduce<number>((sum, pid) => sum + cpuSecondsOf(pid), 0);
    const natsRaw0 = natsCpu();
    const rawJs = await rawJetStream(
      nc,
      Math.max(20_000, Math.min(o.entries, 100_000)),
      entryBytes,
    );
    const natsServersPerRawPublishUs = ((natsCpu() - natsRaw0) * 1e6) / rawJs.ops;
    const message = new Uint8Array(Buffer.alloc(300, 'x'));
    const sig = key.sign(message);
    const rawVerify = measure('raw Ed25519 verifications, node:crypto, one core', 20_000, () => {
      for (let i = 0; i < 20_000; i++) key.publicKey.verify(message, sig);
    });
    const sodium = loadSodium();
    const rawVerifySodium = sodium
      ? measure('raw Ed25519 verifications, libsodium, one core', 40_000, () => {
          for (let i = 0; i < 40_000; i++)
            sodium.crypto_sign_verify_detached(sig, message, key.publicKey.raw);
        })
      : null;
    o.log('starting 3 ledger nodes…');
    ledger = await LocalLedgerCluster.start({
      dir: join(dir, 'ledger'),
      natsServers: nats.urls,
      postgresUrl: o.postgresUrl,
      databasePrefix: prefix,
      keys: [{ actor: ACTOR, publicKeyPem: key.publicKey.toPem() }],
      ...(o.nodeArgs ? { nodeArgs: o.nodeArgs } : {}),
    });
    o.log(`committing ${o.entries} entries (${o.clients} clients, batches of ${o.batch})…`);
    const backends = await postgresBackends(o.postgresUrl, prefix);
    const nodePids = ledger.nodes.map((n) => n.process?.pid);
    const cpuNow = (): { nodes: number[]; nats: number; pg: number; self: number } => {
      const usage = process.cpuUsage();
      return {
        nodes: nodePids.map((pid) => cpuSecondsOf(pid)),
        nats: natsCpu(),
        pg: backends.reduce<number>((sum, pid) => sum + cpuSecondsOf(pid), 0),
        self: (usage.user + usage.system) / 1e6,
      };
    };
    const cpu0 = cpuNow();
    const t0 = process.hrtime.bigint();
    const failedBulk = await submitAll(nc, bulk, o.batch, o.clients);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu1 = cpuNow();
    const perEntryUs = (a: number, b: number): number => ((b - a) * 1e6) / o.entries;
    const cpuPerEntryUs = {
      ledgerNodes: cpu1.nodes.map((c, i) => perEntryUs(cpu0.nodes[i]!, c)),
      natsServers: perEntryUs(cpu0.nats, cpu1.nats),
      postgres: perEntryUs(cpu0.pg, cpu1.pg),
      loadGenerator: perEntryUs(cpu0.self, cpu1.self),
    };
    if (failedBulk > 0) throw new Error(`${failedBulk} submissions failed`);
    const committed: Measurement = {
      name: 'committed entries (quorum-durable receipts)',
      ops: o.entries,
      seconds,
      perSecond: o.entries / seconds,
    };
    o.log(`open-loop latency at ${o.rate}/s for ${o.rateSeconds} s…`);
    const paced$ = await openLoop(nc, paced, o.rate);
    await nc.drain();
    const nodeMemoryMb = await Promise.all(
      ledger.nodes.map(async (n) => ({ ...residentMb(n.process?.pid), ...(await heapMb(n.url)) })),
    );
    // Intake verifies once, and the two other witnesses once more (the sequencing node's
    // own witness knows the bytes it placed: OwnPlacements). The ceiling uses the fastest raw
    // verification the nodes use (libsodium when it loads): a faster verifier raises it.
    const verificationsPerEntry = 3;
    const verifyRate = rawVerifySodium?.perSecond ?? rawVerify.perSecond;
    const cpuCeiling = (availableParallelism() * verifyRate) / verificationsPerEntry;
    const binding = cpuCeiling < rawJs.perSecond ? 'cpu' : 'jetstream';
    const ceiling = Math.min(cpuCeiling, rawJs.perSecond);
    return {
      payloadBytes: 256,
      rawJetStream: rawJs,
      natsServersPerRawPublishUs,
      rawVerify,
      rawVerifySodium,
      verificationsPerEntry,
      cpuCeiling,
      committed,
      ratio: committed.perSecond / ceiling,
      binding,
      latency: {
        rate: o.rate,
        sent: paced.length,
        p50Ms: percentile(paced$.latencies, 50),
        p99Ms: percentile(paced$.latencies, 99),
        failed: paced$.failed,
      },
      nodeMemoryMb,
      loadAverage: { start: loadStart, end: loadavg()[0]! },
      cpuPerEntryUs,
    };
  } finally {
    await ledger?.stop();
    await nats.stop();
    const admin = new pg.Client({ connectionString: `${o.postgresUrl}/postgres` });
    await admin.connect();
    for (let i = 1; i <= 3; i++)
      await admin.query(`DROP DATABASE IF EXISTS ${prefix}_${i} WITH (FORCE)`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printAppendBench(r: AppendBenchResult, log: (line: string) => void): void {
  const f = (n: number): string => Math.round(n).toLocaleString('en-US');
  log(`entries: signed Ed25519, ${r.payloadBytes} B payload`);
  log(`  ${r.rawJetStream.name.padEnd(56)} ${f(r.rawJetStream.perSecond).padStart(9)} /s`);
  log(`    nats-servers' CPU per raw publish: ${f(r.natsServersPerRawPublishUs)} µs`);
  log(`  ${r.rawVerify.name.padEnd(56)} ${f(r.rawVerify.perSecond).padStart(9)} /s`);
  if (r.rawVerifySodium)
    log(`  ${r.rawVerifySodium.name.padEnd(56)} ${f(r.rawVerifySodium.perSecond).padStart(9)} /s`);
  const verifyRate = r.rawVerifySodium?.perSecond ?? r.rawVerify.perSecond;
  log(
    `  CPU ceiling: ${availableParallelism()} cores × ${f(verifyRate)} ÷ ${r.verificationsPerEntry} verifications per entry = ${f(r.cpuCeiling)} /s`,
  );
  log(`  ${r.committed.name.padEnd(56)} ${f(r.committed.perSecond).padStart(9)} /s`);
  log(`  = ${r.ratio.toFixed(2)} of the lower ceiling (${r.binding} binds; target ≥ 0.7)`);
  log(
    `  ledger node resident memory after ${f(r.committed.ops + r.latency.sent)} entries: ${r.nodeMemoryMb.map((m) => `${m.rss.toFixed(0)} MB (peak ${m.peak.toFixed(0)}; V8 heap ${m.heapUsed.toFixed(0)} used of ${m.heapTotal.toFixed(0)}, external ${m.external.toFixed(0)})`).join(', ')} (target < 256 MB)`,
  );
  log(
    `  entries per witness transaction: ${r.nodeMemoryMb.map((m) => m.storedBatch.toFixed(1)).join(', ')}; per sequenced batch: ${r.nodeMemoryMb.map((m) => m.sequencedBatch.toFixed(1)).join(', ')}`,
  );
  log(
    `  ack latency at ${f(r.latency.rate)}/s (${f(r.latency.sent)} sent, ${r.latency.failed} failed): p50 ${r.latency.p50Ms.toFixed(1)} ms, p99 ${r.latency.p99Ms.toFixed(1)} ms (target p99 < 50 ms)`,
  );
  const c = r.cpuPerEntryUs;
  const total =
    c.ledgerNodes.reduce((a, b) => a + b, 0) + c.natsServers + c.postgres + c.loadGenerator;
  const ceiling = Math.min(r.cpuCeiling, r.rawJetStream.perSecond);
  log(
    `  budget at 0.7 of the lower ceiling (${f(0.7 * ceiling)} /s): ${f((availableParallelism() * 1e6) / (0.7 * ceiling))} µs of CPU per entry for everything; ${r.verificationsPerEntry} verifications alone take ${f((r.verificationsPerEntry * 1e6) / verifyRate)} µs`,
  );
  log(
    `  CPU per committed entry: ledger nodes ${c.ledgerNodes.map((u) => `${f(u)}`).join(' + ')} µs, nats-servers ${f(c.natsServers)} µs, PostgreSQL ${f(c.postgres)} µs, load generator ${f(c.loadGenerator)} µs = ${f(total)} µs → ${f((availableParallelism() * 1e6) / total)} entries/s if these ${availableParallelism()} cores ran nothing else`,
  );
  // Both sides slow down alike when other jobs share the cores, so this ratio is what to
  // compare between runs: 0.7 of the CPU ceiling needs it at most 1 / 0.7.
  const verifications = (r.verificationsPerEntry * 1e6) / verifyRate;
  log(
    `  in units of the ${r.verificationsPerEntry} raw verifications of this run: all of it ${(total / verifications).toFixed(2)}, nats-servers ${(c.natsServers / verifications).toFixed(2)} (raw publish ${(r.natsServersPerRawPublishUs / verifications).toFixed(2)}); 0.7 of the CPU ceiling needs all of it ≤ ${(1 / 0.7).toFixed(2)}`,
  );
  log(
    `  load average (1 min): ${r.loadAverage.start.toFixed(2)} at the start, ${r.loadAverage.end.toFixed(2)} at the end`,
  );
}
