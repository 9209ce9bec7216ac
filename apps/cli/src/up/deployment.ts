// `govx init`: everything a deployment of govx needs, written under one directory D, for the
// local topology (`govx up`: processes on loopback ports from a base port) or the compose
// topology (docker-compose.yml: containers reached by their service names on fixed ports).
// Run again on the same D, it keeps every key, password and secret and rewrites the configs.
//   D/deployment.json             what was written and where (paths relative to D; no secrets)
//   D/keys/                       actors' keys, gateway keys and tokens, passwords (0600)
//   D/nats/authorization.conf     NATS users and permissions; compose: D/nats/nats-<i>.conf
//   D/ledger/ledger-<i>.json      ledger node configs and checkpoint keys
//   D/governance/governance.env   governance's settings (NAME='value' lines)
//   D/departments/<d>.json        department gateway configs
//   D/bootstrap/bootstrap.json    the input of the one-shot step (`govx bootstrap`)
// Every file holding a secret is written 0600. In the compose topology a file D/<p> is seen
// by its container at /etc/govx/<p> (docker-compose.yml mounts each service's files only).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { natsAuthorizationConfig, type NatsUser } from '@govx/access';
import {
  DEPARTMENTS,
  findNatsUser,
  keptSecret,
  keptSecrets,
  LEDGER_NODES,
  people,
  platformIdentities,
  platformNatsUsers,
  type PlatformIdentities,
} from './actors.js';
import { generatePassword } from './accounts.js';
import { BOOTSTRAP_FILE, type BootstrapConfig, type Person } from './bootstrap.js';
import { planDepartment, type DepartmentPlan } from './departments.js';
import { embeddedDatabaseUrl, serverUrl } from './embedded-database.js';
import { writeEnvFile } from './env-file.js';
import { keyRegistration } from './identities.js';
import { writeLedgerConfigs, type LedgerNodePlan } from './ledger-cluster.js';
import { NATS_AUTHORIZATION_FILE, writeComposeNatsConfigs } from './nats-configs.js';
import { writeSecretFile } from './secret-file.js';

export { DEPARTMENTS, findNatsUser, LEDGER_NODES, type PlatformIdentities } from './actors.js';

export const Topology = { Local: 'local', Compose: 'compose' } as const;
export type Topology = (typeof Topology)[keyof typeof Topology];

/** Local topology: ports are the base port plus these. NATS: client +222.., cluster +322.., monitoring +422... */
export const PORTS = {
  nats: 222,
  postgres: 532,
  ledgerHttp: 81,
  governance: 90,
  departments: 101,
} as const;

export const DEFAULT_BASE_PORT = 14000;

/** Compose topology: service names and in-container ports (docker-compose.yml uses the same). */
export const COMPOSE = {
  /** Where a container sees the deployment directory's files. */
  root: '/etc/govx',
  natsServers: ['nats-1', 'nats-2', 'nats-3'],
  nats: { client: 4222, cluster: 6222, monitor: 8222, storeDir: '/data', clusterName: 'govx' },
  postgres: { host: 'postgres', port: 5432, user: 'govx' },
  ledgerPort: 8080,
  governance: { host: 'governance', port: 3100 },
  departmentPort: 8080,
} as const;

export const DEPLOYMENT_FILE = 'deployment.json';

export interface InitOptions {
  readonly dir: string;
  readonly topology: Topology;
  /** Local topology only; default 14000. */
  readonly basePort?: number;
  /** Local topology: a PostgreSQL server (DATABASE_URL); else the embedded one on base+532. */
  readonly databaseUrl?: string;
  /** Database names start with it (`<p>_ledger_1`, `<p>_governance`, `<p>_dept_…`); default govx. */
  readonly databasePrefix?: string;
}

/** D/deployment.json: what `govx init` wrote, paths relative to D. No secrets. */
export interface DeploymentManifest {
  readonly format: 'govx-deployment/1';
  readonly topology: Topology;
  /** null for compose. */
  readonly basePort: number | null;
  readonly databasePrefix: string;
  /** Local: whether `govx up` runs the embedded PostgreSQL (no DATABASE_URL). */
  readonly embeddedDatabase: boolean;
  readonly nats: {
    readonly servers: readonly string[];
    readonly authorization: string;
    /** Compose: one per server; local: written by NatsCluster at start. */
    readonly serverConfigs: readonly string[];
  };
  readonly ledger: readonly {
    readonly id: string;
    readonly config: string;
    readonly keyFile: string;
    readonly url: string;
    readonly port: number;
    readonly database: string;
  }[];
  readonly governance: { readonly env: string; readonly url: string; readonly port: number };
  readonly departments: readonly {
    readonly department: string;
    readonly config: string;
    readonly keyFiles: readonly string[];
    readonly url: string;
    readonly port: number;
  }[];
  readonly bootstrap: string;
}

export interface SeededPerson extends Person {
  readonly password: string;
}

