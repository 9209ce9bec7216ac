// The wall clock governance's duty timer runs on, injected so tests move time by days at once.

/** The largest delay setTimeout takes (2^31 − 1 ms); longer waits wake early and re-arm. */
const MAX_TIMEOUT_MS = 2_147_483_647;

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Calls `fn` once when this clock reaches `atMs` (or later; possibly earlier for waits
   * beyond ~24 days, callers re-check). Returns a function that cancels the call.
   */
  at(atMs: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  at(atMs, fn) {
    const t = setTimeout(fn, Math.min(MAX_TIMEOUT_MS, Math.max(0, atMs - Date.now())));
    return () => clearTimeout(t);
  },
};

/** A clock that moves only when told to: advance() runs the calls that fell due, in time order. */
export class ManualClock implements Clock {
  private ms: number;
  private readonly pending = new Set<{ readonly atMs: number; readonly fn: () => void }>();

  constructor(start: string | number) {
    this.ms = typeof start === 'number' ? start : Date.parse(start);
    if (!Number.isFinite(this.ms)) throw new RangeError(`start: not a time: ${String(start)}`);
  }

  now(): number {
    return this.ms;
  }

  at(atMs: number, fn: () => void): () => void {
    const item = { atMs, fn };
    this.pending.add(item);
    return () => void this.pending.delete(item);
  }

  /** Moves the clock `ms` forward (≥ 0) and runs every call due by then. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('ms: a duration ≥ 0');
    this.set(this.ms + ms);
  }

  /** Moves the clock to `to` (not backwards) and runs every call due by then. */
  set(to: string | number): void {
    const ms = typeof to === 'number' ? to : Date.parse(to);
    if (!Number.isFinite(ms) || ms < this.ms) throw new RangeError('to: a time not before now');
    this.ms = ms;
    const due = [...this.pending].filter((p) => p.atMs <= ms).sort((a, b) => a.atMs - b.atMs);
    for (const p of due) {
      this.pending.delete(p);
      p.fn();
    }
  }

  /** Calls waiting (for tests). */
  get waiting(): number {
    return this.pending.size;
  }
}
