// A local NATS cluster of real `nats-server` processes, for tests and for `govx up`.
// Each server gets its own config file, store directory and log file under `dir`:
//   dir/n<i>.conf, dir/n<i>/ (JetStream store_dir), dir/n<i>.log
import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { natsServerBinary } from './nats-server-binary.js';

export interface NatsClusterOptions {
  /** Number of servers; default 3. */
  size?: number;
  host?: '127.0.0.1';
  /** Client ports basePort..basePort+size-1, cluster ports basePort+100.., monitoring ports
   * basePort+200..; default: free ports picked by the OS. */
  basePort?: number;
  /** Root of config, store and log files; default a fresh directory in the OS temp dir. */
  dir?: string;
  /** Default `govx`. Server names are `<clusterName>-n<i>`. */
  clusterName?: string;
  /** Extra configuration text appended to every server's config (e.g. `authorization {…}`). */
  users?: string;
  /** Credentials the readiness probe connects with, when `users` requires them. */
  probe?: { user?: string; pass?: string; token?: string };
  /** How long start() and restart() wait for servers to serve; default 30 s. */
  readyTimeoutMs?: number;
}

interface Ports {
  readonly client: number;
  readonly cluster: number;
  readonly monitor: number;
}

/** The `meta_cluster` part of a server's /jsz (nats-server monitoring). */
interface MetaCluster {
  leader?: string;
  replicas?: { name: string; current: boolean }[];
}

const STOP_GRACE_MS = 5_000;
const PROBE_INTERVAL_MS = 100;

export class NatsCluster {
  readonly urls: readonly string[];
  /** http://host:port of each server's monitoring endpoint (/healthz, /jsz, /varz). */
  readonly monitorUrls: readonly string[];
  /** `server_name` of each server, as stream info `cluster.leader` reports it. */
  readonly serverNames: readonly string[];
  private readonly procs: (ChildProcess | undefined)[];
  private readonly exits: (Promise<void> | undefined)[];
  private readonly onProcessExit = (): void => this.killAllSync();

  private constructor(
    readonly dir: string,
    private readonly binary: string,
    private readonly options: Required<Pick<NatsClusterOptions, 'readyTimeoutMs'>> &
      Pick<NatsClusterOptions, 'probe'>,
    names: string[],
    host: string,
    ports: Ports[],
  ) {
    this.serverNames = names;
    this.urls = ports.map((p) => `nats://${host}:${p.client}`);
    this.monitorUrls = ports.map((p) => `http://${host}:${p.monitor}`);
    this.procs = names.map(() => undefined);
    this.exits = names.map(() => undefined);
    process.once('exit', this.onProcessExit);
  }