/** What init wrote, with the in-memory objects `govx up` goes on with. */
export interface Deployment {
  readonly dir: string;
  readonly manifest: DeploymentManifest;
  readonly identities: PlatformIdentities;
  readonly natsUsers: readonly NatsUser[];
  readonly ledgerNodes: readonly LedgerNodePlan[];
  readonly departments: readonly DepartmentPlan[];
  readonly accounts: readonly SeededPerson[];
}

/** Bad options to init, naming the option. */
export class InitError extends Error {
  override readonly name = 'InitError';
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`${option}: ${message}`);
  }
}

function checkOptions(o: InitOptions): { basePort: number; prefix: string } {
  if (!Object.values(Topology).includes(o.topology))
    throw new InitError('hosts', `local or compose, got ${JSON.stringify(o.topology)}`);
  if (o.topology === Topology.Compose && o.basePort !== undefined)
    throw new InitError('base-port', 'applies to --hosts local only (compose ports are fixed)');
  if (o.topology === Topology.Compose && o.databaseUrl)
    throw new InitError('DATABASE_URL', 'applies to --hosts local only (compose runs postgres)');
  const basePort = o.basePort ?? DEFAULT_BASE_PORT;
  if (!Number.isInteger(basePort) || basePort < 1024 || basePort > 60_000)
    throw new InitError('base-port', `a port number between 1024 and 60000, got ${basePort}`);
  const prefix = o.databasePrefix ?? 'govx';
  if (!/^[a-z][a-z0-9_]{0,30}$/.test(prefix))
    throw new InitError('database-prefix', `[a-z][a-z0-9_]{0,30}, got ${JSON.stringify(prefix)}`);
  return { basePort, prefix };
}

/** Reads D/deployment.json. */
export function readDeploymentManifest(dir: string): DeploymentManifest {
  const file = join(dir, DEPLOYMENT_FILE);
  const m = JSON.parse(readFileSync(file, 'utf8')) as DeploymentManifest;
  if (m.format !== 'govx-deployment/1')
    throw new InitError('dir', `${file} is not a govx deployment manifest (run govx init)`);
  return m;
}

