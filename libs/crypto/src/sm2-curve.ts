// Arithmetic on the SM2 recommended curve sm2p256v1 (GB/T 32918.5-2017, a.k.a. GM/T
// 0003.5-2012): y² = x³ + ax + b over F_p, with a = p − 3. Pure BigInt, Jacobian coordinates
// (x = X/Z², y = Y/Z³, Z = 0 is the point at infinity).
//
// MUST NOT be used with secret scalars: BigInt arithmetic and table lookups are not
// constant-time. Signing multiplies its nonce natively (OpenSSL, constant-time); this module
// serves verification, which only handles public values.

export const P = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;
export const A = P - 3n;
export const B = 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n;
export const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
export const GX = 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n;
export const GY = 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n;

export interface AffinePoint {
  readonly x: bigint;
  readonly y: bigint;
}

interface JacobianPoint {
  readonly X: bigint;
  readonly Y: bigint;
  readonly Z: bigint;
}

const INFINITY: JacobianPoint = { X: 1n, Y: 1n, Z: 0n };

function mod(a: bigint, m: bigint = P): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

/** a⁻¹ mod m by the extended Euclidean algorithm. Precondition: gcd(a, m) = 1, a ≠ 0. */
export function invert(a: bigint, m: bigint): bigint {
  let [r0, r1] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new RangeError('invert: not invertible');
  return mod(s0, m);
}

export function isOnCurve(point: AffinePoint): boolean {
  const { x, y } = point;
  if (x < 0n || x >= P || y < 0n || y >= P) return false;
  return mod(y * y - (x * x * x + A * x + B)) === 0n;
}

/** 2·Q, "dbl-2001-b" (a = −3) from the Explicit-Formulas Database, with Z3 = 2·Y·Z. */
function double(q: JacobianPoint): JacobianPoint {
  const { X, Y, Z } = q;
  if (Z === 0n || Y === 0n) return INFINITY;
  const delta = (Z * Z) % P;
  const gamma = (Y * Y) % P;
  const beta = (X * gamma) % P;
  let t = X - delta;
  if (t < 0n) t += P;
  const alpha = (3n * t * (X + delta)) % P;
  let X3 = (alpha * alpha - (beta << 3n)) % P;
  if (X3 < 0n) X3 += P;
  let Y3 = (alpha * ((beta << 2n) - X3) - (((gamma * gamma) % P) << 3n)) % P;
  if (Y3 < 0n) Y3 += P;
  return { X: X3, Y: Y3, Z: ((Y * Z) << 1n) % P };
}

/** Q + R for affine R, "madd-2007-bl" with Z3 = 2·Z1·H. Handles Q = ±R and Q = ∞. */
function addAffine(q: JacobianPoint, r: AffinePoint): JacobianPoint {
  const { X, Y, Z } = q;
  if (Z === 0n) return { X: r.x, Y: r.y, Z: 1n };
  const zz = (Z * Z) % P;
  let h = ((r.x * zz) % P) - X;
  if (h < 0n) h += P;
  let rr = ((r.y * ((Z * zz) % P)) % P) - Y;
  if (rr < 0n) rr += P;
  rr <<= 1n;
  if (h === 0n) return rr === 0n ? double(q) : INFINITY;
  const i = ((h * h) % P) << 2n;
  const j = (h * i) % P;
  const v = (X * i) % P;
  let X3 = (rr * rr - j - (v << 1n)) % P;
  if (X3 < 0n) X3 += P;
  let Y3 = (rr * (v - X3) - (((Y * j) % P) << 1n)) % P;
  if (Y3 < 0n) Y3 += P;
  return { X: X3, Y: Y3, Z: ((Z * h) << 1n) % P };
}

/** Converts finite Jacobian points to affine with one inversion (Montgomery's trick). */
function normalizeAll(points: readonly JacobianPoint[]): AffinePoint[] {
  const prefix: bigint[] = [];
  let acc = 1n;
  for (const p of points) {
    prefix.push(acc);
    acc = (acc * p.Z) % P;
  }
  let inv = invert(acc, P);
  const out = new Array<AffinePoint>(points.length);
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i]!;
    const zInv = (inv * prefix[i]!) % P;
    inv = (inv * p.Z) % P;
    const zInv2 = (zInv * zInv) % P;
    out[i] = { x: (p.X * zInv2) % P, y: (((p.Y * zInv2) % P) * zInv) % P };
  }
  return out;
}

const SCALAR_NIBBLES = 64;

/**
 * Multiples of one base point for fixed-window scalar multiplication with w-bit digits
 * (w = 4 or 8): `rows[i][j − 1]` is j·2^(w·i)·Q. With all 256/w rows a multiplication is
 * 256/w additions and no doublings; with only row 0 (w = 4) it is Horner's rule.
 */
export class PointTable {
  private readonly rows: AffinePoint[][];
  private readonly bits: 4 | 8;

  private constructor(rows: AffinePoint[][], bits: 4 | 8) {
    this.rows = rows;
    this.bits = bits;
  }