  /** Writes the configs, spawns every server and waits until each serves JetStream requests
   * (a meta leader is elected). On failure the servers started so far are stopped. */
  static async start(options: NatsClusterOptions = {}): Promise<NatsCluster> {
    const size = options.size ?? 3;
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`size must be an integer ≥ 1, got ${size}`);
    const host = options.host ?? '127.0.0.1';
    const clusterName = options.clusterName ?? 'govx';
    if (!/^[A-Za-z0-9_-]+$/.test(clusterName)) {
      throw new RangeError(
        `clusterName must match [A-Za-z0-9_-]+, got ${JSON.stringify(clusterName)}`,
      );
    }
    const binary = natsServerBinary();
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'govx-nats-'));
    mkdirSync(dir, { recursive: true });
    const ports = await allocatePorts(size, options.basePort);
    const names = ports.map((_, i) => `${clusterName}-n${i}`);
    for (let i = 0; i < size; i++) {
      mkdirSync(join(dir, `n${i}`), { recursive: true });
      writeFileSync(
        join(dir, `n${i}.conf`),
        serverConfig({
          name: names[i]!,
          host,
          ports,
          self: i,
          dir,
          clusterName,
          extra: options.users,
        }),
      );
    }
    const cluster = new NatsCluster(
      dir,
      binary,
      { readyTimeoutMs: options.readyTimeoutMs ?? 30_000, probe: options.probe },
      names,
      host,
      ports,
    );
    try {
      for (let i = 0; i < size; i++) cluster.spawn(i);
      await Promise.all(names.map((_, i) => cluster.waitServing(i)));
      if (size > 1) await cluster.waitFormed();
    } catch (e) {
      await cluster.stop({ keepDir: options.dir !== undefined });
      throw e;
    }
    return cluster;
  }

  get size(): number {
    return this.serverNames.length;
  }

  /** Index of the server called `serverName`, or -1. */
  indexOf(serverName: string): number {
    return this.serverNames.indexOf(serverName);
  }

  storeDir(i: number): string {
    return join(this.dir, `n${this.check(i)}`);
  }

  logFile(i: number): string {
    return join(this.dir, `n${this.check(i)}.log`);
  }

  /** PID of server i while it runs. */
  pid(i: number): number | undefined {
    return this.procs[this.check(i)]?.pid;
  }

  /** Sends `signal` (default SIGKILL) to server i and waits for it to exit. No-op if it is down. */
  async kill(i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const proc = this.procs[this.check(i)];
    const exited = this.exits[i];
    if (!proc || !exited) return;
    proc.kill(signal);
    await exited;
  }

  /** Starts server i again with the same config and store dir; waits until it serves and the
   * meta leader counts it as current (its streams may still be catching up). */
  async restart(i: number): Promise<void> {
    if (this.procs[this.check(i)]) throw new Error(`server ${i} is running; kill it first`);
    this.spawn(i);
    await this.waitServing(i);
    if (this.size > 1) await this.waitFormed();
  }

  /** Deletes server i's JetStream store (total loss of its NATS state). Server i must be down. */
  async wipe(i: number): Promise<void> {
    if (this.procs[this.check(i)]) throw new Error(`server ${i} is running; kill it before wiping`);
    const store = this.storeDir(i);
    rmSync(store, { recursive: true, force: true });
    mkdirSync(store, { recursive: true });
  }

  /** Stops every server (SIGTERM, then SIGKILL after 5 s) and deletes `dir` unless keepDir. */
  async stop(options: { keepDir?: boolean } = {}): Promise<void> {
    await Promise.all(
      this.procs.map(async (proc, i) => {
        const exited = this.exits[i];
        if (!proc || !exited) return;
        proc.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((resolve) => {
          timer = setTimeout(() => resolve('late'), STOP_GRACE_MS);
        });
        if ((await Promise.race([exited, late])) === 'late') {
          proc.kill('SIGKILL');
          await exited;
        }
        clearTimeout(timer);
      }),
    );
    process.removeListener('exit', this.onProcessExit);
    if (!options.keepDir) rmSync(this.dir, { recursive: true, force: true });
  }

  /** Resolves when server i answers a JetStream account-info request (which needs a meta
   * leader); rejects after readyTimeoutMs or if the process exits. */
  async waitServing(i: number): Promise<void> {
    const deadline = Date.now() + this.options.readyTimeoutMs;
    let last: unknown = null;
    while (Date.now() < deadline) {
      if (!this.procs[i]) {
        throw new Error(`nats-server ${this.serverNames[i]} exited:\n${this.logTail(i)}`);
      }
      try {
        await this.probe(i);
        return;
      } catch (e) {
        last = e;
      }
      await sleep(PROBE_INTERVAL_MS);
    }
    throw new Error(
      `nats-server ${this.serverNames[i]} did not serve JetStream within ${this.options.readyTimeoutMs} ms ` +
        `(last: ${(last as Error | null)?.message ?? 'none'}):\n${this.logTail(i)}`,
    );
  }

  /** Resolves when the JetStream meta leader counts every running server as a current peer
   * (before that, placing an R3 stream fails with "no suitable peers for placement"). */
  async waitFormed(): Promise<void> {
    const running = this.serverNames.filter((_, i) => this.procs[i] !== undefined);
    const deadline = Date.now() + this.options.readyTimeoutMs;
    let last = 'no meta leader';
    while (Date.now() < deadline) {
      for (let i = 0; i < this.size; i++) {
        if (!this.procs[i]) continue;
        const meta = await this.metaCluster(i);
        const leader = this.serverNames[i]!;
        if (!meta || meta.leader !== leader) continue;
        const current = new Set((meta.replicas ?? []).filter((r) => r.current).map((r) => r.name));
        current.add(leader);
        const missing = running.filter((name) => !current.has(name));
        if (missing.length === 0) return;
        last = `meta leader ${leader} does not yet count ${missing.join(', ')} as current`;
      }
      await sleep(PROBE_INTERVAL_MS);
    }
    throw new Error(
      `the NATS cluster did not form within ${this.options.readyTimeoutMs} ms: ${last}`,
    );
  }

  private async metaCluster(i: number): Promise<MetaCluster | null> {
    try {
      const res = await fetch(`${this.monitorUrls[i]}/jsz`, { signal: AbortSignal.timeout(1_000) });
      if (!res.ok) return null;
      const body = (await res.json()) as { meta_cluster?: MetaCluster };
      return body.meta_cluster ?? null;
    } catch {
      return null;
    }
  }

  private async probe(i: number): Promise<void> {
    const nc = await connect({
      servers: [this.urls[i]!],
      reconnect: false,
      timeout: 1_000,
      name: 'govx-nats-cluster-probe',
      ...this.options.probe,
    });
    try {
      const jsm = await jetstreamManager(nc, { timeout: 1_000, checkAPI: false });
      await jsm.getAccountInfo();
    } finally {
      await nc.close();
    }
  }

  private spawn(i: number): void {
    const log = openSync(this.logFile(i), 'a');
    let proc: ChildProcess;
    try {
      proc = spawn(this.binary, ['-c', join(this.dir, `n${i}.conf`)], {
        stdio: ['ignore', log, log],
      });
    } finally {
      closeSync(log);
    }
    this.procs[i] = proc;
    this.exits[i] = new Promise<void>((resolve) => {
      proc.once('exit', () => {
        if (this.procs[i] === proc) {
          this.procs[i] = undefined;
          this.exits[i] = undefined;
        }
        resolve();
      });
      proc.once('error', () => resolve());
    });
  }

  private killAllSync(): void {
    for (const proc of this.procs) proc?.kill('SIGKILL');
  }

  private logTail(i: number): string {
    try {
      return readFileSync(this.logFile(i), 'utf8').split('\n').slice(-20).join('\n');
    } catch {
      return '(no log)';
    }
  }

  private check(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.serverNames.length) {
      throw new RangeError(`server index must be 0..${this.serverNames.length - 1}, got ${i}`);
    }
    return i;
  }
}

