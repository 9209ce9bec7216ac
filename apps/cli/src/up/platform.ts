// `govx up`: the whole platform on one machine, its state under one directory.
//   <dir>/nats/      3 nats-server processes (JetStream R3), configs, stores, logs
//   <dir>/postgres/  the embedded PostgreSQL (unless DATABASE_URL names a server)
//   <dir>/ledger/    3 ledger nodes: configs, checkpoint keys (0600), logs
//   <dir>/keys/      the platform's bootstrap keys (0600)
// Started again on the same directory, it resumes: same keys, same log.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NatsCluster } from '@govx/bus';
import { getSuite, importSigningPrivateKey, type SigningPrivateKey } from '@govx/crypto';
import { startDatabase, type Database } from './embedded-database.js';
import { LocalLedgerCluster } from './ledger-cluster.js';

export interface PlatformOptions {
  readonly dir: string;
  /** Ports are basePort + fixed offsets (see PORTS); default 14000. */
  readonly basePort: number;
  /** A PostgreSQL server for every database; else an embedded one. */
  readonly databaseUrl: string | undefined;
  /** Told each step as it starts and ends. */
  readonly onStep?: (step: PlatformStep, state: 'start' | 'done') => void;
}

export const PlatformSteps = {
  Database: 'PostgreSQL',
  Nats: 'NATS cluster (3 servers, JetStream R3)',
  Ledger: 'ledger nodes (3)',
} as const;
export type PlatformStep = (typeof PlatformSteps)[keyof typeof PlatformSteps];

/** Offsets from the base port. NATS uses client +222.., cluster +322.., monitoring +422... */
export const PORTS = { nats: 222, postgres: 532, ledgerHttp: 81 } as const;

export interface PlatformService {
  readonly name: string;
  readonly url: string;
  readonly what: string;
}

/** The platform's bootstrap admin: the first key the ledger trusts (registers the others). */
export const BOOTSTRAP_ADMIN = 'gov/admin/bootstrap';

export class Platform {
  private database: Database | null = null;
  private nats: NatsCluster | null = null;
  private ledger: LocalLedgerCluster | null = null;
  private stopping: Promise<void> | null = null;

  private constructor(private readonly options: PlatformOptions) {}

  /** Starts everything in order; on a failure, stops what started and rethrows. */
  static async start(options: PlatformOptions): Promise<Platform> {
    const platform = new Platform(options);
    try {
      await platform.startAll();
    } catch (e) {
      await platform.stop();
      throw e;
    }
    return platform;
  }

  private async step<T>(step: PlatformStep, run: () => Promise<T>): Promise<T> {
    this.options.onStep?.(step, 'start');
    const result = await run();
    this.options.onStep?.(step, 'done');
    return result;
  }

  private async startAll(): Promise<void> {
    const { dir, basePort } = this.options;
    // Traversable (the embedded PostgreSQL runs as another user); keys/ stays 0700.
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    const admin = bootstrapKey(join(dir, 'keys'), 'bootstrap-admin');
    this.database = await this.step(PlatformSteps.Database, () =>
      startDatabase({
        databaseUrl: this.options.databaseUrl,
        dir: join(dir, 'postgres'),
        port: basePort + PORTS.postgres,
      }),
    );
    this.nats = await this.step(PlatformSteps.Nats, () =>
      NatsCluster.start({ size: 3, dir: join(dir, 'nats'), basePort: basePort + PORTS.nats }),
    );
    const nats = this.nats;
    const database = this.database;
    this.ledger = await this.step(PlatformSteps.Ledger, () =>
      LocalLedgerCluster.start({
        dir: join(dir, 'ledger'),
        natsServers: nats.urls,
        postgresUrl: database.url,
        databasePrefix: 'govx_ledger',
        keys: [{ actor: BOOTSTRAP_ADMIN, publicKeyPem: admin.publicKey.toPem() }],
        httpPorts: [0, 1, 2].map((i) => basePort + PORTS.ledgerHttp + i),
      }),
    );
  }

  /** What runs where, for the table `govx up` prints. */
  services(): PlatformService[] {
    const out: PlatformService[] = [];
    if (this.database)
      out.push({
        name: 'postgres',
        url: this.database.url.replace(/:[^:@/]*@/, ':***@'),
        what: this.database.embedded
          ? `embedded PostgreSQL, data in ${this.database.dataDir}`
          : 'PostgreSQL (DATABASE_URL)',
      });
    for (const [i, url] of (this.nats?.urls ?? []).entries())
      out.push({ name: `nats-${i + 1}`, url, what: 'NATS + JetStream' });
    for (const node of this.ledger?.nodes ?? [])
      out.push({
        name: node.id,
        url: node.url,
        what: 'ledger node: /entries /proofs /checkpoints /health /metrics /docs',
      });
    return out;
  }

  get natsUrls(): readonly string[] {
    return this.nats?.urls ?? [];
  }

  get ledgerUrls(): readonly string[] {
    return this.ledger?.nodes.map((n) => n.url) ?? [];
  }

  /** Stops everything, newest first. Idempotent; safe to call while starting failed. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.ledger?.stop();
      await this.nats?.stop({ keepDir: true });
      await this.database?.stop();
    })();
    return this.stopping;
  }
}

/** The key in `<dir>/<name>.key.pem`, created (0600) on the first start. */
export function bootstrapKey(dir: string, name: string): SigningPrivateKey {
  // Traversable (the embedded PostgreSQL runs as another user); keys/ stays 0700.
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const file = join(dir, `${name}.key.pem`);
  if (existsSync(file)) return importSigningPrivateKey(readFileSync(file, 'utf8'));
  const key = getSuite('intl').generateSigningKey();
  writeFileSync(file, key.toPem(), { mode: 0o600 });
  return key;
}