  /** Row 0 with 4-bit digits: 15 points, one inversion. For points seen once. */
  static small(point: AffinePoint): PointTable {
    return new PointTable(PointTable.rowsOf(point, 4, 1), 4);
  }

  /**
   * All rows. 4-bit digits: 960 points (~15 ms, ~100 KB), for a key that verifies often;
   * 8-bit digits: 8160 points (~100 ms, ~1 MB), for the generator only.
   */
  static full(point: AffinePoint, bits: 4 | 8 = 4): PointTable {
    return new PointTable(PointTable.rowsOf(point, bits, 256 / bits), bits);
  }

  private static rowsOf(point: AffinePoint, bits: 4 | 8, rowCount: number): AffinePoint[][] {
    const perRow = (1 << bits) - 1;
    const jacobian: JacobianPoint[] = [];
    let base = point;
    for (let i = 0; i < rowCount; i++) {
      let acc: JacobianPoint = INFINITY;
      for (let j = 1; j <= perRow; j++) {
        acc = addAffine(acc, base);
        jacobian.push(acc);
      }
      if (i + 1 < rowCount) base = normalizeAll([addAffine(acc, base)])[0]!;
    }
    const affine = normalizeAll(jacobian);
    const rows: AffinePoint[][] = [];
    for (let i = 0; i < rowCount; i++) rows.push(affine.slice(i * perRow, (i + 1) * perRow));
    return rows;
  }

  get isFull(): boolean {
    return this.rows.length === 256 / this.bits;
  }

  /** acc + k·Q for 0 ≤ k < 2²⁵⁶. */
  mulAdd(acc: JacobianPoint, k: bigint): JacobianPoint {
    const hex = k.toString(16).padStart(SCALAR_NIBBLES, '0');
    if (this.isFull) {
      const width = this.bits / 4;
      for (let i = 0, end = SCALAR_NIBBLES; end > 0; i++, end -= width) {
        const digit = parseInt(hex.slice(end - width, end), 16);
        if (digit !== 0) acc = addAffine(acc, this.rows[i]![digit - 1]!);
      }
      return acc;
    }
    const row = this.rows[0]!;
    let sum: JacobianPoint = INFINITY;
    for (let i = 0; i < SCALAR_NIBBLES; i++) {
      sum = double(double(double(double(sum))));
      const digit = parseInt(hex[i]!, 16);
      if (digit !== 0) sum = addAffine(sum, row[digit - 1]!);
    }
    return acc.Z === 0n ? sum : addJacobian(sum, acc);
  }
}

/** Q + R in Jacobian coordinates ("add-2007-bl"), used once per Horner multiplication. */
function addJacobian(q: JacobianPoint, r: JacobianPoint): JacobianPoint {
  if (q.Z === 0n) return r;
  if (r.Z === 0n) return q;
  const z1z1 = (q.Z * q.Z) % P;
  const z2z2 = (r.Z * r.Z) % P;
  const u1 = (q.X * z2z2) % P;
  const u2 = (r.X * z1z1) % P;
  const s1 = (((q.Y * r.Z) % P) * z2z2) % P;
  const s2 = (((r.Y * q.Z) % P) * z1z1) % P;
  const h = mod(u2 - u1);
  const rr = 2n * mod(s2 - s1);
  if (h === 0n) return rr === 0n ? double(q) : INFINITY;
  const i = (4n * h * h) % P;
  const j = (h * i) % P;
  const v = (u1 * i) % P;
  const X3 = mod(rr * rr - j - 2n * v);
  const Y3 = mod(rr * (v - X3) - 2n * ((s1 * j) % P));
  const Z3 = (mod((q.Z + r.Z) * (q.Z + r.Z) - z1z1 - z2z2) * h) % P;
  return { X: X3, Y: Y3, Z: Z3 };
}

let generatorTable: PointTable | undefined;

/** The 8-bit table of G, built on first use (~100 ms) and kept. */
export function generatorPoints(): PointTable {
  generatorTable ??= PointTable.full({ x: GX, y: GY }, 8);
  return generatorTable;
}

/**
 * True when x(u1·G + u2·Q) ≡ expected (mod n), the final check of SM2 and ECDSA-style
 * verification. Avoids the inversion: x = X/Z², so it compares X with c·Z² for each
 * c ∈ [0, p) with c ≡ expected (mod n). False when the sum is the point at infinity.
 */
export function checkCombinationX(
  u1: bigint,
  table: PointTable,
  u2: bigint,
  expected: bigint,
): boolean {
  const sum = table.mulAdd(generatorPoints().mulAdd(INFINITY, u1), u2);
  if (sum.Z === 0n) return false;
  const zz = (sum.Z * sum.Z) % P;
  for (let c = expected; c < P; c += N) {
    if ((c * zz) % P === sum.X) return true;
  }
  return false;
}

/** k·Q in affine coordinates, or undefined for the point at infinity. Variable-time. */
export function multiplyUnsafe(table: PointTable, k: bigint): AffinePoint | undefined {
  const q = table.mulAdd(INFINITY, mod(k, N));
  return q.Z === 0n ? undefined : normalizeAll([q])[0];
}