/** Writes the deployment under o.dir (see the header) and returns what it wrote. */
export async function initDeployment(o: InitOptions): Promise<Deployment> {
  const { basePort, prefix } = checkOptions(o);
  const compose = o.topology === Topology.Compose;
  const dir = resolve(o.dir);
  // Traversable (the embedded PostgreSQL runs as another user); keys/ and the config dirs stay 0700.
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const sub = (name: string): string => {
    const path = join(dir, name);
    mkdirSync(path, { recursive: true, mode: 0o700 });
    return path;
  };
  const keys = sub('keys');
  /** A file of D as its process sees it. */
  const seenAs = (file: string): string =>
    compose ? `${COMPOSE.root}/${relative(dir, file)}` : file;
  const rel = (file: string): string => relative(dir, file);

  const ids = platformIdentities(keys);
  const users = platformNatsUsers(keys);
  const user = (kind: NatsUser['kind'], name: string): NatsUser => findNatsUser(users, kind, name);

  const natsDir = sub('nats');
  const authorization = join(natsDir, NATS_AUTHORIZATION_FILE);
  writeSecretFile(authorization, natsAuthorizationConfig(users));
  const serverConfigs = compose
    ? writeComposeNatsConfigs({
        dir: natsDir,
        names: COMPOSE.natsServers,
        clientPort: COMPOSE.nats.client,
        clusterPort: COMPOSE.nats.cluster,
        monitorPort: COMPOSE.nats.monitor,
        clusterName: COMPOSE.nats.clusterName,
        storeDir: COMPOSE.nats.storeDir,
      })
    : [];
  const natsServers = compose
    ? COMPOSE.natsServers.map((n) => `nats://${n}:${COMPOSE.nats.client}`)
    : [0, 1, 2].map((i) => `nats://127.0.0.1:${basePort + PORTS.nats + i}`);

  const postgresUrl = compose
    ? `postgres://${COMPOSE.postgres.user}:${keptSecret(join(keys, 'postgres-password'), () =>
        randomBytes(24).toString('base64url'),
      )}@${COMPOSE.postgres.host}:${COMPOSE.postgres.port}`
    : o.databaseUrl
      ? serverUrl(o.databaseUrl)
      : embeddedDatabaseUrl(basePort + PORTS.postgres);

  const ledgerNodes = await writeLedgerConfigs({
    dir: sub('ledger'),
    natsServers,
    postgresUrl,
    databasePrefix: `${prefix}_ledger`,
    keys: [
      { actor: ids.admin.actor, publicKeyPem: ids.admin.key.publicKey.toPem(), roles: ['admin'] },
    ],
    httpPorts: LEDGER_NODES.map((_, i) =>
      compose ? COMPOSE.ledgerPort : basePort + PORTS.ledgerHttp + i,
    ),
    natsCredentials: (id) => {
      const u = user('ledger-node', id);
      return { user: u.user, pass: u.password };
    },
    ...(compose
      ? {
          httpHost: '0.0.0.0',
          nodeUrl: (id: string, port: number): string => `http://${id}:${port}`,
          seenAs,
        }
      : {}),
  });
  const ledgerUrl = ledgerNodes[0]!.url;

  // People's passwords, kept across runs: governance's accounts, and each office head's on its
  // own gateway too.
  const persons = people(ids);
  const accountsFile = join(keys, 'accounts.json');
  const passwords = keptSecrets(
    accountsFile,
    persons.map((p) => p.name),
    generatePassword,
  );

  sub('departments');
  const departments = DEPARTMENTS.map((d, i) => {
    const port = compose ? COMPOSE.departmentPort : basePort + PORTS.departments + i;
    const nats = user('department', d);
    return planDepartment({
      dir,
      department: d,
      gateway: ids.departments[d]!.gateway,
      office: ids.departments[d]!.office,
      port,
      natsServers,
      nats: { user: nats.user, pass: nats.password },
      ledgerUrl,
      postgresUrl,
      databasePrefix: prefix,
      officePassword: passwords[`office-${d}`]!,
      ...(compose ? { httpHost: '0.0.0.0', url: `http://${d}:${port}`, seenAs } : {}),
    });
  });

  const governancePort = compose ? COMPOSE.governance.port : basePort + PORTS.governance;
  const governanceDatabaseUrl = `${postgresUrl}/${prefix}_governance`;
  const governanceUser = user('service', 'governance');
  const governanceEnv = join(sub('governance'), 'governance.env');
  writeEnvFile(
    governanceEnv,
    {
      GOVX_GOVERNANCE_DATABASE_URL: governanceDatabaseUrl,
      GOVX_GOVERNANCE_ENGINE_KEY_PEM: ids.engine.key.toPem(),
      GOVX_GOVERNANCE_TOKEN_SECRET: keptSecret(join(keys, 'governance-token-secret'), () =>
        randomBytes(32).toString('hex'),
      ),
      GOVX_GOVERNANCE_HOST: compose ? '0.0.0.0' : '127.0.0.1',
      GOVX_GOVERNANCE_PORT: String(governancePort),
      GOVX_NATS_SERVERS: natsServers.join(','),
      GOVX_NATS_USER: governanceUser.user,
      GOVX_NATS_PASS: governanceUser.password,
      GOVX_NATS_INBOX_PREFIX: governanceUser.inboxPrefix,
    },
    'written by govx init: the governance service (GOVX_* variables, see libs/governance config)',
  );

  const bootstrapFile = join(dir, BOOTSTRAP_FILE);
  sub('bootstrap');
  const credentials = (u: NatsUser): BootstrapConfig['nats']['submitter'] => ({
    user: u.user,
    pass: u.password,
    inboxPrefix: u.inboxPrefix,
  });
  const bootstrap: BootstrapConfig = {
    format: 'govx-bootstrap/1',
    ledgerUrls: ledgerNodes.map((n) => n.url),
    nats: {
      servers: natsServers,
      submitter: credentials(user('service', 'platform')),
      streamAdmin: credentials(user('ledger-node', LEDGER_NODES[0])),
    },
    governanceDatabaseUrl,
    admin: { actor: ids.admin.actor, keyFile: seenAs(ids.admin.keyFile) },
    keys: [
      ids.engine,
      ids.auditor,
      ...Object.values(ids.departments).flatMap((d) => [d.gateway, d.office, d.officer]),
      ...departments.map((d) => d.encryptionKey),
    ].map(keyRegistration),
    accounts: persons,
    accountsFile: seenAs(accountsFile),
    departments: [...DEPARTMENTS],
    payloadReplicas: 3,
  };
  writeSecretFile(bootstrapFile, JSON.stringify(bootstrap, null, 2));

  const manifest: DeploymentManifest = {
    format: 'govx-deployment/1',
    topology: o.topology,
    basePort: compose ? null : basePort,
    databasePrefix: prefix,
    embeddedDatabase: !compose && !o.databaseUrl,
    nats: {
      servers: natsServers,
      authorization: rel(authorization),
      serverConfigs: serverConfigs.map(rel),
    },
    ledger: ledgerNodes.map((n) => ({
      id: n.id,
      config: rel(n.configPath),
      keyFile: rel(n.keyFile),
      url: n.url,
      port: n.port,
      database: n.database,
    })),
    governance: {
      env: rel(governanceEnv),
      url: compose
        ? `http://${COMPOSE.governance.host}:${governancePort}`
        : `http://127.0.0.1:${governancePort}`,
      port: governancePort,
    },
    departments: departments.map((d) => ({
      department: d.department,
      config: rel(d.configPath),
      keyFiles: d.keyFiles.map(rel),
      url: d.url,
      port: d.port,
    })),
    bootstrap: BOOTSTRAP_FILE,
  };
  writeFileSync(join(dir, DEPLOYMENT_FILE), JSON.stringify(manifest, null, 2));
  return {
    dir,
    manifest,
    identities: ids,
    natsUsers: users,
    ledgerNodes,
    departments,
    accounts: persons.map((p) => ({ ...p, password: passwords[p.name]! })),
  };
}
