// `govx init --hosts local` then `govx bootstrap`, end to end with the real CLI: the
// deployment's own NATS cluster (its users and permissions) and ledger nodes are started from
// what init wrote, with the code `govx up` uses, on the real PostgreSQL. Bootstrap refuses
// with exit 2 while the ledger or the database cannot be reached and writes nothing; then it
// registers every key once and seeds every account once; a second run changes nothing.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, writeFile, mkdir, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AccessService, resolveAccessOptions } from '@govx/access';
import type { NatsCluster } from '@govx/bus';
import { connectGovernanceDatabase } from '@govx/governance';
import pg from 'pg';
import type { BootstrapConfig } from '../apps/cli/src/up/bootstrap.js';
import type { DeploymentManifest } from '../apps/cli/src/up/deployment.js';
import type { LocalLedgerCluster } from '../apps/cli/src/up/ledger-cluster.js';
import { startLocalLedger, startLocalNats } from '../apps/cli/src/up/platform.js';
import { GOVX } from './support/govx-up.js';
import { POSTGRES } from './support/ledger-harness.js';

const PREFIX = `govx_t_init_${process.pid}`;
// Below the ephemeral range and the govx up tests' blocks (20000…31432): 15000…19932.
const BASE = 15_000 + Math.floor(Math.random() * 45) * 100;

let dir: string;
let manifest: DeploymentManifest;
let config: BootstrapConfig;
let nats: NatsCluster | null = null;
let ledger: LocalLedgerCluster | null = null;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function govx(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const child = spawn(process.execPath, [GOVX, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

async function query<T>(database: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: `${POSTGRES}/${database}` });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

const databases = async (): Promise<string[]> =>
  (
    await query<{ datname: string }>(
      'postgres',
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${PREFIX}%`],
    )
  ).map((r) => r.datname);

/** Every key.register entry on the ledger: public key → how many times. */
async function registrations(): Promise<Map<string, number>> {
  const res = await fetch(`${manifest.ledger[0]!.url}/entries?type=key.register&limit=1000`);
  const { entries } = (await res.json()) as {
    entries: { entry: { body: { publicKey: string } } }[];
  };
  const out = new Map<string, number>();
  for (const e of entries)
    out.set(e.entry.body.publicKey, (out.get(e.entry.body.publicKey) ?? 0) + 1);
  return out;
}

const ledgerSize = async (): Promise<number> => {
  const res = await fetch(`${manifest.ledger[0]!.url}/entries?limit=1000`);
  return ((await res.json()) as { entries: unknown[] }).entries.length;
};

const accounts = (): Promise<{ id: string; name: string }[]> =>
  query(`${PREFIX}_governance`, 'SELECT id, name FROM access_accounts ORDER BY name');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'govx-init-bootstrap-'));
  await chmod(dir, 0o755);
  const init = await govx(
    [
      'init',
      '--hosts',
      'local',
      '--dir',
      dir,
      '--base-port',
      String(BASE),
      '--database-prefix',
      PREFIX,
    ],
    { DATABASE_URL: POSTGRES },
  );
  expect(init.stderr).toBe('');
  expect(init.code).toBe(0);
  manifest = JSON.parse(await readFile(join(dir, 'deployment.json'), 'utf8')) as DeploymentManifest;
  config = JSON.parse(await readFile(join(dir, manifest.bootstrap), 'utf8')) as BootstrapConfig;
}, 60_000);

afterAll(async () => {
  await ledger?.stop();
  await nats?.stop({ keepDir: true });
  for (const d of await databases())
    await query('postgres', `DROP DATABASE IF EXISTS "${d}" WITH (FORCE)`);
  await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('govx init --hosts local', () => {
  it('writes a local deployment on the base port, with the given PostgreSQL and database names', () => {
    expect(manifest.topology).toBe('local');
    expect(manifest.nats.servers).toEqual(
      [0, 1, 2].map((i) => `nats://127.0.0.1:${BASE + 222 + i}`),
    );
    expect(manifest.ledger.map((n) => n.url)).toEqual(
      [1, 2, 3].map((i) => `http://127.0.0.1:${BASE + 80 + i}`),
    );
    expect(config.governanceDatabaseUrl).toBe(`${POSTGRES}/${PREFIX}_governance`);
    expect(manifest.ledger.map((n) => n.database)).toEqual(
      [1, 2, 3].map((i) => `${PREFIX}_ledger_${i}`),
    );
    expect(config.keys.length).toBe(2 + 4 * 4); // engine, auditor; per department 3 signing keys + 1 encryption key
  });
});