function serverConfig(c: {
  name: string;
  host: string;
  ports: readonly Ports[];
  self: number;
  dir: string;
  clusterName: string;
  extra: string | undefined;
}): string {
  const me = c.ports[c.self]!;
  const lines = [
    `server_name: ${JSON.stringify(c.name)}`,
    `listen: "${c.host}:${me.client}"`,
    `http: "${c.host}:${me.monitor}"`,
    `jetstream {`,
    `  store_dir: ${JSON.stringify(join(c.dir, `n${c.self}`))}`,
    `}`,
  ];
  if (c.ports.length > 1) {
    const routes = c.ports
      .filter((_, j) => j !== c.self)
      .map((p) => `    "nats-route://${c.host}:${p.cluster}"`);
    lines.push(
      `cluster {`,
      `  name: ${JSON.stringify(c.clusterName)}`,
      `  listen: "${c.host}:${me.cluster}"`,
      `  routes: [`,
      ...routes,
      `  ]`,
      `}`,
    );
  }
  if (c.extra) lines.push(c.extra);
  return lines.join('\n') + '\n';
}

async function allocatePorts(size: number, basePort: number | undefined): Promise<Ports[]> {
  if (basePort !== undefined) {
    if (!Number.isInteger(basePort) || basePort < 1024 || basePort + 200 + size > 65_535) {
      throw new RangeError(
        `basePort must leave room for 3 ranges of ${size} ports, got ${basePort}`,
      );
    }
    return Array.from({ length: size }, (_, i) => ({
      client: basePort + i,
      cluster: basePort + 100 + i,
      monitor: basePort + 200 + i,
    }));
  }
  const free: number[] = [];
  while (free.length < size * 3) {
    const port = await freePort();
    if (!free.includes(port)) free.push(port);
  }
  return Array.from({ length: size }, (_, i) => ({
    client: free[i]!,
    cluster: free[size + i]!,
    monitor: free[2 * size + i]!,
  }));
}

/** A port the OS reports free on loopback (it may be taken again before nats-server binds it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not allocate a port'));
      });
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
