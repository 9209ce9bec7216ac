// `govx bootstrap`: the one-shot step of a deployment, after the ledger nodes run and before
// governance and the gateways start. From D/bootstrap/bootstrap.json (written by `govx init`):
//   1. waits (bounded) for a ledger node that takes submissions, and checks PostgreSQL answers;
//   2. creates each department's payload streams with a ledger node's NATS rights (departments may
//      use them but create none, docs/access.md §3);
//   3. registers every actor's key on the ledger with `key.register` entries signed by the
//      bootstrap admin (keys the log has already are left alone);
//   4. seeds the people's accounts in governance's database (existing names are left alone).
// Idempotent: a second run writes nothing and succeeds. Nothing is written before both the
// ledger and the database answered.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccountKind, type NewAccount } from '@govx/access';
import { connectBus, LedgerClient, type NatsConnection } from '@govx/bus';
import { importSigningPrivateKey } from '@govx/crypto';
import { PayloadStore } from '@govx/gateway';
import type { Role } from '@govx/ledger-core';
import { createAccounts } from './accounts.js';
import { probeDatabase, serverUrl } from './embedded-database.js';
import { registerKeys, type KeyRegistration } from './identities.js';

export const BOOTSTRAP_FILE = 'bootstrap/bootstrap.json';

export interface NatsCredentials {
  readonly user: string;
  readonly pass: string;
  readonly inboxPrefix: string;
}

/** A person's account to seed; the password is in the accounts file under its name. */
export interface Person {
  readonly name: string;
  readonly roles: readonly Role[];
  readonly department?: string;
  readonly actor: string;
}

/** D/bootstrap/bootstrap.json. Paths are as the bootstrap process sees them. */
export interface BootstrapConfig {
  readonly format: 'govx-bootstrap/1';
  readonly ledgerUrls: readonly string[];
  readonly nats: {
    readonly servers: readonly string[];
    /** Submits the key registrations (the `platform` service user). */
    readonly submitter: NatsCredentials;
    /** Creates the payload streams (a ledger node's user). */
    readonly streamAdmin: NatsCredentials;
  };
  readonly governanceDatabaseUrl: string;
  readonly admin: { readonly actor: string; readonly keyFile: string };
  readonly keys: readonly KeyRegistration[];
  readonly accounts: readonly Person[];
  /** JSON object: account name → password (0600). */
  readonly accountsFile: string;
  /** Departments whose payload streams are created. */
  readonly departments: readonly string[];
  readonly payloadReplicas: number;
}

export const BootstrapFailure = {
  Config: 'config',
  Ledger: 'ledger',
  Nats: 'nats',
  Database: 'database',
} as const;
export type BootstrapFailure = (typeof BootstrapFailure)[keyof typeof BootstrapFailure];

