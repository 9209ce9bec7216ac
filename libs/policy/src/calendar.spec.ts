import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  answerDeadline,
  correctionDeadline,
  DeadlineDays,
  deliveryDeadline,
  WorkingCalendar,
} from './calendar.js';

// An example calendar: a National Day week off, with two weekend make-up working days.
const calendar = new WorkingCalendar({
  holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'],
  workdays: ['2026-09-27', '2026-10-10'],
});

describe(WorkingCalendar.name, () => {
  describe('isWorkingDay()', () => {
    it('follows weekends, holidays and make-up days', () => {
      expect(calendar.isWorkingDay('2026-11-30')).toBe(true); // Monday
      expect(calendar.isWorkingDay('2026-11-29')).toBe(false); // Sunday
      expect(calendar.isWorkingDay('2026-10-01')).toBe(false); // holiday
      expect(calendar.isWorkingDay('2026-10-10')).toBe(true); // make-up Saturday
    });
  });

  describe('addWorkingDays()', () => {
    it('counts from the day after the start, in local time, to the end of the last day', () => {
      // Friday 23:30 in Beijing is Friday 15:30 UTC: one working day ends Monday midnight local.
      expect(calendar.addWorkingDays('2026-11-27T15:30:00Z', 1)).toBe('2026-11-30T16:00:00.000Z');
      // Friday 16:30 UTC is already Saturday in Beijing: still Monday.
      expect(calendar.addWorkingDays('2026-11-27T16:30:00Z', 1)).toBe('2026-11-30T16:00:00.000Z');
    });

    it('skips holidays and counts make-up days', () => {
      expect(calendar.addWorkingDays('2026-09-30T02:00:00Z', 10)).toBe('2026-10-20T16:00:00.000Z');
    });

    it('is a local midnight after exactly n working days (property)', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 11, 31) }),
          fc.integer({ min: 0, max: 40 }),
          (ms, n) => {
            const start = new Date(ms).toISOString();
            const end = calendar.addWorkingDays(start, n);
            expect(end.slice(11)).toBe('16:00:00.000Z');
            let count = 0;
            const first = calendar.localDate(start);
            for (let d = new Date(`${first}T00:00:00Z`); ;) {
              d = new Date(d.getTime() + 86_400_000);
              const local = d.toISOString().slice(0, 10);
              if (Date.parse(`${local}T00:00:00Z`) - 8 * 3_600_000 >= Date.parse(end)) break;
              if (calendar.isWorkingDay(local)) count++;
            }
            expect(count).toBe(n);
          },
        ),
        { numRuns: 500 },
      );
    });
  });

  it('refuses bad configuration naming the member', () => {
    expect(() => new WorkingCalendar({ holidays: ['2026-02-30'] })).toThrow(/holidays\[0\]/);
    expect(
      () => new WorkingCalendar({ holidays: ['2026-10-10'], workdays: ['2026-10-10'] }),
    ).toThrow(/workdays\[0\]/);
    expect(() => new WorkingCalendar({ weekend: [7] })).toThrow(/weekend\[0\]/);
    expect(() => new WorkingCalendar({ offsetMinutes: 10_000 })).toThrow(/offsetMinutes/);
    expect(() => calendar.addWorkingDays('yesterday', 1)).toThrow(/time/);
    expect(
      () => new WorkingCalendar({ compressed: { epoch: '2026-11-30T00:00:00Z', dayMs: 5 } }),
    ).toThrow(/compressed\.dayMs/);
    expect(() => new WorkingCalendar({ compressed: { epoch: 'now', dayMs: 1000 } })).toThrow(
      /compressed\.epoch/,
    );
  });

  describe('endOfLocalDate()', () => {
    it('is the next local midnight', () => {
      expect(calendar.endOfLocalDate('2027-01-31')).toBe('2027-01-31T16:00:00.000Z');
      expect(() => calendar.endOfLocalDate('2027-02-30')).toThrow(/date/);
    });
  });

  describe('compressed time (tests and demos)', () => {
    const epoch = '2026-11-30T23:00:00.000Z'; // Tuesday 1 Dec, 07:00 in Beijing
    const fast = new WorkingCalendar({ weekend: [], compressed: { epoch, dayMs: 1000 } });
    it('makes every dayMs from the epoch one local day', () => {
      expect(fast.localDate(epoch)).toBe('2026-12-01');
      expect(fast.localDate('2026-11-30T23:00:00.999Z')).toBe('2026-12-01');
      expect(fast.localDate('2026-11-30T23:00:01.000Z')).toBe('2026-12-02');
      expect(fast.addWorkingDays('2026-11-30T23:00:00.500Z', 1)).toBe('2026-11-30T23:00:02.000Z');
      expect(fast.addWorkingDays('2026-11-30T23:00:00.500Z', 10)).toBe('2026-11-30T23:00:11.000Z');
      expect(fast.endOfLocalDate('2026-12-03')).toBe('2026-11-30T23:00:03.000Z');
    });
    it('keeps real days before the epoch', () => {
      expect(fast.localDate('2026-11-29T12:00:00Z')).toBe('2026-11-29');
      expect(fast.addWorkingDays('2026-11-30T12:00:00Z', 1)).toBe('2026-11-30T23:00:01.000Z');
    });
  });
});

describe('§21 deadlines', () => {
  const friday = '2026-11-27T02:00:00Z';
  it('answers in 1 working day (unconditional) or 10 (conditional) plus at most 10', () => {
    expect(answerDeadline(calendar, 'unconditional', friday)).toBe('2026-11-30T16:00:00.000Z');
    expect(answerDeadline(calendar, 'conditional', friday)).toBe('2026-12-11T16:00:00.000Z');
    expect(answerDeadline(calendar, 'conditional', friday, 10)).toBe('2026-12-25T16:00:00.000Z');
    expect(() => answerDeadline(calendar, 'conditional', friday, 11)).toThrow(/extensionDays/);
  });
  it('delivers within 20 and corrects within 10', () => {
    expect(deliveryDeadline(calendar, friday)).toBe(
      calendar.addWorkingDays(friday, DeadlineDays.delivery),
    );
    expect(deliveryDeadline(calendar, friday)).toBe('2026-12-25T16:00:00.000Z');
    expect(correctionDeadline(calendar, friday)).toBe('2026-12-11T16:00:00.000Z');
  });
});
