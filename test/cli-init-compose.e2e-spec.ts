// docker-compose.yml against what `govx init --hosts compose` writes (no Docker engine runs
// here): the real CLI writes a deployment into a temp dir standing for ./deploy, and every
// service's mounts, config, host names, ports, NATS users, image, command, healthcheck and
// place in the depends_on order are checked against it. nats-server checks its configs, and
// sh reads governance's settings file as the container does.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseGatewayConfig } from '@govx/gateway';
import { loadGovernanceConfig } from '@govx/governance';
import { parseLedgerNodeConfig } from '@govx/ledger-node';
import YAML from 'yaml';
import type { BootstrapConfig } from '../apps/cli/src/up/bootstrap.js';
import type { DeploymentManifest } from '../apps/cli/src/up/deployment.js';
import { readEnvFile } from '../apps/cli/src/up/env-file.js';
import { GOVX } from './support/govx-up.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const IN_CONTAINER = '/etc/govx';

interface Service {
  image?: string;
  build?: { context: string; args?: Record<string, string> };
  command?: string[];
  volumes?: string[];
  ports?: string[];
  secrets?: string[];
  environment?: Record<string, string>;
  restart?: string;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
  secrets: Record<string, { file: string }>;
}

let tmp: string;
let deploy: string;
let compose: Compose;
let manifest: DeploymentManifest;

/** A compose bind source (./deploy/…) as a path in the temp deployment. */
const hostPath = (source: string): string => {
  if (!source.startsWith('./deploy/') && source !== './deploy')
    throw new Error(`bind source outside ./deploy: ${source}`);
  return join(deploy, source.slice('./deploy'.length));
};

const binds = (s: Service): { source: string; target: string }[] =>
  (s.volumes ?? [])
    .filter((v) => v.startsWith('./'))
    .map((v) => {
      const [source, target] = v.split(':');
      return { source: source!, target: target! };
    });

/** The host file a container sees at `path`; throws when no mount of `name` holds it. */
function mounted(name: string, path: string): string {
  for (const { source, target } of binds(compose.services[name]!)) {
    if (path === target || path.startsWith(`${target}/`))
      return join(hostPath(source), path.slice(target.length));
  }
  throw new Error(`${path} is not mounted into ${name}`);
}

const json = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

/** `--config <path>` (or `-c <path>`) of a service's command. */
function configArg(name: string): string {
  const cmd = compose.services[name]!.command!;
  const i = cmd.findIndex((a) => a === '--config' || a === '-c');
  if (i < 0) throw new Error(`${name}: no --config in ${cmd.join(' ')}`);
  return cmd[i + 1]!;
}

const natsServers = (): string[] =>
  manifest.nats.serverConfigs.map((c) => c.replace(/^nats\/|\.conf$/g, ''));
const gateways = (): string[] => manifest.departments.map((d) => d.department);
const ledgers = (): string[] => manifest.ledger.map((n) => n.id);

/** The port each service listens on, read from its own generated config. */
function listenPort(name: string): {
  port: number;
  host: string;
  cluster?: number;
  monitor?: number;
} {
  if (natsServers().includes(name)) {
    const conf = readFileSync(mounted(name, configArg(name)), 'utf8');
    const [, host, port] = /^listen: "([^:]+):(\d+)"/m.exec(conf)!;
    const cluster = /cluster \{[^}]*listen: "[^:]+:(\d+)"/s.exec(conf)![1]!;
    const monitor = /^http: "[^:]+:(\d+)"/m.exec(conf)![1]!;
    return { host: host!, port: Number(port), cluster: Number(cluster), monitor: Number(monitor) };
  }
  if (name === 'postgres') return { host: '0.0.0.0', port: 5432 }; // the image's default
  if (name === 'governance') {
    const env = governanceEnv();
    return { host: env['GOVX_GOVERNANCE_HOST']!, port: Number(env['GOVX_GOVERNANCE_PORT']) };
  }
  const config = json<{ http: { host: string; port: number } }>(mounted(name, configArg(name)));
  return { host: config.http.host, port: config.http.port };
}