describe('govx bootstrap', () => {
  it('exits 2 naming the ledger while no ledger node runs, and writes nothing', async () => {
    const run = await govx(['bootstrap', '--dir', dir, '--wait', '1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /govx bootstrap: ledger: the ledger cannot be reached: no node of http:\/\/127\.0\.0\.1:\d+/,
    );
    expect(await databases()).toEqual([]); // not even governance's database
  });

  it('registers every key once and seeds every account once; a second run changes nothing', async () => {
    nats = await startLocalNats(dir, manifest);
    ledger = await startLocalLedger(dir, manifest);

    const first = await govx(['bootstrap', '--dir', dir]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const n = config.keys.length;
    const m = config.accounts.length;
    expect(first.stdout).toContain(`keys: ${n} registered, 0 already on the ledger`);
    expect(first.stdout).toContain(`accounts: ${m} created, 0 already there`);

    const keys = await registrations();
    for (const k of config.keys)
      expect([k.actor, k.use, keys.get(k.publicKey)]).toEqual([k.actor, k.use, 1]);
    expect(keys.size).toBe(n);
    const seeded = await accounts();
    expect(seeded.map((a) => a.name)).toEqual(config.accounts.map((a) => a.name).sort());
    const size = await ledgerSize();

    const second = await govx(['bootstrap', '--dir', dir]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`keys: 0 registered, ${n} already on the ledger`);
    expect(second.stdout).toContain(`accounts: 0 created, ${m} already there`);
    expect(await registrations()).toEqual(keys);
    expect(await ledgerSize()).toBe(size);
    expect(await accounts()).toEqual(seeded);
  }, 180_000);

  it('seeds people who sign in with the passwords of keys/accounts.json, with their roles and actors', async () => {
    const passwords = JSON.parse(
      await readFile(join(dir, 'keys', 'accounts.json'), 'utf8'),
    ) as Record<string, string>;
    const ds = await connectGovernanceDatabase(config.governanceDatabaseUrl);
    try {
      const access = new AccessService(
        resolveAccessOptions({ dataSource: ds, tokenSecret: new Uint8Array(randomBytes(32)) }),
      );
      for (const a of config.accounts) {
        await expect(access.signIn(a.name, passwords[a.name])).resolves.toHaveProperty('token');
      }
      await expect(access.signIn('officer-taxation', 'not the password at all')).rejects.toThrow(
        /name or password is wrong/,
      );
    } finally {
      await ds.destroy();
    }
    const rows = await query<{ name: string; roles: string[]; actor: string }>(
      `${PREFIX}_governance`,
      'SELECT name, roles, actor FROM access_accounts',
    );
    expect(new Map(rows.map((r) => [r.name, [r.roles, r.actor]]))).toEqual(
      new Map(config.accounts.map((a) => [a.name, [a.roles, a.actor]])),
    );
  });

  it('exits 2 naming the database when PostgreSQL does not answer, and submits nothing', async () => {
    const other = join(dir, 'unreachable-db');
    await mkdir(join(other, 'bootstrap'), { recursive: true });
    await copyFile(join(dir, 'deployment.json'), join(other, 'deployment.json'));
    await writeFile(
      join(other, manifest.bootstrap),
      JSON.stringify({
        ...config,
        governanceDatabaseUrl: 'postgres://postgres@127.0.0.1:1/nowhere',
      }),
    );
    const size = await ledgerSize();
    const run = await govx(['bootstrap', '--dir', other]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /govx bootstrap: database: PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1 does not answer/,
    );
    expect(await ledgerSize()).toBe(size);
  });

  it('exits 2 on a directory govx init did not write', async () => {
    const run = await govx(['bootstrap', '--dir', join(dir, 'nothing-here')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /govx bootstrap: config: .*bootstrap\.json: ENOENT.*run govx init --dir/,
    );
  });
});