/** The step could not run: its input is bad, or what it needs does not answer. */
export class BootstrapError extends Error {
  override readonly name = 'BootstrapError';
  constructor(
    readonly failure: BootstrapFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface BootstrapResult {
  readonly ledgerUrl: string;
  readonly keysRegistered: number;
  readonly keysPresent: number;
  readonly accountsCreated: number;
  readonly accountsPresent: number;
}

/** Reads and checks D/bootstrap/bootstrap.json. */
export function loadBootstrapConfig(dir: string): BootstrapConfig {
  const file = join(dir, BOOTSTRAP_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new BootstrapError(
      BootstrapFailure.Config,
      `${file}: ${(e as Error).message} (run govx init --dir ${dir} first)`,
      { cause: e },
    );
  }
  const c = raw as Partial<BootstrapConfig> | null;
  const bad = (what: string): never => {
    throw new BootstrapError(BootstrapFailure.Config, `${file}: ${what}`);
  };
  if (c?.format !== 'govx-bootstrap/1') bad('format is not govx-bootstrap/1');
  if (!Array.isArray(c!.ledgerUrls) || c!.ledgerUrls.length === 0) bad('ledgerUrls: none');
  if (!Array.isArray(c!.nats?.servers) || !c!.nats.submitter || !c!.nats.streamAdmin)
    bad('nats: servers, submitter and streamAdmin are required');
  if (typeof c!.governanceDatabaseUrl !== 'string') bad('governanceDatabaseUrl: required');
  if (typeof c!.admin?.keyFile !== 'string') bad('admin.keyFile: required');
  if (!Array.isArray(c!.keys) || !Array.isArray(c!.accounts) || !Array.isArray(c!.departments))
    bad('keys, accounts and departments: lists');
  if (typeof c!.accountsFile !== 'string') bad('accountsFile: required');
  return c as BootstrapConfig;
}

/** The first ledger node whose /health says it takes submissions, polled until waitMs. */
async function waitForLedger(urls: readonly string[], waitMs: number): Promise<string> {
  const deadline = Date.now() + waitMs;
  let last = 'no answer';
  for (;;) {
    for (const url of urls) {
      try {
        const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
        const health = (await res.json()) as { sequencing?: boolean };
        if (health.sequencing) return url;
        last = `${url}/health answered ${res.status} without sequencing`;
      } catch (e) {
        last = `${url}: ${(e as Error).message}`;
      }
    }
    if (Date.now() >= deadline)
      throw new BootstrapError(
        BootstrapFailure.Ledger,
        `the ledger cannot be reached: no node of ${urls.join(', ')} took submissions within ${Math.round(waitMs / 1000)} s (last: ${last})`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function connectAs(
  c: BootstrapConfig,
  who: NatsCredentials,
  name: string,
): Promise<NatsConnection> {
  try {
    return await connectBus({ servers: [...c.nats.servers], name, ...who });
  } catch (e) {
    throw new BootstrapError(
      BootstrapFailure.Nats,
      `NATS at ${c.nats.servers.join(', ')} cannot be reached as ${who.user}: ${(e as Error).message}`,
      { cause: e },
    );
  }
}

/** Runs the step (see the header). `waitMs`: how long to wait for the ledger. */
export async function runBootstrap(
  c: BootstrapConfig,
  options: { readonly waitMs: number },
): Promise<BootstrapResult> {
  let admin;
  let passwords: Record<string, string>;
  try {
    admin = importSigningPrivateKey(readFileSync(c.admin.keyFile, 'utf8'));
    passwords = JSON.parse(readFileSync(c.accountsFile, 'utf8')) as Record<string, string>;
  } catch (e) {
    throw new BootstrapError(BootstrapFailure.Config, (e as Error).message, { cause: e });
  }
  const missing = c.accounts.find((a) => !passwords[a.name]);
  if (missing)
    throw new BootstrapError(
      BootstrapFailure.Config,
      `${c.accountsFile}: no password for account ${missing.name}`,
    );
  const ledgerUrl = await waitForLedger(c.ledgerUrls, options.waitMs);
  try {
    await probeDatabase(serverUrl(c.governanceDatabaseUrl));
  } catch (e) {
    throw new BootstrapError(BootstrapFailure.Database, (e as Error).message, { cause: e });
  }

  const streams = await connectAs(c, c.nats.streamAdmin, 'govx-bootstrap-streams');
  try {
    await PayloadStore.createStreams(streams, c.departments, { replicas: c.payloadReplicas });
  } finally {
    await streams.close();
  }
  const nc = await connectAs(c, c.nats.submitter, 'govx-bootstrap');
  let keys;
  try {
    keys = await registerKeys(
      new LedgerClient(nc),
      ledgerUrl,
      { actor: c.admin.actor, roles: ['admin'], key: admin, keyFile: c.admin.keyFile },
      c.keys,
    );
  } finally {
    await nc.close();
  }
  const seeded = await createAccounts(
    c.governanceDatabaseUrl,
    c.accounts.map((a): NewAccount => ({
      ...a,
      roles: [...a.roles],
      kind: AccountKind.Person,
      password: passwords[a.name]!,
    })),
  );
  const created = seeded.filter((s) => s.created).length;
  return {
    ledgerUrl,
    keysRegistered: keys.registered.length,
    keysPresent: keys.present,
    accountsCreated: created,
    accountsPresent: seeded.length - created,
  };
}
