// `govx up`: the whole platform on one machine, its state under one directory, written by
// `govx init --hosts local` (deployment.ts) and started here:
//   <dir>/nats/      3 nats-server processes (JetStream R3), configs, stores, logs
//   <dir>/postgres/  the embedded PostgreSQL (unless DATABASE_URL names a server)
//   <dir>/ledger/    3 ledger nodes: configs, checkpoint keys (0600), logs
//   <dir>/keys/      the platform's keys and secrets (0600)
// then the one-shot step (`govx bootstrap`, bootstrap.ts), governance and the gateways.
// Started again on the same directory, it resumes: same keys, same log.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NatsUser } from '@govx/access';
import { connectBus, NatsCluster, type NatsConnection } from '@govx/bus';
import { loadBootstrapConfig, runBootstrap } from './bootstrap.js';
import { DEPARTMENT_MAIN, type DepartmentPlan } from './departments.js';
import {
  DEPARTMENTS,
  findNatsUser,
  initDeployment,
  PORTS,
  Topology,
  type Deployment,
  type DeploymentManifest,
  type PlatformIdentities,
} from './deployment.js';
import { startDatabase, type Database } from './embedded-database.js';
import { readEnvFile } from './env-file.js';
import { assertPortsFree } from './free-port.js';
import { LocalLedgerCluster } from './ledger-cluster.js';
import { startServiceProcess, stopServiceProcess } from './service-process.js';

export { DEPARTMENTS, PORTS, type PlatformIdentities } from './deployment.js';

const GOVERNANCE_MAIN = fileURLToPath(new URL('../../../governance/dist/main.js', import.meta.url));

/** How long `govx up` lets the one-shot step wait for a ledger node that takes submissions. */
const BOOTSTRAP_WAIT_MS = 30_000;

/** The NATS cluster of a local deployment (D, its manifest), on its ports, with its users. */
export function startLocalNats(dir: string, m: DeploymentManifest): Promise<NatsCluster> {
  if (m.topology !== Topology.Local || m.basePort === null)
    throw new RangeError(`the deployment in ${dir} is not a local one`);
  // The readiness probe connects as ledger-1, with the credentials of its config.
  const node = JSON.parse(readFileSync(join(dir, m.ledger[0]!.config), 'utf8')) as {
    nats: { user: string; pass: string };
  };
  return NatsCluster.start({
    size: m.nats.servers.length,
    dir: join(dir, 'nats'),
    basePort: m.basePort + PORTS.nats,
    users: readFileSync(join(dir, m.nats.authorization), 'utf8'),
    probe: { user: node.nats.user, pass: node.nats.pass },
  });
}

/** The ledger nodes of a local deployment, from the configs init wrote. */
export function startLocalLedger(dir: string, m: DeploymentManifest): Promise<LocalLedgerCluster> {
  return LocalLedgerCluster.launch(
    m.ledger.map((n) => ({
      id: n.id,
      configPath: join(dir, n.config),
      keyFile: join(dir, n.keyFile),
      url: n.url,
      port: n.port,
      database: n.database,
    })),
    { dir: join(dir, 'ledger') },
  );
}

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
  Nats: 'NATS cluster (3 servers, JetStream R3, a user per service and department)',
  Ledger: 'ledger nodes (3)',
  Keys: 'keys registered on the ledger',
  Governance: 'governance (catalogue, policies, officers, console)',
  Departments: 'department gateways (4, with demo data)',
} as const;
export type PlatformStep = (typeof PlatformSteps)[keyof typeof PlatformSteps];

export interface PlatformService {
  readonly name: string;
  readonly url: string;
  readonly what: string;
}

