// `govx bench exchange`: complete auto-approved exchanges per second through the whole govx
// path (request, approval, transfer of a 1 KB record, receipt: each an entry signed, verified
// and stored by a quorum of 3 ledger nodes on 3 NATS servers; two gateways and a policy engine
// following the log), against, in the same run, (a) the same flow with the same crypto over
// plain NATS request/reply without a ledger, and (b) the CPU ceiling from the raw cost of the
// crypto one exchange needs. Then the end-to-end latency of an open-loop run at a fixed rate.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  connectBus,
  LedgerClient,
  NatsCluster,
  SubmissionBatcher,
  type FollowedEntry,
  type LedgerConsumer,
  type NatsConnection,
} from '@govx/bus';
import { getSuite, toHex, utf8, type SigningPrivateKey } from '@govx/crypto';
import {
  Gateway,
  openPayload,
  openSubject,
  PayloadStore,
  sealPayload,
  sealSubject,
  type CatalogueEntry,
  type DataSource,
  type Payload,
} from '@govx/gateway';
import {
  createSubmission,
  RFC9162_SHA256,
  signedMessage,
  verifySubmissionSignatureFast,
} from '@govx/ledger-core';
import pg from 'pg';
import { LocalLedgerCluster } from '../up/ledger-cluster.js';
import { collectGarbage, cpuSecondsOf, postgresBackends, type Measurement } from './measure.js';

export interface ExchangeBenchOptions {
  readonly exchanges: number;
  readonly concurrency: number;
  readonly rate: number;
  readonly rateSeconds: number;
  readonly postgresUrl: string;
  readonly log: (line: string) => void;
}

/** CPU time per exchange (µs), by process, from /proc over the throughput run. */
export interface CpuPerExchange {
  /** The bench process: both gateways, the policy engine, the load generator. */
  readonly gatewaysAndEngine: number;
  readonly ledgerNodes: readonly number[];
  readonly natsServers: number;
  readonly postgres: number;
  readonly total: number;
}

export interface ExchangeBenchResult {
  readonly recordBytes: number;
  readonly govx: Measurement;
  readonly plain: Measurement;
  readonly govxCpu: CpuPerExchange;
  /** The plain flow's CPU per exchange: its process and the NATS servers. */
  readonly plainCpu: { readonly process: number; readonly natsServers: number };
  /** The payload store alone, one transfer's worth (put, then get), 64 at a time: µs of CPU. */
  readonly payloadStoreCpu: { readonly process: number; readonly natsServers: number };
  /** Raw crypto of one exchange on one core, by part, and the ceiling over all cores. */
  readonly cryptoParts: Readonly<Record<string, number>>;
  readonly cryptoPerExchangeUs: number;
  readonly cpuCeiling: number;
  readonly cores: number;
  readonly ratioToCeiling: number;
  /**
   * Raw crypto CPU ÷ all CPU per exchange: the ratio to the ceiling govx reaches when it has
   * the cores to itself and is CPU-bound (the wall-clock ratio is noisy on a shared machine).
   */
  readonly cpuRatioToCeiling: number;
  /** cores ÷ all CPU per exchange: the exchanges/s the cores sustain if govx runs alone. */
  readonly cpuBoundRate: number;
  readonly ratioToPlain: number;
  readonly latency: { rate: number; sent: number; completed: number; p50Ms: number; p99Ms: number };
}

