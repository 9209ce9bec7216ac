// One platform process (a ledger node, governance, a department gateway): spawned from its
// built main.js with a config file, its output appended to a log file, ready when its
// /health answers. Stopped by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

export interface ServiceProcessOptions {
  /** Shown in errors, e.g. `ledger-1`. */
  readonly name: string;
  readonly main: string;
  readonly args: readonly string[];
  /** Extra Node.js flags. */
  readonly nodeArgs?: readonly string[];
  /** Append stdout and stderr here; 'inherit' to share the caller's. */
  readonly log: string | 'inherit';
  /** Its health URL: ready when it answers 200 (or 503: up, but unhealthy). */
  readonly healthUrl: string;
  readonly readyTimeoutMs?: number;
  /** Added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Spawns the process and waits until its health URL answers; throws if it exits first. */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ChildProcess> {
  const out = options.log === 'inherit' ? 'inherit' : openSync(options.log, 'a');
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), options.main, ...options.args],
    {
      stdio: ['ignore', out, out],
      env: { ...process.env, ...options.env },
    },
  );
  if (typeof out === 'number') closeSync(out);
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const where = options.log === 'inherit' ? '' : ` (see ${options.log})`;
      throw new Error(
        `${options.name} exited with ${child.exitCode ?? child.signalCode} during start${where}`,
      );
    }
    try {
      const res = await fetch(options.healthUrl);
      if (res.status === 200 || res.status === 503) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`${options.name} did not answer ${options.healthUrl} in time`);
}

/** Sends `signal` and waits for the exit; SIGKILL after graceMs. No-op when not running. */
export async function stopServiceProcess(
  child: ChildProcess | null,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 10_000,
): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(force);
}