export class Platform {
  private database: Database | null = null;
  private nats: NatsCluster | null = null;
  private ledger: LocalLedgerCluster | null = null;
  private governance: ChildProcess | null = null;
  private gateways: ChildProcess[] = [];
  departments: DepartmentPlan[] = [];
  /** Seeded people's accounts and their passwords (also in <dir>/keys/accounts.json). */
  accounts: { readonly name: string; readonly roles: string; readonly password: string }[] = [];
  private stopping: Promise<void> | null = null;
  private users: NatsUser[] = [];
  identities: PlatformIdentities | null = null;
  private deployment: Deployment | null = null;

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
    await assertPortsFree(this.plannedPorts());
    const d = (this.deployment = await initDeployment({
      dir,
      topology: Topology.Local,
      basePort,
      ...(this.options.databaseUrl ? { databaseUrl: this.options.databaseUrl } : {}),
    }));
    this.identities = d.identities;
    this.users = [...d.natsUsers];
    this.departments = [...d.departments];
    this.database = await this.step(PlatformSteps.Database, () =>
      startDatabase({
        databaseUrl: this.options.databaseUrl,
        dir: join(dir, 'postgres'),
        port: basePort + PORTS.postgres,
      }),
    );
    this.nats = await this.step(PlatformSteps.Nats, () => startLocalNats(d.dir, d.manifest));
    this.ledger = await this.step(PlatformSteps.Ledger, () => startLocalLedger(d.dir, d.manifest));
    await this.step(PlatformSteps.Keys, () =>
      runBootstrap(loadBootstrapConfig(dir), { waitMs: BOOTSTRAP_WAIT_MS }),
    );
    this.accounts = d.accounts.map((p) => ({
      name: p.name,
      roles: p.roles.join(','),
      password: p.password,
    }));
    await this.step(PlatformSteps.Governance, () => this.startGovernance());
    await this.step(PlatformSteps.Departments, async () => {
      this.gateways = await Promise.all(
        this.departments.map((g) =>
          startServiceProcess({
            name: `gateway ${g.department}`,
            main: DEPARTMENT_MAIN,
            args: ['--config', g.configPath],
            log: join(dir, `department-${g.department}.log`),
            healthUrl: `${g.url}/health`,
            readyTimeoutMs: 180_000,
          }),
        ),
      );
    });
  }

  get governanceUrl(): string {
    return `http://127.0.0.1:${this.options.basePort + PORTS.governance}`;
  }

  /** Starts the governance process with the settings init wrote (its NATS user, database, keys). */
  private async startGovernance(): Promise<void> {
    const d = this.deployment!;
    this.governance = await startServiceProcess({
      name: 'governance',
      main: GOVERNANCE_MAIN,
      args: [],
      log: join(this.options.dir, 'governance.log'),
      healthUrl: `${this.governanceUrl}/health`,
      env: readEnvFile(join(d.dir, d.manifest.governance.env)),
    });
  }

  /** Every port the platform listens on, from the base port (checked before starting). */
  private plannedPorts(): { port: number; what: string }[] {
    const base = this.options.basePort;
    const three = (offset: number, what: string): { port: number; what: string }[] =>
      [0, 1, 2].map((i) => ({ port: base + offset + i, what: `${what} ${i + 1}` }));
    return [
      ...three(PORTS.nats, 'NATS client, server'),
      ...three(PORTS.nats + 100, 'NATS cluster routes, server'),
      ...three(PORTS.nats + 200, 'NATS monitoring, server'),
      ...(this.options.databaseUrl ? [] : [{ port: base + PORTS.postgres, what: 'PostgreSQL' }]),
      ...three(PORTS.ledgerHttp, 'ledger node'),
      { port: base + PORTS.governance, what: 'governance' },
      ...DEPARTMENTS.map((d, i) => ({ port: base + PORTS.departments + i, what: `gateway ${d}` })),
    ];
  }

  /** The generated NATS user of a ledger node, department, service or auditor. */
  natsUser(kind: NatsUser['kind'], name: string): NatsUser {
    return findNatsUser(this.users, kind, name);
  }

  /** A connection to the platform's NATS cluster as one of its users. */
  connect(kind: NatsUser['kind'], name: string): Promise<NatsConnection> {
    const u = this.natsUser(kind, name);
    return connectBus({
      servers: this.natsUrls,
      name: `govx-${u.user}`,
      user: u.user,
      pass: u.password,
      inboxPrefix: u.inboxPrefix,
    });
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
    if (this.governance)
      out.push({
        name: 'governance',
        url: this.governanceUrl,
        what: 'officer API /governance, console /console/, OpenAPI /docs',
      });
    for (const d of this.gateways.length ? this.departments : [])
      out.push({
        name: d.department,
        url: d.url,
        what: 'department gateway: /catalogue /requests /docs',
      });
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
      await Promise.all(this.gateways.map((g) => stopServiceProcess(g)));
      await stopServiceProcess(this.governance);
      await this.ledger?.stop();
      await this.nats?.stop({ keepDir: true });
      await this.database?.stop();
    })();
    return this.stopping;
  }
}