const SUITE = getSuite('intl');
const FIELDS = Array.from({ length: 16 }, (_, i) => `f${i}`);
const RECORD = Object.fromEntries(FIELDS.map((f, i) => [f, `${i}`.padEnd(56, 'x')]));
const DATASET: CatalogueEntry = {
  datasetId: 'bench.record',
  version: 1,
  department: 'provider',
  name: 'bench record',
  description: 'a 1 KB record',
  category: 'unconditional',
  mode: 'transfer',
  frequency: 'realtime',
  subjectField: 'f0',
  fields: FIELDS.map((name) => ({
    name,
    type: 'string',
    grade: 'general',
    classification: 'public',
    description: name,
  })),
};
const memorySource: DataSource = {
  read: async (_d, _s, fields) => Object.fromEntries(fields.map((f) => [f, RECORD[f]!])),
  close: async () => undefined,
};
const REQUEST = {
  purpose: 'bench',
  legalBasis: 'bench',
  scenario: 'bench',
  scope: 'bench',
  timeLimit: '2099-12-31',
  duty: 'bench',
};

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/**
 * The crypto one exchange needs, measured raw, by part (µs on one core), as the real path does
 * it: 4 entries signed (node:crypto, as the gateways and the engine); each entry's signature
 * verified 3 times (the sequencing node's intake, and the 2 other nodes' witnesses: a node's own
 * witness does not verify again), with the libsodium fast path the ledger nodes use; the subject
 * sealed and opened, the payload sealed and opened (with their commitments); the payload-store
 * wrap and unwrap under the data key; a leaf hash per entry on each of the 3 nodes. Gateways
 * following the log do not verify signatures (the ledger's and the auditor's business).
 */
function rawCrypto(n: number): { parts: Record<string, number>; total: number } {
  const key = SUITE.generateSigningKey();
  const enc = SUITE.generateEncryptionKey();
  const payload: Payload = {
    requestId: 'r',
    datasetId: 'd',
    record: RECORD,
    maskingProfile: null,
    purpose: 'p',
    useUntil: 'u',
  };
  const submission = createSubmission(
    { type: 'transfer', actor: 'dept/provider/gateway', idem: 'x', body: { x: 'x'.repeat(600) } },
    key,
  );
  const signed = signedMessage(submission);
  const entryBytes = utf8(JSON.stringify(submission));
  const dataKey = new Uint8Array(32).fill(7);
  const nonce = new Uint8Array(12).fill(1);
  const sealedOnce = sealPayload(SUITE, enc.publicKey, payload, 'p');
  // CPU time of this process (nothing else runs in it meanwhile), not wall time: on a shared
  // machine the wall clock counts other processes' turns too.
  const part = (name: string, perExchange: number, fn: () => void): [string, number] => {
    for (let i = 0; i < Math.min(50, n); i++) fn();
    collectGarbage();
    const before = process.cpuUsage();
    for (let i = 0; i < n; i++) for (let k = 0; k < perExchange; k++) fn();
    const used = process.cpuUsage(before);
    return [name, (used.user + used.system) / n];
  };
  const parts = Object.fromEntries([
    part('4 signatures', 4, () => key.sign(signed)),
    part('12 verifications (3 nodes × 4 entries)', 12, () => {
      if (!verifySubmissionSignatureFast(submission, key.publicKey, signed))
        throw new Error('bad signature');
    }),
    part('subject sealed and opened', 1, () =>
      openSubject(enc, 'r', sealSubject(SUITE, enc.publicKey, 'r', { subject: 's' })),
    ),
    part('payload sealed and opened, commitments', 1, () => {
      const sealed = sealPayload(SUITE, enc.publicKey, payload, 'p');
      openPayload(enc, sealed.sealed, {
        requestId: 'r',
        payloadId: 'p',
        ciphertextHash: sealed.ciphertextHash,
        commitment: sealed.commitment,
      });
    }),
    part('payload-store wrap and unwrap', 1, () => {
      const wrapped = SUITE.aeadEncrypt(dataKey, nonce, sealedOnce.sealed, nonce);
      SUITE.aeadDecrypt(dataKey, nonce, wrapped, nonce);
    }),
    part('12 leaf hashes (3 nodes × 4 entries)', 12, () => RFC9162_SHA256.hashLeaf(entryBytes)),
  ]);
  return { parts, total: Object.values(parts).reduce((a, b) => a + b, 0) };
}

