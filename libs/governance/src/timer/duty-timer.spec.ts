import { describe, expect, it } from '@jest/globals';
import { ManualClock } from './clock.js';
import { DutyTimer } from './duty-timer.js';

const T0 = '2026-12-01T00:00:00.000Z';
const at = (iso: string): number => Date.parse(iso);

function timerWith(
  clock: ManualClock,
  dues: (string | null | Error)[],
): { timer: DutyTimer; runs: number[]; logs: string[] } {
  const runs: number[] = [];
  const logs: string[] = [];
  const timer = new DutyTimer({
    clock,
    graceMs: 1_000,
    maxSleepMs: 60_000,
    log: (m) => void logs.push(m),
    run: async () => {
      runs.push(clock.now());
      const next = dues.shift() ?? null;
      if (next instanceof Error) throw next;
      return next;
    },
  });
  return { timer, runs, logs };
}

describe(DutyTimer.name, () => {
  describe('arm()', () => {
    it('wakes at the due instant plus the grace, never before', async () => {
      const clock = new ManualClock(T0);
      const { timer, runs } = timerWith(clock, [null]);
      timer.arm('2026-12-01T00:00:10.000Z');
      expect(timer.armedAt).toBe(at('2026-12-01T00:00:11.000Z'));
      clock.set('2026-12-01T00:00:10.999Z');
      await timer.settled();
      expect(runs).toEqual([]);
      clock.advance(1);
      await timer.settled();
      expect(runs).toEqual([at('2026-12-01T00:00:11.000Z')]);
    });

    it('looks again after maxSleepMs when nothing (or something far) is due', () => {
      const clock = new ManualClock(T0);
      const { timer } = timerWith(clock, []);
      timer.arm(null);
      expect(timer.armedAt).toBe(at(T0) + 60_000);
      timer.arm('2027-12-01T00:00:00.000Z');
      expect(timer.armedAt).toBe(at(T0) + 60_000);
      expect(clock.waiting).toBe(1); // re-arming replaces the wake-up
    });

    it('fires at once for a duty already due', async () => {
      const clock = new ManualClock(T0);
      const { timer, runs } = timerWith(clock, []);
      timer.arm('2026-11-30T00:00:00.000Z');
      clock.advance(0);
      await timer.settled();
      expect(runs).toHaveLength(1);
    });
  });

  describe('fire()', () => {
    it('re-arms for the next due instant the run returns', async () => {
      const clock = new ManualClock(T0);
      const { timer, runs } = timerWith(clock, ['2026-12-01T00:00:05.000Z', null]);
      await timer.fire();
      expect(timer.armedAt).toBe(at('2026-12-01T00:00:06.000Z'));
      clock.set('2026-12-01T00:00:06.000Z');
      await timer.settled();
      expect(runs).toHaveLength(2);
      expect(timer.armedAt).toBe(at('2026-12-01T00:00:06.000Z') + 60_000);
    });

    it('survives a failed run: logged, and tried again at the routine look', async () => {
      const clock = new ManualClock(T0);
      const { timer, logs } = timerWith(clock, [new Error('database down')]);
      await timer.fire();
      expect(logs).toEqual(['duty timer run failed; retrying']);
      expect(timer.armedAt).toBe(at(T0) + 60_000);
    });

    it('does nothing once stopped', async () => {
      const clock = new ManualClock(T0);
      const { timer, runs } = timerWith(clock, []);
      timer.arm(null);
      await timer.stop();
      expect(clock.waiting).toBe(0);
      await timer.fire();
      expect(runs).toEqual([]);
    });
  });
});

describe(ManualClock.name, () => {
  it('runs due calls in time order and refuses to go back', () => {
    const clock = new ManualClock(T0);
    const order: string[] = [];
    clock.at(at(T0) + 20, () => void order.push('b'));
    clock.at(at(T0) + 10, () => void order.push('a'));
    const cancel = clock.at(at(T0) + 15, () => void order.push('cancelled'));
    cancel();
    clock.advance(30);
    expect(order).toEqual(['a', 'b']);
    expect(() => clock.set(T0)).toThrow(/to:/);
    expect(() => clock.advance(-1)).toThrow(/ms:/);
    expect(() => new ManualClock('soon')).toThrow(/start:/);
  });
});
