// Wakes governance when a duty falls due by the wall clock, so deadlines fire on an idle ledger.
// MUST NOT fire before `due + graceMs`: the entry it causes is placed at the ledger's time,
// which has to be past the deadline on the ledger nodes' clocks too.
import type { Clock } from './clock.js';

export interface DutyTimerOptions {
  readonly clock: Clock;
  /** Wait this long past a due instant before acting (clock skew to the ledger nodes). */
  readonly graceMs: number;
  /** Look again at least this often, even with nothing due (clock jumps, missed wake-ups). */
  readonly maxSleepMs: number;
  /** Acts on what is due at the clock's now − graceMs; resolves the next due instant (ISO) or null. */
  readonly run: () => Promise<string | null>;
  readonly log: (message: string, detail?: Record<string, unknown>) => void;
}

export class DutyTimer {
  private cancel: (() => void) | null = null;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  /** When the armed wake-up is (clock ms), or null. */
  armedAt: number | null = null;

  constructor(private readonly options: DutyTimerOptions) {}

  /** Arms the wake-up for a duty due at `nextDue` (ISO), or the routine look if null/later. */
  arm(nextDue: string | null): void {
    if (this.stopped) return;
    const { clock, graceMs, maxSleepMs } = this.options;
    const routine = clock.now() + maxSleepMs;
    const at = nextDue === null ? routine : Math.min(routine, Date.parse(nextDue) + graceMs);
    this.cancel?.();
    this.armedAt = at;
    this.cancel = clock.at(at, () => this.fire());
  }

  /** Runs now (also what a wake-up does); resolves once it has run and re-armed. */
  fire(): Promise<void> {
    this.cancel?.();
    this.cancel = null;
    this.armedAt = null;
    this.running = this.running.then(async () => {
      if (this.stopped) return;
      let next: string | null = null;
      try {
        next = await this.options.run();
      } catch (e) {
        this.options.log('duty timer run failed; retrying', { error: (e as Error).message });
      }
      this.arm(next);
    });
    return this.running;
  }

  /** Resolves when the current run (if any) has finished. */
  settled(): Promise<void> {
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancel?.();
    this.cancel = null;
    await this.running;
  }
}
