// PostgreSQL bigint arrives from node-postgres as a decimal string; the ledger counts in JS
// numbers, which are exact only up to 2^53 - 1.
import type { ValueTransformer } from 'typeorm';
import { StoreError } from './store.error.js';

/**
 * A bigint read from the database as a JS number.
 * @throws StoreError when it is not a non-negative safe integer (a corrupt or foreign row).
 */
export function toSafeInteger(value: unknown, column: string): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new StoreError(`${column}: ${String(value)} is not a non-negative safe integer`);
  }
  return n;
}

/** bigint column <-> number; refuses values a number cannot hold exactly. */
export function bigintColumn(column: string): ValueTransformer {
  return {
    to: (value: unknown) => value,
    from: (value: unknown) => (value === null ? null : toSafeInteger(value, column)),
  };
}

/** Asserts a non-negative safe integer argument, naming it (TypeError/RangeError). */
export function assertCount(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number') throw new TypeError(`${name}: expected a number`);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name}: expected a non-negative safe integer, got ${value}`);
  }
}

/** The maximum rows one read returns. */
export const MAX_PAGE = 1000;

/** Asserts a page size in [1, MAX_PAGE], naming the argument. */
export function assertLimit(value: unknown, name = 'limit'): asserts value is number {
  assertCount(value, name);
  if (value < 1 || value > MAX_PAGE) {
    throw new RangeError(`${name}: expected 1..${MAX_PAGE}, got ${value}`);
  }
}
