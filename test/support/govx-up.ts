// The real `govx up` CLI process for e2e tests: started on a temp directory (mode 0755: the
// embedded PostgreSQL runs as the OS user postgres when the tests run as root) and a random
// base port, its output collected, and every process started stopped by PID after each test.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const GOVX = fileURLToPath(new URL('../../apps/cli/bin/govx.js', import.meta.url));

export interface RunningUp {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
}

export interface GovxUpHarness {
  readonly dir: string;
  readonly base: number;
  /** Starts `govx up --dir <dir> --base-port <base> …extra`, on embedded PostgreSQL. */
  up(extra?: readonly string[]): RunningUp;
  /** SIGTERM to every process still running, and waits for each to exit. */
  stopAll(): Promise<void>;
}

/**
 * `firstBase`: the lowest base port to draw from (100 × up to 50 above it). Keep the block
 * (base … base + 532) below Linux's ephemeral range (32768 and up), where outgoing
 * connections of other tests take ports at random.
 */
export async function govxUpHarness(name: string, firstBase: number): Promise<GovxUpHarness> {
  const dir = await mkdtemp(join(tmpdir(), `govx-${name}-`));
  await chmod(dir, 0o755);
  const base = firstBase + Math.floor(Math.random() * 50) * 100;
  const started: ChildProcess[] = [];
  return {
    dir,
    base,
    up(extra = []) {
      const child = spawn(
        process.execPath,
        [GOVX, 'up', '--dir', dir, '--base-port', String(base), ...extra],
        { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DATABASE_URL: '' } },
      );
      started.push(child);
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      return { child, output: () => out, exited };
    },
    async stopAll() {
      for (const child of started.splice(0)) {
        if (child.exitCode !== null || child.signalCode !== null) continue;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** Polls `check` every 100 ms; throws naming `what` after `ms`. */
export async function until(what: string, check: () => boolean, ms = 240_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
