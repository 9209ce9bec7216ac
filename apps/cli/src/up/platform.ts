// `govx up`: the whole platform on one machine, its state under one directory.
//   <dir>/nats/      3 nats-server processes (JetStream R3), configs, stores, logs
//   <dir>/postgres/  the embedded PostgreSQL (unless DATABASE_URL names a server)
//   <dir>/ledger/    3 ledger nodes: configs, checkpoint keys (0600), logs
//   <dir>/keys/      the platform's bootstrap keys (0600)
// Started again on the same directory, it resumes: same keys, same log.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AccountKind,
  natsAuthorizationConfig,
  natsUsers,
  type NatsUser,
  type NewAccount,
} from '@govx/access';
import { connectBus, LedgerClient, NatsCluster, type NatsConnection } from '@govx/bus';
import { getSuite } from '@govx/crypto';
import { PayloadStore } from '@govx/gateway';
import { createAccounts, generatePassword } from './accounts.js';
import { DEPARTMENT_MAIN, planDepartment, type DepartmentPlan } from './departments.js';
import { startDatabase, type Database } from './embedded-database.js';
import {
  BOOTSTRAP_ADMIN,
  identity,
  POLICY_ENGINE,
  registerKeys,
  type Identity,
} from './identities.js';
import { assertPortsFree } from './free-port.js';
import { LocalLedgerCluster } from './ledger-cluster.js';
import { startServiceProcess, stopServiceProcess } from './service-process.js';

const GOVERNANCE_MAIN = fileURLToPath(new URL('../../../governance/dist/main.js', import.meta.url));

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

/** Offsets from the base port. NATS uses client +222.., cluster +322.., monitoring +422... */
export const PORTS = {
  nats: 222,
  postgres: 532,
  ledgerHttp: 81,
  governance: 90,
  departments: 101,
} as const;

export interface PlatformService {
  readonly name: string;
  readonly url: string;
  readonly what: string;
}

/** The demo departments `govx up` runs, one gateway each. */
export const DEPARTMENTS = [
  'public-security',
  'natural-resources',
  'taxation',
  'social-security',
] as const;

const LEDGER_NODES = ['ledger-1', 'ledger-2', 'ledger-3'] as const;

/** Every actor of the platform, with its key under <dir>/keys. */
export interface PlatformIdentities {
  readonly admin: Identity;
  readonly engine: Identity;
  readonly auditor: Identity;
  readonly departments: Readonly<
    Record<
      string,
      { readonly gateway: Identity; readonly office: Identity; readonly officer: Identity }
    >
  >;
}

function platformIdentities(keys: string): PlatformIdentities {
  return {
    admin: identity(keys, BOOTSTRAP_ADMIN, ['admin']),
    engine: identity(keys, POLICY_ENGINE, ['policy-engine']),
    auditor: identity(keys, 'gov/auditor/auditor', ['auditor']),
    departments: Object.fromEntries(
      DEPARTMENTS.map((d) => [
        d,
        {
          gateway: identity(keys, `dept/${d}/gateway`, ['department-system'], d),
          office: identity(keys, `dept/${d}/office`, ['office-head'], d),
          officer: identity(keys, `dept/${d}/officer/duty`, ['officer'], d),
        },
      ]),
    ),
  };
}

/** NATS users, their passwords kept in <dir>/keys/nats-passwords.json (0600) across starts. */
function platformNatsUsers(keys: string): NatsUser[] {
  const file = join(keys, 'nats-passwords.json');
  const passwords = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)
    : {};
  const users = natsUsers({
    ledgerNodes: [...LEDGER_NODES],
    departments: [...DEPARTMENTS],
    services: [{ name: 'governance' }, { name: 'platform' }],
    auditors: ['auditor'],
    passwords,
  });
  writeFileSync(file, JSON.stringify(Object.fromEntries(users.map((u) => [u.user, u.password]))), {
    mode: 0o600,
  });
  return users;
}

