// Working days and the §21 deadlines of the Government Data Sharing Regulation. Pure: time
// comes from the caller (the ledger's `time`), local days from a configured UTC offset.
import type { SharingCategory } from '@govx/contracts';

export interface CalendarConfig {
  /** Local dates (YYYY-MM-DD) that are not working days (public holidays). */
  readonly holidays?: readonly string[];
  /** Weekend dates that are working days (make-up days, 调休). */
  readonly workdays?: readonly string[];
  /** Days of the week off, 0 = Sunday. Default Saturday and Sunday. */
  readonly weekend?: readonly number[];
  /** UTC offset of local time in minutes. Default +480 (China Standard Time). */
  readonly offsetMinutes?: number;
  /**
   * Compressed time, for tests and demos only: from the instant `epoch` on, every `dayMs`
   * milliseconds is one local day (the first starts at `epoch`, on the local date of `epoch`).
   * Instants before `epoch` keep real days. Absent: real 24-hour days.
   */
  readonly compressed?: { readonly epoch: string; readonly dayMs: number };
}

/** §21 periods, in working days. */
export const DeadlineDays = {
  answerUnconditional: 1,
  answerConditional: 10,
  maxExtension: 10,
  delivery: 20,
  correction: 10,
} as const;

const DAY_MS = 86_400_000;
const DATE = /^([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;
/** No calendar leaves a year without a working day; a search past this is a config error. */
const MAX_SEARCH_DAYS = 366;

function dayNumber(date: string, name: string): number {
  const m = DATE.exec(date);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || new Date(ms).toISOString().slice(0, 10) !== date)
    throw new RangeError(`${name}: not a date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  return ms / DAY_MS;
}

export class WorkingCalendar {
  private readonly holidays: ReadonlySet<number>;
  private readonly workdays: ReadonlySet<number>;
  private readonly weekend: number;
  readonly offsetMinutes: number;
  private readonly compressed: {
    readonly epochMs: number;
    readonly dayMs: number;
    readonly base: number;
  } | null;

  constructor(config: CalendarConfig = {}) {
    this.holidays = new Set((config.holidays ?? []).map((d, i) => dayNumber(d, `holidays[${i}]`)));
    this.workdays = new Set((config.workdays ?? []).map((d, i) => dayNumber(d, `workdays[${i}]`)));
    for (const [i, d] of (config.workdays ?? []).entries())
      if (this.holidays.has(dayNumber(d, `workdays[${i}]`)))
        throw new RangeError(`workdays[${i}]: ${d} is also a holiday`);
    const weekend = config.weekend ?? [0, 6];
    for (const [i, w] of weekend.entries())
      if (!Number.isInteger(w) || w < 0 || w > 6)
        throw new RangeError(`weekend[${i}]: a day of the week 0–6`);
    if (weekend.length >= 7 && this.workdays.size === 0)
      throw new RangeError('weekend: a calendar needs working days');
    this.weekend = weekend.reduce((m, d) => m | (1 << d), 0);
    const off = config.offsetMinutes ?? 480;
    if (!Number.isInteger(off) || Math.abs(off) > 14 * 60)
      throw new RangeError('offsetMinutes: an integer within ±840');
    this.offsetMinutes = off;
    const c = config.compressed;
    if (c) {
      const epochMs = Date.parse(c.epoch);
      if (!Number.isFinite(epochMs)) throw new RangeError('compressed.epoch: an ISO time');
      if (!Number.isInteger(c.dayMs) || c.dayMs < 10 || c.dayMs > DAY_MS)
        throw new RangeError(`compressed.dayMs: an integer 10–${DAY_MS}`);
      this.compressed = {
        epochMs,
        dayMs: c.dayMs,
        base: Math.floor((epochMs + off * 60_000) / DAY_MS),
      };
    } else this.compressed = null;
  }

  /** The local day number (days since 1970-01-01) of an instant in ms. */
  private dayOf(ms: number): number {
    const c = this.compressed;
    if (c && ms >= c.epochMs) return c.base + Math.floor((ms - c.epochMs) / c.dayMs);
    return Math.floor((ms + this.offsetMinutes * 60_000) / DAY_MS);
  }

  /** The instant local day `n` starts (its local midnight). */
  private startOf(n: number): number {
    const c = this.compressed;
    if (c && n > c.base) return c.epochMs + (n - c.base) * c.dayMs;
    return n * DAY_MS - this.offsetMinutes * 60_000;
  }

  /** The instant local date `date` (YYYY-MM-DD) ends: the next local midnight (ISO). */
  endOfLocalDate(date: string): string {
    return new Date(this.startOf(dayNumber(date, 'date') + 1)).toISOString();
  }

  private isWorkingDayNumber(n: number): boolean {
    if (this.workdays.has(n)) return true;
    if (this.holidays.has(n)) return false;
    const weekday = (n + 4) % 7; // 1970-01-01 was a Thursday
    return (this.weekend & (1 << weekday)) === 0;
  }

  isWorkingDay(date: string): boolean {
    return this.isWorkingDayNumber(dayNumber(date, 'date'));
  }

  /** The local date of an instant. */
  localDate(time: string): string {
    return new Date(this.localDayNumber(time) * DAY_MS).toISOString().slice(0, 10);
  }

  private localDayNumber(time: string): number {
    const ms = Date.parse(time);
    if (!Number.isFinite(ms)) throw new RangeError(`time: not an ISO time: ${time}`);
    return this.dayOf(ms);
  }

  /**
   * The end of the `days`-th working day after the local day of `start` (the start day does
   * not count), as the UTC instant of the following local midnight (ISO, ms precision).
   */
  addWorkingDays(start: string, days: number): string {
    if (!Number.isInteger(days) || days < 0 || days > 1000)
      throw new RangeError('days: an integer 0–1000');
    let n = this.localDayNumber(start);
    let left = days;
    let idle = 0;
    while (left > 0) {
      n++;
      if (this.isWorkingDayNumber(n)) {
        left--;
        idle = 0;
      } else if (++idle > MAX_SEARCH_DAYS)
        throw new RangeError('calendar: no working day in a year');
    }
    return new Date(this.startOf(n + 1)).toISOString();
  }
}

/** §21: answer within 1 working day (unconditional, or not shared) or 10 (+ ≤ 10 extended). */
export function answerDeadline(
  calendar: WorkingCalendar,
  category: SharingCategory,
  requestTime: string,
  extensionDays = 0,
): string {
  if (
    !Number.isInteger(extensionDays) ||
    extensionDays < 0 ||
    extensionDays > DeadlineDays.maxExtension
  )
    throw new RangeError(`extensionDays: an integer 0–${DeadlineDays.maxExtension}`);
  const base =
    category === 'conditional' ? DeadlineDays.answerConditional : DeadlineDays.answerUnconditional;
  return calendar.addWorkingDays(requestTime, base + extensionDays);
}

/** §21: deliver within 20 working days of the approval. */
export function deliveryDeadline(calendar: WorkingCalendar, approvalTime: string): string {
  return calendar.addWorkingDays(approvalTime, DeadlineDays.delivery);
}

/** §22: answer a correction request within 10 working days. */
export function correctionDeadline(calendar: WorkingCalendar, correctionTime: string): string {
  return calendar.addWorkingDays(correctionTime, DeadlineDays.correction);
}