/** The same flow with the same crypto over plain NATS request/reply: no ledger, no store. */
async function plainFlow(
  nc: NatsConnection,
  n: number,
  concurrency: number,
  cpu: () => { self: number; nats: number },
): Promise<{ measurement: Measurement; cpu: { process: number; natsServers: number } }> {
  const requester = { sign: SUITE.generateSigningKey(), enc: SUITE.generateEncryptionKey() };
  const provider = { sign: SUITE.generateSigningKey(), enc: SUITE.generateEncryptionKey() };
  const engine = SUITE.generateSigningKey();
  const signed = (key: SigningPrivateKey, type: string, body: object) =>
    createSubmission(
      { type, actor: 'bench/x', idem: `${type}-${Math.random()}`, body: body as never },
      key,
    );
  const verify = (key: SigningPrivateKey, s: ReturnType<typeof signed>): void => {
    if (!key.publicKey.verify(signedMessage(s), Buffer.from(s.sig, 'hex')))
      throw new Error('bad signature');
  };
  const sub = nc.subscribe('bench.plain.request');
  const receipts = nc.subscribe('bench.plain.receipt');
  void (async () => {
    for await (const m of sub) {
      const req = m.json<ReturnType<typeof signed>>();
      verify(requester.sign, req);
      const approval = signed(engine, 'decision.approve', { fields: FIELDS });
      verify(engine, approval);
      const subject = openSubject(provider.enc, String(req.body['requestId']), req.body as never);
      const record = await memorySource.read('d', subject.subject, FIELDS);
      const sealed = sealPayload(
        SUITE,
        requester.enc.publicKey,
        {
          requestId: String(req.body['requestId']),
          datasetId: 'd',
          record: record!,
          maskingProfile: null,
          purpose: 'bench',
          useUntil: 'u',
        },
        'p',
      );
      const transfer = signed(provider.sign, 'transfer', {
        ciphertextHash: sealed.ciphertextHash,
        commitment: sealed.commitment,
      });
      m.respond(
        JSON.stringify({ transfer, sealed: Buffer.from(sealed.sealed).toString('base64') }),
      );
    }
  })();
  void (async () => {
    for await (const m of receipts) {
      verify(requester.sign, m.json());
      m.respond('ok');
    }
  })();
  const one = async (i: number): Promise<void> => {
    const requestId = `plain-${i}`;
    const subject = sealSubject(SUITE, provider.enc.publicKey, requestId, { subject: `s${i}` });
    const req = signed(requester.sign, 'request', { requestId, ...subject });
    const reply = (
      await nc.request('bench.plain.request', JSON.stringify(req), { timeout: 30_000 })
    ).json<{ transfer: ReturnType<typeof signed>; sealed: string }>();
    verify(provider.sign, reply.transfer);
    const sealed = new Uint8Array(Buffer.from(reply.sealed, 'base64'));
    openPayload(requester.enc, sealed, {
      requestId,
      payloadId: 'p',
      ciphertextHash: String(reply.transfer.body['ciphertextHash']),
      commitment: String(reply.transfer.body['commitment']),
    });
    const receipt = signed(requester.sign, 'receipt', {
      ciphertextHash: String(reply.transfer.body['ciphertextHash']),
    });
    await nc.request('bench.plain.receipt', JSON.stringify(receipt), { timeout: 30_000 });
  };
  await runConcurrent(Math.min(200, n), concurrency, one);
  const cpu0 = cpu();
  const t0 = process.hrtime.bigint();
  await runConcurrent(n, concurrency, (i) => one(i + 1_000_000));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu1 = cpu();
  sub.unsubscribe();
  receipts.unsubscribe();
  return {
    measurement: {
      name: 'plain NATS request/reply, same crypto, no ledger',
      ops: n,
      seconds,
      perSecond: n / seconds,
    },
    cpu: {
      process: ((cpu1.self - cpu0.self) * 1e6) / n,
      natsServers: ((cpu1.nats - cpu0.nats) * 1e6) / n,
    },
  };
}