export class Platform {
  private database: Database | null = null;
  private nats: NatsCluster | null = null;
  private ledger: LocalLedgerCluster | null = null;
  private nc: NatsConnection | null = null;
  private governance: ChildProcess | null = null;
  private gateways: ChildProcess[] = [];
  departments: DepartmentPlan[] = [];
  /** Seeded people's accounts and their passwords (also in <dir>/keys/accounts.json). */
  accounts: { readonly name: string; readonly roles: string; readonly password: string }[] = [];
  private stopping: Promise<void> | null = null;
  private users: NatsUser[] = [];
  identities: PlatformIdentities | null = null;

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
    await assertPortsFree(this.plannedPorts());
    const keys = join(dir, 'keys');
    const ids = (this.identities = platformIdentities(keys));
    this.users = platformNatsUsers(keys);
    const nodeUser = this.natsUser('ledger-node', 'ledger-1');
    this.database = await this.step(PlatformSteps.Database, () =>
      startDatabase({
        databaseUrl: this.options.databaseUrl,
        dir: join(dir, 'postgres'),
        port: basePort + PORTS.postgres,
      }),
    );
    this.nats = await this.step(PlatformSteps.Nats, () =>
      NatsCluster.start({
        size: 3,
        dir: join(dir, 'nats'),
        basePort: basePort + PORTS.nats,
        users: natsAuthorizationConfig(this.users),
        probe: { user: nodeUser.user, pass: nodeUser.password },
      }),
    );
    const nats = this.nats;
    const database = this.database;
    this.ledger = await this.step(PlatformSteps.Ledger, () =>
      LocalLedgerCluster.start({
        dir: join(dir, 'ledger'),
        natsServers: nats.urls,
        postgresUrl: database.url,
        databasePrefix: 'govx_ledger',
        keys: [
          {
            actor: ids.admin.actor,
            publicKeyPem: ids.admin.key.publicKey.toPem(),
            roles: ['admin'],
          },
        ],
        httpPorts: LEDGER_NODES.map((_, i) => basePort + PORTS.ledgerHttp + i),
        natsCredentials: (id) => {
          const u = this.natsUser('ledger-node', id);
          return { user: u.user, pass: u.password };
        },
      }),
    );
    this.nc = await this.connect('service', 'platform');
    await this.createPayloadStreams();
    this.departments = DEPARTMENTS.map((d, i) =>
      planDepartment({
        dir,
        department: d,
        gateway: ids.departments[d]!.gateway,
        office: ids.departments[d]!.office,
        port: basePort + PORTS.departments + i,
        natsServers: nats.urls,
        nats: (({ user, password }) => ({ user, pass: password }))(this.natsUser('department', d)),
        ledgerUrl: this.ledgerUrls[0]!,
        postgresUrl: database.url,
      }),
    );
    const nc = this.nc;
    await this.step(PlatformSteps.Keys, () =>
      registerKeys(new LedgerClient(nc), this.ledgerUrls[0]!, ids.admin, [
        ids.engine,
        ids.auditor,
        ...Object.values(ids.departments).flatMap((d) => [d.gateway, d.office, d.officer]),
        ...this.departments.map((d) => d.encryptionKey),
      ]),
    );
    await this.step(PlatformSteps.Governance, () => this.startGovernance(keys));
    await this.step(PlatformSteps.Departments, async () => {
      this.gateways = await Promise.all(
        this.departments.map((d) =>
          startServiceProcess({
            name: `gateway ${d.department}`,
            main: DEPARTMENT_MAIN,
            args: ['--config', d.configPath],
            log: join(dir, `department-${d.department}.log`),
            healthUrl: `${d.url}/health`,
            readyTimeoutMs: 180_000,
          }),
        ),
      );
    });
  }

  /**
   * The payload store's streams, created once with a ledger node's rights: departments may
   * use them but create no stream (docs/access.md §3).
   */
  private async createPayloadStreams(): Promise<void> {
    const nc = await this.connect('ledger-node', 'ledger-1');
    try {
      await PayloadStore.open(nc, { replicas: 3, suite: getSuite('intl') });
    } finally {
      await nc.close();
    }
  }

  get governanceUrl(): string {
    return `http://127.0.0.1:${this.options.basePort + PORTS.governance}`;
  }

  /** Seeds the people's accounts, then starts the governance process as its NATS user. */
  private async startGovernance(keys: string): Promise<void> {
    const ids = this.identities!;
    const databaseUrl = `${this.database!.url}/govx_governance`;
    type Person = Omit<NewAccount, 'kind' | 'password'>;
    const people = (
      [
        { name: 'admin', roles: ['admin'], actor: ids.admin.actor },
        { name: 'auditor', roles: ['auditor'], actor: ids.auditor.actor },
        ...DEPARTMENTS.flatMap((d): Person[] => [
          {
            name: `officer-${d}`,
            roles: ['officer'],
            department: d,
            actor: ids.departments[d]!.officer.actor,
          },
          {
            name: `office-${d}`,
            roles: ['office-head'],
            department: d,
            actor: ids.departments[d]!.office.actor,
          },
        ]),
      ] as Person[]
    ).map((a) => ({ ...a, kind: AccountKind.Person, password: '' }));
    const file = join(keys, 'accounts.json');
    const passwords = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)
      : {};
    for (const p of people) p.password = passwords[p.name] ?? generatePassword();
    writeFileSync(
      file,
      JSON.stringify(Object.fromEntries(people.map((p) => [p.name, p.password])), null, 2),
      {
        mode: 0o600,
      },
    );
    await createAccounts(databaseUrl, people);
    this.accounts = people.map((p) => ({
      name: p.name,
      roles: p.roles.join(','),
      password: p.password,
    }));
    const secretFile = join(keys, 'governance-token-secret');
    if (!existsSync(secretFile))
      writeFileSync(secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });
    const user = this.natsUser('service', 'governance');
    this.governance = await startServiceProcess({
      name: 'governance',
      main: GOVERNANCE_MAIN,
      args: [],
      log: join(this.options.dir, 'governance.log'),
      healthUrl: `${this.governanceUrl}/health`,
      env: {
        GOVX_GOVERNANCE_DATABASE_URL: databaseUrl,
        GOVX_GOVERNANCE_ENGINE_KEY_PEM: ids.engine.key.toPem(),
        GOVX_GOVERNANCE_TOKEN_SECRET: readFileSync(secretFile, 'utf8').trim(),
        GOVX_GOVERNANCE_HOST: '127.0.0.1',
        GOVX_GOVERNANCE_PORT: String(this.options.basePort + PORTS.governance),
        GOVX_NATS_SERVERS: this.natsUrls.join(','),
        GOVX_NATS_USER: user.user,
        GOVX_NATS_PASS: user.password,
        GOVX_NATS_INBOX_PREFIX: user.inboxPrefix,
      },
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
    const user = this.users.find((u) => u.kind === kind && u.name === name);
    if (!user) throw new Error(`no NATS user for ${kind} ${name}`);
    return user;
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
      await this.nc?.close();
      await this.ledger?.stop();
      await this.nats?.stop({ keepDir: true });
      await this.database?.stop();
    })();
    return this.stopping;
  }
}