/** The settings file governance's command sources, on the host. */
function governanceEnvFile(): string {
  const script = compose.services['governance']!.command!.at(-1)!;
  return mounted('governance', /\. (\S+\.env) /.exec(script)![1]!);
}

const governanceEnv = (): Record<string, string> => readEnvFile(governanceEnvFile());

/** Every generated config a service reads, as text. */
function configTexts(name: string): string[] {
  if (name === 'governance') return [readFileSync(governanceEnvFile(), 'utf8')];
  if (name === 'bootstrap')
    return [readFileSync(mounted(name, `${IN_CONTAINER}/bootstrap/bootstrap.json`), 'utf8')];
  if (name === 'postgres') return [];
  return [readFileSync(mounted(name, configArg(name)), 'utf8')];
}

/** NATS users and passwords of authorization.conf. */
function natsAuthorization(): Map<string, string> {
  const text = readFileSync(join(deploy, manifest.nats.authorization), 'utf8');
  return new Map(
    [...text.matchAll(/\{user: "([^"]+)", password: "([^"]+)"/g)].map((m) => [m[1]!, m[2]!]),
  );
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'govx-init-compose-'));
  deploy = join(tmp, 'deploy');
  const out = spawnSync(process.execPath, [GOVX, 'init', '--hosts', 'compose', '--dir', deploy], {
    encoding: 'utf8',
  });
  expect(out.stderr).toBe('');
  expect(out.status).toBe(0);
  compose = YAML.parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), {
    merge: true,
  }) as Compose;
  manifest = json<DeploymentManifest>(join(deploy, 'deployment.json'));
}, 60_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('docker-compose.yml with govx init --hosts compose', () => {
  it('has the topology govx init wrote: 3 NATS servers, postgres, 3 ledger nodes, governance, 4 gateways, bootstrap', () => {
    expect(manifest.topology).toBe('compose');
    expect(natsServers()).toEqual(['nats-1', 'nats-2', 'nats-3']);
    expect(new Set(Object.keys(compose.services))).toEqual(
      new Set([
        ...natsServers(),
        'postgres',
        ...ledgers(),
        'governance',
        ...gateways(),
        'bootstrap',
      ]),
    );
  });

  it('mounts only files govx init wrote, and each service finds its config there', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const { source, target } of binds(s)) {
        expect([name, source, existsSync(hostPath(source))]).toEqual([name, source, true]);
        expect(target.startsWith(`${IN_CONTAINER}/`)).toBe(true);
        // The container path mirrors the deployment path.
        expect(relative(IN_CONTAINER, target)).toBe(relative(deploy, hostPath(source)));
      }
      expect(configTexts(name).every((t) => t.length > 0)).toBe(true);
    }
    for (const { file } of Object.values(compose.secrets))
      expect(existsSync(hostPath(file))).toBe(true);
  });

  it('mounts every file a config names into the service that reads it, and no private key it does not name', () => {
    let named = 0;
    for (const name of Object.keys(compose.services)) {
      const files = new Set(
        configTexts(name).flatMap((t) =>
          [...t.matchAll(/\/etc\/govx\/[^"'\s,]+/g)].map((m) => m[0]),
        ),
      );
      for (const f of files) {
        const host = mounted(name, f); // throws naming the service when not mounted
        expect([name, f, existsSync(host)]).toEqual([name, f, true]);
        if (!f.endsWith('.json') || f.includes('/keys/'))
          expect([f, statSync(host).mode & 0o077]).toEqual([f, 0]); // secrets: 0600
        named++;
      }
      const keyMounts = binds(compose.services[name]!)
        .map((m) => m.target)
        .filter((t) => t.endsWith('.key.pem'));
      expect([name, keyMounts.sort()]).toEqual([
        name,
        [...files].filter((f) => f.endsWith('.key.pem')).sort(),
      ]);
    }
    // ledger keys (3), gateway keys (3 × 4) and the bootstrap's admin key and accounts at least
    expect(named).toBeGreaterThanOrEqual(3 + 12 + 2);
  });

  it('names only compose services as hosts in every generated config, on the ports they listen on', () => {
    const services = new Set(Object.keys(compose.services));
    let checked = 0;
    for (const name of Object.keys(compose.services)) {
      for (const text of configTexts(name)) {
        for (const m of text.matchAll(
          /\b(nats|nats-route|https?|postgres(?:ql)?):\/\/(?:[^@/\s"',]*@)?([^:/\s"',]+):(\d+)/g,
        )) {
          const [, scheme, host, port] = m;
          expect([name, host, services.has(host!)]).toEqual([name, host, true]);
          const target = listenPort(host!);
          const expected = scheme === 'nats-route' ? target.cluster : target.port;
          expect([name, m[0].replace(/\/\/.*@/, '//***@'), Number(port)]).toEqual([
            name,
            m[0].replace(/\/\/.*@/, '//***@'),
            expected,
          ]);
          checked++;
        }
        expect(text).not.toMatch(/127\.0\.0\.1|localhost/);
      }
    }
    expect(checked).toBeGreaterThan(20);
    // Services listen on every interface of their container, not only its loopback.
    for (const name of [...natsServers(), ...ledgers(), 'governance', ...gateways()])
      expect([name, listenPort(name).host]).toEqual([name, '0.0.0.0']);
  });

  it('publishes and health-checks each service on the port its config listens on (loopback only on the host)', () => {
    let published = 0;
    for (const [name, s] of Object.entries(compose.services)) {
      for (const p of s.ports ?? []) {
        const [host, , container] = p.split(':');
        expect(host).toBe('127.0.0.1');
        expect([name, Number(container)]).toEqual([name, listenPort(name).port]);
        published++;
      }
      const test = s.healthcheck?.test ?? [];
      const url = test.find((a) => /^https?:\/\//.test(a));
      if (url) {
        const u = new URL(url);
        const nats = natsServers().includes(name); // its monitoring port
        expect([name, Number(u.port), u.pathname]).toEqual([
          name,
          nats ? listenPort(name).monitor : listenPort(name).port,
          nats ? '/healthz' : '/health',
        ]);
      }
    }
    expect(published).toBe(1 + 3 + 1 + 4); // nats-1, the ledger nodes, governance, the gateways
    for (const name of [...ledgers(), 'governance', ...gateways()])
      expect([name, compose.services[name]!.healthcheck?.test.at(-1)]).toEqual([
        name,
        `http://127.0.0.1:${listenPort(name).port}/health`,
      ]);
  });

  it('gives each service a NATS user that the NATS servers know, with the same password', () => {
    const users = natsAuthorization();
    expect(users.size).toBeGreaterThan(8);
    const creds: [string, string, string][] = [];
    for (const n of [...ledgers(), ...gateways()]) {
      const c = json<{ nats: { user: string; pass: string } }>(mounted(n, configArg(n)));
      creds.push([n, c.nats.user, c.nats.pass]);
    }
    const env = governanceEnv();
    creds.push(['governance', env['GOVX_NATS_USER']!, env['GOVX_NATS_PASS']!]);
    const b = json<BootstrapConfig>(
      mounted('bootstrap', `${IN_CONTAINER}/bootstrap/bootstrap.json`),
    );
    creds.push(['bootstrap', b.nats.submitter.user, b.nats.submitter.pass]);
    creds.push(['bootstrap', b.nats.streamAdmin.user, b.nats.streamAdmin.pass]);
    for (const [name, user, pass] of creds)
      expect([name, user, users.get(user)]).toEqual([name, user, pass]);
    // One user per service: no two services share one.
    const byService = new Map(creds.filter(([n]) => n !== 'bootstrap').map(([n, u]) => [u, n]));
    expect(byService.size).toBe(ledgers().length + gateways().length + 1);
    // Every NATS server includes the same authorization file.
    for (const n of natsServers()) {
      expect(readFileSync(mounted(n, configArg(n)), 'utf8')).toMatch(
        /^include \.\/authorization\.conf$/m,
      );
      expect(existsSync(mounted(n, `${IN_CONTAINER}/nats/authorization.conf`))).toBe(true);
    }
  });

  it('has NATS configs that nats-server accepts, with JetStream on the named volume', () => {
    for (const n of natsServers()) {
      const file = mounted(n, configArg(n));
      execFileSync('nats-server', ['-t', '-c', file], { stdio: 'pipe' });
      const store = /store_dir: "([^"]+)"/.exec(readFileSync(file, 'utf8'))![1];
      expect(compose.services[n]!.volumes).toContain(`${n}:${store}`);
      expect(compose.volumes).toHaveProperty(n);
    }
    expect(compose.services['postgres']!.volumes).toContain('postgres:/var/lib/postgresql/data');
  });

  it('runs the govx processes from one image built from this repository, as commands that exist', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20-slim$/m);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    const user = /^USER (\S+)$/m.exec(dockerfile)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
    if (user!.startsWith('${')) {
      const arg = /^\$\{(\w+)\}$/.exec(user!)![1]!;
      expect(dockerfile).toMatch(new RegExp(`^ARG ${arg}=[1-9]\\d*$`, 'm'));
    }
    for (const name of [...ledgers(), 'governance', ...gateways(), 'bootstrap']) {
      const s = compose.services[name]!;
      expect([name, s.image, s.build?.context]).toEqual([name, 'govx:local', '.']);
      const script = s.command!.join(' ');
      const main = /(apps\/[\w-]+\/(?:dist\/main|bin\/govx)\.js)/.exec(script)![1]!;
      const source = main.endsWith('bin/govx.js')
        ? main
        : main.replace('/dist/main.js', '/src/main.ts');
      expect([name, existsSync(join(ROOT, source))]).toEqual([name, true]);
      expect(s.environment ?? {}).toEqual({}); // settings come from mounted files only
    }
    expect(configArg('ledger-1')).toBe(`${IN_CONTAINER}/${manifest.ledger[0]!.config}`);
    expect(compose.services['bootstrap']!.command).toEqual(
      expect.arrayContaining(['apps/cli/bin/govx.js', 'bootstrap', '--dir', IN_CONTAINER]),
    );
    for (const n of natsServers()) expect(compose.services[n]!.image).toMatch(/^nats:2\./);
    // The database password is a secret file, never a value in this file.
    expect(compose.services['postgres']!.environment).toEqual(
      expect.objectContaining({ POSTGRES_PASSWORD_FILE: '/run/secrets/postgres-password' }),
    );
    expect(compose.services['postgres']!.environment).not.toHaveProperty('POSTGRES_PASSWORD');
    const dbUrl = json<BootstrapConfig>(join(deploy, manifest.bootstrap)).governanceDatabaseUrl;
    expect(new URL(dbUrl).password).toBe(
      readFileSync(join(deploy, 'keys', 'postgres-password'), 'utf8'),
    );
    expect(new URL(dbUrl).username).toBe(
      compose.services['postgres']!.environment!['POSTGRES_USER'],
    );
  });

  it('starts in order: ledgers after NATS and postgres are healthy, bootstrap after the ledgers, governance and gateways after bootstrap completed', () => {
    const deps = (name: string): Record<string, string> =>
      Object.fromEntries(
        Object.entries(compose.services[name]!.depends_on ?? {}).map(([k, v]) => [k, v.condition]),
      );
    const healthy = Object.fromEntries(
      [...natsServers(), 'postgres'].map((n) => [n, 'service_healthy']),
    );
    for (const n of ledgers()) expect(deps(n)).toEqual(healthy);
    expect(deps('bootstrap')).toEqual({
      ...healthy,
      ...Object.fromEntries(ledgers().map((n) => [n, 'service_healthy'])),
    });
    expect(compose.services['bootstrap']!.restart).toBe('no');
    for (const n of ['governance', ...gateways()])
      expect([n, deps(n)['bootstrap']]).toEqual([n, 'service_completed_successfully']);
    // Whatever is waited on as healthy has a healthcheck; the order has no cycle.
    const order: string[] = [];
    const visit = (n: string, path: string[]): void => {
      if (path.includes(n)) throw new Error(`depends_on cycle: ${[...path, n].join(' → ')}`);
      if (order.includes(n)) return;
      for (const [d, condition] of Object.entries(deps(n))) {
        if (condition === 'service_healthy')
          expect([d, compose.services[d]!.healthcheck]).toEqual([d, expect.anything()]);
        visit(d, [...path, n]);
      }
      order.push(n);
    };
    for (const n of Object.keys(compose.services)) visit(n, []);
    expect(order.indexOf('bootstrap')).toBeGreaterThan(
      Math.max(...ledgers().map((n) => order.indexOf(n))),
    );
  });

  it("has configs that each service's own config parser accepts", () => {
    for (const n of ledgers()) {
      const c = parseLedgerNodeConfig(json(mounted(n, configArg(n))), n);
      expect([c.node.id, c.http.host, c.nats.servers.length]).toEqual([n, '0.0.0.0', 3]);
    }
    for (const g of gateways()) {
      const c = parseGatewayConfig(json(mounted(g, configArg(g))), '/nowhere');
      expect([c.department, c.keys.signingKeyFile.startsWith(`${IN_CONTAINER}/keys/`)]).toEqual([
        g,
        true,
      ]);
    }
    const governance = loadGovernanceConfig(governanceEnv());
    expect(governance.http).toEqual({ host: '0.0.0.0', port: listenPort('governance').port });
    expect(governance.natsAuth?.user).toBe('service-governance');
  });

  it('governance reads the settings file the way its container does (sh, set -a)', () => {
    const file = join(deploy, manifest.governance.env);
    const seen = execFileSync(
      'sh',
      [
        '-c',
        `set -a && . "${file}" && set +a && node -e 'console.log(JSON.stringify(Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("GOVX_")))))'`,
      ],
      { encoding: 'utf8', env: { PATH: process.env['PATH']! } },
    );
    const env = readEnvFile(file);
    expect(JSON.parse(seen)).toEqual(env);
    expect(env['GOVX_GOVERNANCE_ENGINE_KEY_PEM']).toMatch(
      /^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n?$/,
    );
  });
});

describe('govx init, bad input', () => {
  const init = (args: string[]): { status: number | null; stderr: string } =>
    spawnSync(process.execPath, [GOVX, 'init', ...args], { encoding: 'utf8' });

  it('refuses --base-port with --hosts compose (fixed ports), with exit 2, writing nothing', () => {
    const dir = join(tmp, 'refused-1');
    const out = init(['--hosts', 'compose', '--dir', dir, '--base-port', '15000']);
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('base-port: applies to --hosts local only');
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses an unknown topology and a bad database prefix, with exit 2, writing nothing', () => {
    const dir = join(tmp, 'refused-2');
    const hosts = init(['--hosts', 'kubernetes', '--dir', dir]);
    expect(hosts.status).toBe(2);
    expect(hosts.stderr).toMatch(/--hosts.*kubernetes.*(local|compose)/s);
    const prefix = init(['--dir', dir, '--database-prefix', 'Robert"; DROP']);
    expect(prefix.status).toBe(2);
    expect(prefix.stderr).toContain('database-prefix:');
    expect(existsSync(dir)).toBe(false);
  });
});