/** The payload store alone: n transfers' worth of put (provider) and get (requester), R3. */
async function payloadStoreAlone(
  providerNc: NatsConnection,
  requesterNc: NatsConnection,
  n: number,
  cpu: () => { self: number; nats: number },
): Promise<{ process: number; natsServers: number }> {
  const provider = await PayloadStore.open(providerNc, {
    department: 'store-provider',
    replicas: 3,
    suite: SUITE,
  });
  const requester = await PayloadStore.open(requesterNc, {
    department: 'store-requester',
    replicas: 3,
    suite: SUITE,
  });
  const sealed = sealPayload(
    SUITE,
    SUITE.generateEncryptionKey().publicKey,
    {
      requestId: 'r',
      datasetId: 'd',
      record: RECORD,
      maskingProfile: null,
      purpose: 'p',
      useUntil: 'u',
    },
    'p',
  ).sealed;
  const one = async (i: number): Promise<void> => {
    await provider.put('store-requester', `p${i}`, sealed, '2099-01-01T00:00:00.000Z');
    await requester.get('store-provider', `p${i}`);
  };
  await runConcurrent(Math.min(100, n), 64, (i) => one(i + 1_000_000));
  const cpu0 = cpu();
  await runConcurrent(n, 64, one);
  const cpu1 = cpu();
  return {
    process: ((cpu1.self - cpu0.self) * 1e6) / n,
    natsServers: ((cpu1.nats - cpu0.nats) * 1e6) / n,
  };
}

