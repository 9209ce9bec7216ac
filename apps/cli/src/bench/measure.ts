// Tiny measuring helpers for `govx bench`: wall time with hrtime, a warm-up, a forced GC, the
// CPU time of a process from /proc.
import { readFileSync } from 'node:fs';
import pg from 'pg';

export interface Measurement {
  readonly name: string;
  readonly ops: number;
  readonly seconds: number;
  readonly perSecond: number;
}

export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Runs `fn` once to warm up (on a small slice when `warm` is given), then times it. */
export function measure(name: string, ops: number, fn: () => void, warm?: () => void): Measurement {
  (warm ?? fn)();
  collectGarbage();
  const start = process.hrtime.bigint();
  fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { name, ops, seconds, perSecond: ops / seconds };
}

export function formatRate(perSecond: number): string {
  return Math.round(perSecond).toLocaleString('en-US');
}

const TICKS_PER_SECOND = 100; // Linux USER_HZ

/** CPU seconds (user + system) of a process so far, from /proc/<pid>/stat; 0 if unreadable. */
export function cpuSecondsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime
  } catch {
    return 0;
  }
}

/** PIDs of the PostgreSQL backends serving the bench's databases (same host only). */
export async function postgresBackends(url: string, prefix: string): Promise<number[]> {
  const admin = new pg.Client({ connectionString: `${url}/postgres` });
  await admin.connect();
  try {
    const r = await admin.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname LIKE $1',
      [`${prefix}%`],
    );
    return r.rows.map((row) => row.pid);
  } finally {
    await admin.end();
  }
}
