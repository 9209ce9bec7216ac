// A local cluster of ledger nodes as separate processes, each with its own PostgreSQL
// database, on a given NATS cluster: what `govx up` runs and what the tests exercise.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getSuite, importSigningPrivateKey } from '@govx/crypto';
import { verifierKeyString, type BootstrapKey } from '@govx/ledger-core';
import { freePort } from './free-port.js';
import { startServiceProcess, stopServiceProcess } from './service-process.js';

/**
 * V8 heap cap of every ledger node process: the live heap stays near 40-50 MB; without a cap
 * V8 keeps hundreds of MB of room for garbage (docs/performance.md, resident memory).
 */
export const LEDGER_NODE_HEAP = '--max-old-space-size=160';

const LEDGER_MAIN = fileURLToPath(new URL('../../../ledger/dist/main.js', import.meta.url));

export interface LocalLedgerOptions {
  readonly dir: string;
  readonly natsServers: readonly string[];
  /** Server URL without database, e.g. postgres://postgres@127.0.0.1:5432 */
  readonly postgresUrl: string;
  /** Databases are `${databasePrefix}_${i}`. */
  readonly databasePrefix: string;
  readonly nodes?: number;
  readonly quorum?: number;
  readonly replicas?: number;
  readonly origin?: string;
  /** Entry signers the ledger accepts (until the key registry of issue #5). */
  readonly keys: readonly BootstrapKey[];
  readonly checkpoint?: { readonly everyEntries: number; readonly everyMs: number };
  readonly operators?: readonly string[];
  /** See the ledger node's /cluster/sequencers; default 'preferred'. */
  readonly sequencers?: 'preferred' | 'all';
  /** Extra Node.js flags for each node process (e.g. --cpu-prof for profiling). */
  readonly nodeArgs?: readonly string[];
  /** Where each node's log goes; default: a file per node in dir. */
  readonly inheritOutput?: boolean;
  /** HTTP port of each node; default: free ports. */
  readonly httpPorts?: readonly number[];
  /** NATS user and password of node `id` (e.g. `ledger-1`), when the servers require them. */
  readonly natsCredentials?: (id: string) => { readonly user: string; readonly pass: string };
}

export interface LocalLedgerNode {
  readonly id: string;
  readonly configPath: string;
  readonly url: string;
  readonly database: string;
  process: ChildProcess | null;
}

const DEFAULT_OPERATORS = [
  'dept/public-security',
  'dept/natural-resources',
  'dept/taxation',
  'dept/human-resources',
  'dept/ndrc',
];

export class LocalLedgerCluster {
  private constructor(
    readonly nodes: LocalLedgerNode[],
    private readonly options: LocalLedgerOptions,
  ) {}

  static async start(options: LocalLedgerOptions): Promise<LocalLedgerCluster> {
    const count = options.nodes ?? 3;
    const operators = options.operators ?? DEFAULT_OPERATORS;
    mkdirSync(options.dir, { recursive: true });
    // A node's checkpoint key is kept in dir: started again on the same dir, the ledger keeps
    // its identities (and its cosigned checkpoints stay verifiable).
    const identities = Array.from({ length: count }, (_, i) => {
      const keyFile = join(options.dir, `ledger-${i + 1}.key.pem`);
      const key = existsSync(keyFile)
        ? importSigningPrivateKey(readFileSync(keyFile, 'utf8'))
        : getSuite('intl').generateSigningKey();
      const noteName = `ledger-${i + 1}.govx.local`;
      return {
        id: `ledger-${i + 1}`,
        operator: operators[i % operators.length]!,
        noteName,
        key,
        vkey: verifierKeyString(noteName, key.publicKey),
      };
    });
    const nodes: LocalLedgerNode[] = [];
    for (const [i, me] of identities.entries()) {
      const keyFile = join(options.dir, `${me.id}.key.pem`);
      if (!existsSync(keyFile)) writeFileSync(keyFile, me.key.toPem(), { mode: 0o600 });
      const port = options.httpPorts?.[i] ?? (await freePort());
      const database = `${options.databasePrefix}_${i + 1}`;
      const config = {
        node: { id: me.id, operator: me.operator, noteName: me.noteName, keyFile },
        origin: options.origin ?? 'govx.local/ledger',
        nats: {
          servers: options.natsServers,
          replicas: options.replicas ?? 3,
          ...options.natsCredentials?.(me.id),
        },
        database: { url: `${options.postgresUrl}/${database}`, createDatabase: true },
        http: { host: '127.0.0.1', port },
        cluster: {
          quorum: options.quorum ?? 2,
          sequencers: options.sequencers ?? 'preferred',
          nodes: identities.map((n) => ({ id: n.id, operator: n.operator, vkey: n.vkey })),
        },
        keys: options.keys,
        checkpoint: options.checkpoint ?? { everyEntries: 1000, everyMs: 1000 },
      };
      const configPath = join(options.dir, `${me.id}.json`);
      writeFileSync(configPath, JSON.stringify(config, null, 2));
      nodes.push({
        id: me.id,
        configPath,
        url: `http://127.0.0.1:${port}`,
        database,
        process: null,
      });
    }
    const cluster = new LocalLedgerCluster(nodes, options);
    await Promise.all(nodes.map((_, i) => cluster.startNode(i)));
    await cluster.waitForSequencer();
    return cluster;
  }

  /** Starts node i (again) and waits until its /health answers. */
  async startNode(i: number): Promise<void> {
    const node = this.nodes[i]!;
    node.process = await startServiceProcess({
      name: node.id,
      main: LEDGER_MAIN,
      args: ['--config', node.configPath],
      nodeArgs: [LEDGER_NODE_HEAP, ...(this.options.nodeArgs ?? [])],
      log: this.options.inheritOutput ? 'inherit' : join(this.options.dir, `${node.id}.log`),
      healthUrl: `${node.url}/health`,
    });
  }

  /** Waits until some node takes submissions (after start or a failover). */
  async waitForSequencer(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const node of this.nodes) {
        if (!node.process) continue;
        try {
          const health = (await (await fetch(`${node.url}/health`)).json()) as {
            sequencing?: boolean;
          };
          if (health.sequencing) return;
        } catch {
          // not answering
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no ledger node took submissions within ${timeoutMs} ms`);
  }

  /** Stops node i by PID (SIGKILL by default: a crash) and waits for it to exit. */
  async stopNode(i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await stopServiceProcess(this.nodes[i]!.process, signal);
    this.nodes[i]!.process = null;
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((_, i) => this.stopNode(i, 'SIGTERM')));
  }
}