async function runConcurrent(
  n: number,
  concurrency: number,
  fn: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

export async function runExchangeBench(o: ExchangeBenchOptions): Promise<ExchangeBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'govx-bench-exchange-'));
  const prefix = `govx_bench_exchange_${process.pid}`;
  const keys = {
    requester: { signing: SUITE.generateSigningKey(), encryption: SUITE.generateEncryptionKey() },
    provider: { signing: SUITE.generateSigningKey(), encryption: SUITE.generateEncryptionKey() },
    engine: SUITE.generateSigningKey(),
  };
  const nats = await NatsCluster.start({ size: 3, dir: join(dir, 'nats') });
  let ledger: LocalLedgerCluster | null = null;
  const connections: NatsConnection[] = [];
  const gateways: Gateway[] = [];
  const connect = async (name: string): Promise<NatsConnection> => {
    const c = await connectBus({ servers: nats.urls, name });
    connections.push(c);
    return c;
  };
  try {
    o.log('raw crypto of one exchange…');
    const raw = rawCrypto(500);
    const cores = availableParallelism();
    const cryptoPerExchangeUs = raw.total;
    const cpuCeiling = (cores * 1e6) / cryptoPerExchangeUs;
    const natsCpu = (): number => [0, 1, 2].reduce((sum, i) => sum + cpuSecondsOf(nats.pid(i)), 0);
    const selfCpu = (): number => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1e6;
    };
    o.log('plain NATS request/reply flow…');
    const plainConnection = await connect('bench-plain');
    const plain = await plainFlow(plainConnection, o.exchanges, o.concurrency, () => ({
      self: selfCpu(),
      nats: natsCpu(),
    }));
    o.log('payload store alone…');
    const payloadStoreCpu = await payloadStoreAlone(
      await connect('bench-store-provider'),
      await connect('bench-store-requester'),
      Math.min(o.exchanges, 1000),
      () => ({ self: selfCpu(), nats: natsCpu() }),
    );
    o.log('starting 3 ledger nodes…');
    ledger = await LocalLedgerCluster.start({
      dir: join(dir, 'ledger'),
      natsServers: nats.urls,
      postgresUrl: o.postgresUrl,
      databasePrefix: prefix,
      keys: [
        { actor: 'dept/requester/gateway', publicKeyPem: keys.requester.signing.publicKey.toPem() },
        { actor: 'dept/provider/gateway', publicKeyPem: keys.provider.signing.publicKey.toPem() },
        { actor: 'gov/policy-engine', publicKeyPem: keys.engine.publicKey.toPem() },
      ],
    });
    const peerKeys = {
      requester: keys.requester.encryption.publicKey.toPem(),
      provider: keys.provider.encryption.publicKey.toPem(),
    };
    // The load generator learns of each receipt from the requester's own follower, right after
    // the gateway applied it (no polling).
    const receipts = new Map<string, () => void>();
    const notify = (): void => {
      for (const [id, resolve] of receipts) {
        if (gateways[0]?.index.exchanges.get(id)?.receipt) {
          receipts.delete(id);
          resolve();
        }
      }
    };
    class NotifyingLedgerClient extends LedgerClient {
      override follow(
        fromSeq: number,
        onEntry: (entry: FollowedEntry) => Promise<void>,
        onError?: (e: Error) => void,
      ): LedgerConsumer {
        return super.follow(
          fromSeq,
          async (e) => {
            await onEntry(e);
            if (e.entry.type === 'receipt') notify();
          },
          onError,
        );
      }
    }
    for (const d of ['requester', 'provider'] as const) {
      const c = await connect(`bench-${d}`);
      const g = new Gateway({
        department: d,
        suite: SUITE,
        keys: keys[d],
        ledger: d === 'requester' ? new NotifyingLedgerClient(c) : new LedgerClient(c),
        store: await PayloadStore.open(c, { department: d, replicas: 3, suite: SUITE }),
        dataSource: memorySource,
        catalogue: d === 'provider' ? [DATASET] : [],
        tipAtStart: async () => 0,
        peerKeys,
      });
      await g.start();
      gateways.push(g);
    }
    const [requester, provider] = gateways as [Gateway, Gateway];
    await provider.publishCatalogue();
    // The policy engine: approves every request, as an auto-approving policy would.
    const engineClient = new LedgerClient(await connect('bench-engine'));
    // Approvals due at about the same time go as one batch, as the gateways' submissions do.
    const engineSubmitter = new SubmissionBatcher(engineClient);
    const approving = new Set<Promise<unknown>>();
    const engine = engineClient.follow(0, async (e) => {
      if (e.entry.type !== 'request') return;
      while (approving.size >= 64) await Promise.race(approving);
      const p = engineSubmitter.submit(
        createSubmission(
          {
            type: 'decision.approve',
            actor: 'gov/policy-engine',
            idem: `approve/${e.leafHash}`,
            body: {
              request: { seq: e.seq, leaf: e.leafHash },
              fields: FIELDS,
              final: true,
              expires: '2099-01-01T00:00:00.000Z',
              policy: { id: 'bench', version: 1 },
              traceHash: toHex(SUITE.hash(utf8(e.leafHash))),
            },
          },
          keys.engine,
        ),
      );
      approving.add(p);
      void p.finally(() => approving.delete(p)).catch(() => undefined);
    });
    while (!requester.index.catalogue.has(DATASET.datasetId))
      await new Promise((r) => setTimeout(r, 50));
    const exchange = async (id: string): Promise<number> => {
      const t = process.hrtime.bigint();
      const received = new Promise<void>((resolve) => receipts.set(id, resolve));
      await requester.createRequest({
        requestId: id,
        provider: 'provider',
        datasetId: DATASET.datasetId,
        fields: FIELDS,
        subject: id,
        ...REQUEST,
      });
      notify();
      await received;
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    o.log(`govx: ${o.exchanges} exchanges, ${o.concurrency} at a time…`);
    await runConcurrent(
      Math.min(50, o.exchanges),
      o.concurrency,
      async (i) => void (await exchange(`warm-${process.pid}-${i}`)),
    );
    const backends = await postgresBackends(o.postgresUrl, prefix);
    const nodePids = ledger.nodes.map((n) => n.process?.pid);
    const cpuNow = () => ({
      self: selfCpu(),
      nodes: nodePids.map((pid) => cpuSecondsOf(pid)),
      nats: natsCpu(),
      pg: backends.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0),
    });
    const cpu0 = cpuNow();
    const t0 = process.hrtime.bigint();
    await runConcurrent(
      o.exchanges,
      o.concurrency,
      async (i) => void (await exchange(`x-${process.pid}-${i}`)),
    );
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu1 = cpuNow();
    const us = (a: number, b: number): number => ((b - a) * 1e6) / o.exchanges;
    const govxCpu: CpuPerExchange = {
      gatewaysAndEngine: us(cpu0.self, cpu1.self),
      ledgerNodes: cpu1.nodes.map((c, i) => us(cpu0.nodes[i]!, c)),
      natsServers: us(cpu0.nats, cpu1.nats),
      postgres: us(cpu0.pg, cpu1.pg),
      total:
        us(cpu0.self, cpu1.self) +
        cpu1.nodes.reduce((sum, c, i) => sum + us(cpu0.nodes[i]!, c), 0) +
        us(cpu0.nats, cpu1.nats) +
        us(cpu0.pg, cpu1.pg),
    };
    const govx: Measurement = {
      name: 'govx exchanges (4 entries each, quorum-stored)',
      ops: o.exchanges,
      seconds,
      perSecond: o.exchanges / seconds,
    };
    o.log(`open loop at ${o.rate}/s for ${o.rateSeconds} s…`);
    const latencies: number[] = [];
    const pending: Promise<void>[] = [];
    const total = o.rate * o.rateSeconds;
    const start = Date.now();
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / o.rate;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      pending.push(
        exchange(`paced-${process.pid}-${i}`).then(
          (ms) => void latencies.push(ms),
          () => undefined,
        ),
      );
    }
    await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, 120_000))]);
    latencies.sort((a, b) => a - b);
    await engine.stop();
    return {
      recordBytes: Buffer.byteLength(JSON.stringify(RECORD)),
      govx,
      plain: plain.measurement,
      govxCpu,
      plainCpu: plain.cpu,
      payloadStoreCpu,
      cryptoParts: raw.parts,
      cryptoPerExchangeUs,
      cpuCeiling,
      cores,
      ratioToCeiling: govx.perSecond / cpuCeiling,
      cpuRatioToCeiling: cryptoPerExchangeUs / govxCpu.total,
      cpuBoundRate: (cores * 1e6) / govxCpu.total,
      ratioToPlain: govx.perSecond / plain.measurement.perSecond,
      latency: {
        rate: o.rate,
        sent: total,
        completed: latencies.length,
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
      },
    };
  } finally {
    for (const g of gateways) await g.stop().catch(() => undefined);
    for (const c of connections) await c.close().catch(() => undefined);
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

export function printExchangeBench(r: ExchangeBenchResult, log: (line: string) => void): void {
  const rate = (x: number): string => x.toFixed(1).padStart(10);
  log(`record: ${r.recordBytes} bytes, intl suite, ${r.cores} cores`);
  log(`  ${r.govx.name.padEnd(52)} ${rate(r.govx.perSecond)} /s`);
  log(`  ${r.plain.name.padEnd(52)} ${rate(r.plain.perSecond)} /s`);
  log(
    `  ${'CPU ceiling from raw crypto'.padEnd(52)} ${rate(r.cpuCeiling)} /s  (${r.cryptoPerExchangeUs.toFixed(0)} µs of crypto per exchange)`,
  );
  for (const [name, us] of Object.entries(r.cryptoParts))
    log(`      ${name.padEnd(48)} ${us.toFixed(0).padStart(8)} µs`);
  log(`  govx / ceiling ${r.ratioToCeiling.toFixed(2)}, govx / plain ${r.ratioToPlain.toFixed(2)}`);
  const c = r.govxCpu;
  const ms = (x: number): string => (x / 1000).toFixed(2).padStart(7);
  log(`  CPU per govx exchange (ms), throughput run:`);
  log(`      gateways + engine + load (one process)   ${ms(c.gatewaysAndEngine)}`);
  c.ledgerNodes.forEach((n, i) =>
    log(`      ledger node ${i + 1}                            ${ms(n)}`),
  );
  log(`      NATS servers (3)                         ${ms(c.natsServers)}`);
  log(`      PostgreSQL backends                      ${ms(c.postgres)}`);
  log(
    `      total                                    ${ms(c.total)}  (${(c.total / r.cryptoPerExchangeUs).toFixed(1)}× the raw crypto)`,
  );
  log(
    `  by CPU time: ${r.cpuBoundRate.toFixed(1)} exchanges/s on ${r.cores} cores alone, ${r.cpuRatioToCeiling.toFixed(2)} of the ceiling`,
  );
  log(
    `  CPU per payload-store put + get alone (ms): process ${ms(r.payloadStoreCpu.process)}, NATS servers ${ms(r.payloadStoreCpu.natsServers)}`,
  );
  log(
    `  CPU per plain exchange (ms): process ${ms(r.plainCpu.process)}, NATS servers ${ms(r.plainCpu.natsServers)}`,
  );
  log(
    `  open loop ${r.latency.rate}/s: ${r.latency.completed}/${r.latency.sent} completed, p50 ${r.latency.p50Ms.toFixed(1)} ms, p99 ${r.latency.p99Ms.toFixed(1)} ms`,
  );
}
