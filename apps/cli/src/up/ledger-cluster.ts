// A local cluster of ledger nodes as separate processes, each with its own PostgreSQL
// database, on a given NATS cluster: what `govx up` runs and what the tests exercise.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getSuite, importSigningPrivateKey } from '@govx/crypto';
import { verifierKeyString, type BootstrapKey } from '@govx/ledger-core';
import { freePort } from './free-port.js';
import { startServiceProcess, stopServiceProcess } from './service-process.js';
import { writeSecretFile } from './secret-file.js';

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
  /** Address the HTTP API listens on; default 127.0.0.1. */
  readonly httpHost?: string;
  /** URL of node `id` for the other services; default http://127.0.0.1:<port>. */
  readonly nodeUrl?: (id: string, port: number) => string;
  /** A file under dir as the node process sees it (e.g. inside a container); default as is. */
  readonly seenAs?: (file: string) => string;
}

/** A node's written config, before it runs. */
export interface LedgerNodePlan {
  readonly id: string;
  /** Config file on this machine. */
  readonly configPath: string;
  /** Checkpoint key file on this machine. */
  readonly keyFile: string;
  /** Where the other services reach it. */
  readonly url: string;
  /** The HTTP port it listens on. */
  readonly port: number;
  readonly database: string;
}

export interface LocalLedgerNode extends LedgerNodePlan {
  process: ChildProcess | null;
}

const DEFAULT_OPERATORS = [
  'dept/public-security',
  'dept/natural-resources',
  'dept/taxation',
  'dept/human-resources',
  'dept/ndrc',
];

/**
 * Writes each node's config (`<dir>/ledger-<i>.json`) and checkpoint key (`<dir>/ledger-<i>.key.pem`,
 * 0600, kept when present: started again on the same dir, the ledger keeps its identities and
 * its cosigned checkpoints stay verifiable). Starts nothing.
 */
export async function writeLedgerConfigs(options: LocalLedgerOptions): Promise<LedgerNodePlan[]> {
  const count = options.nodes ?? 3;
  const operators = options.operators ?? DEFAULT_OPERATORS;
  const seenAs = options.seenAs ?? ((file: string): string => file);
  mkdirSync(options.dir, { recursive: true });
  const identities = Array.from({ length: count }, (_, i) => {
    const keyFile = join(options.dir, `ledger-${i + 1}.key.pem`);
    if (!existsSync(keyFile))
      writeSecretFile(keyFile, getSuite('intl').generateSigningKey().toPem());
    const key = importSigningPrivateKey(readFileSync(keyFile, 'utf8'));
    const noteName = `ledger-${i + 1}.govx.local`;
    return {
      id: `ledger-${i + 1}`,
      operator: operators[i % operators.length]!,
      noteName,
      keyFile,
      vkey: verifierKeyString(noteName, key.publicKey),
    };
  });
  const nodes: LedgerNodePlan[] = [];
  for (const [i, me] of identities.entries()) {
    const port = options.httpPorts?.[i] ?? (await freePort());
    const database = `${options.databasePrefix}_${i + 1}`;
    const config = {
      node: {
        id: me.id,
        operator: me.operator,
        noteName: me.noteName,
        keyFile: seenAs(me.keyFile),
      },
      origin: options.origin ?? 'govx.local/ledger',
      nats: {
        servers: options.natsServers,
        replicas: options.replicas ?? 3,
        ...options.natsCredentials?.(me.id),
      },
      database: { url: `${options.postgresUrl}/${database}`, createDatabase: true },
      http: { host: options.httpHost ?? '127.0.0.1', port },
      cluster: {
        quorum: options.quorum ?? 2,
        sequencers: options.sequencers ?? 'preferred',
        nodes: identities.map((n) => ({ id: n.id, operator: n.operator, vkey: n.vkey })),
      },
      keys: options.keys,
      checkpoint: options.checkpoint ?? { everyEntries: 1000, everyMs: 1000 },
    };
    const configPath = join(options.dir, `${me.id}.json`);
    // 0600: the config holds the node's NATS password and the database URL.
    writeSecretFile(configPath, JSON.stringify(config, null, 2));
    nodes.push({
      id: me.id,
      configPath,
      keyFile: me.keyFile,
      url: options.nodeUrl?.(me.id, port) ?? `http://127.0.0.1:${port}`,
      port,
      database,
    });
  }
  return nodes;
}

export class LocalLedgerCluster {
  private constructor(
    readonly nodes: LocalLedgerNode[],
    private readonly options: Pick<LocalLedgerOptions, 'dir' | 'nodeArgs' | 'inheritOutput'>,
  ) {}

  /** Writes the nodes' configs and keys (writeLedgerConfigs), starts them, waits for a sequencer. */
  static async start(options: LocalLedgerOptions): Promise<LocalLedgerCluster> {
    return LocalLedgerCluster.launch(await writeLedgerConfigs(options), options);
  }

  /** Starts nodes whose configs are written already, waits until one takes submissions. */
  static async launch(
    nodes: readonly LedgerNodePlan[],
    options: Pick<LocalLedgerOptions, 'dir' | 'nodeArgs' | 'inheritOutput'>,
  ): Promise<LocalLedgerCluster> {
    const cluster = new LocalLedgerCluster(
      nodes.map((n) => ({ ...n, process: null })),
      options,
    );
    try {
      await Promise.all(cluster.nodes.map((_, i) => cluster.startNode(i)));
      await cluster.waitForSequencer();
    } catch (e) {
      await cluster.stop();
      throw e;
    }
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
