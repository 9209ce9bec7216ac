// Bit arithmetic on tree sizes and indexes held in JS numbers. JS bitwise operators truncate to
// 32 bits, so every helper here splits its argument into two 32-bit halves or uses division:
// all are exact for non-negative safe integers (< 2^53).

const TWO_32 = 2 ** 32;

/**
 * Asserts that `value` is a non-negative safe integer (a tree size or a leaf index).
 * @throws TypeError when `value` is not a number, RangeError when it is negative, fractional,
 *   NaN, infinite or above Number.MAX_SAFE_INTEGER; both name the argument.
 */
export function assertTreeInt(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number') {
    throw new TypeError(`${name}: expected a number, got ${typeof value}`);
  }
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name}: expected a non-negative safe integer, got ${value}`);
  }
}

function high(x: number): number {
  return Math.floor(x / TWO_32);
}

function low(x: number): number {
  return x % TWO_32;
}

function popcount32(v: number): number {
  let x = v - ((v >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

function trailingZeros32(v: number): number {
  return 31 - Math.clz32(v & -v);
}

/** Number of bits needed to represent `x` (Go's bits.Len64); 0 for 0. */
export function bitLength(x: number): number {
  const h = high(x);
  if (h !== 0) return 64 - Math.clz32(h);
  return 32 - Math.clz32(low(x));
}

/** Number of one bits of `x`. */
export function onesCount(x: number): number {
  return popcount32(high(x)) + popcount32(low(x));
}

/** Number of trailing zero bits of `x`. Requires x > 0. */
export function trailingZeros(x: number): number {
  const l = low(x);
  if (l !== 0) return trailingZeros32(l);
  return 32 + trailingZeros32(high(x));
}

/** `a XOR b`, exact for non-negative safe integers. */
export function xor(a: number, b: number): number {
  return ((high(a) ^ high(b)) >>> 0) * TWO_32 + ((low(a) ^ low(b)) >>> 0);
}

/** `x >> k` without 32-bit truncation. */
export function shiftRight(x: number, k: number): number {
  return Math.floor(x / 2 ** k);
}

/** Bit `i` of `x` (0 or 1). */
export function bitAt(x: number, i: number): number {
  return Math.floor(x / 2 ** i) % 2;
}

/** True when `x` is a power of two (1, 2, 4, …). */
export function isPowerOfTwo(x: number): boolean {
  return x > 0 && onesCount(x) === 1;
}
