// Tiny measuring helpers for `govx bench`: wall time with hrtime, a warm-up, a forced GC.

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
