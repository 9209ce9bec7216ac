// SM2 digital signatures, GB/T 32918.2-2016 (GM/T 0003.2), on the recommended curve, with
// the distinguishing-id preprocessing of GB/T 32918.2 §5.5 and the default id of GM/T
// 0009-2012 §10 (GB/T 35276-2017). Signing multiplies the nonce natively (constant
// time); verification is pure BigInt (sm2-curve.ts).
import { createECDH, createPublicKey, randomBytes, verify as nativeVerify } from 'node:crypto';
import { assertBytes, concatBytes, fromHex, utf8 } from './bytes.js';
import { signatureToDer, spkiDer } from './der.js';
import { hashUnchecked } from './hash.js';
import {
  A,
  B,
  GX,
  GY,
  N,
  P,
  PointTable,
  checkCombinationX,
  invert,
  isOnCurve,
} from './sm2-curve.js';
import type { AffinePoint } from './sm2-curve.js';

/** GM/T 0009-2012 §10: the id used when the parties agreed on none (as UTF-8 bytes). */
export const SM2_DEFAULT_ID = '1234567812345678';
/** Internal bytes of SM2_DEFAULT_ID; never handed out, so nobody can change the default. */
export const DEFAULT_ID_BYTES: Uint8Array = utf8(SM2_DEFAULT_ID);
/** ENTL is two bytes of bit length (GB/T 32918.2 §5.5): ids are at most 8191 bytes. */
const MAX_ID_LENGTH = 8191;
const SCALAR_BYTES = 32;

export interface Sm2SignOptions {
  /** Distinguishing id; default utf8(SM2_DEFAULT_ID). */
  readonly id?: Uint8Array;
  /** Fixed nonce in [1, n−1], for known-answer tests only. Reusing a nonce leaks the key. */
  readonly k?: bigint;
}

export function bigintFromBytes(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + Buffer.from(bytes).toString('hex'));
}

export function bytesFromBigint(value: bigint, length = SCALAR_BYTES): Uint8Array {
  const hex = value.toString(16).padStart(length * 2, '0');
  if (hex.length > length * 2) throw new RangeError(`value does not fit in ${length} bytes`);
  return fromHex(hex);
}

export function assertDistinguishingId(id: unknown, name: string): asserts id is Uint8Array {
  assertBytes(id, name);
  if (id.length > MAX_ID_LENGTH) {
    throw new RangeError(
      `${name}: at most ${MAX_ID_LENGTH} bytes (ENTL is 16 bits), got ${id.length}`,
    );
  }
}

/** Uncompressed 0x04‖X‖Y → point. Throws RangeError when malformed or not on the curve. */
export function decodePoint(raw: Uint8Array): AffinePoint {
  if (raw.length !== 65 || raw[0] !== 0x04) {
    throw new RangeError(`expected 65 bytes 0x04‖X‖Y, got ${raw.length} bytes starting ${raw[0]}`);
  }
  const point = { x: bigintFromBytes(raw.subarray(1, 33)), y: bigintFromBytes(raw.subarray(33)) };
  if (!isOnCurve(point)) throw new RangeError('the point is not on the SM2 curve');
  return point;
}

/** Z_A = SM3(ENTL_A ‖ ID_A ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A), GB/T 32918.2 §5.5. */
export function sm2Z(id: Uint8Array, publicRaw: Uint8Array): Uint8Array {
  const entl = id.length * 8;
  return hashUnchecked(
    'sm3',
    new Uint8Array([entl >> 8, entl & 0xff]),
    id,
    bytesFromBigint(A),
    bytesFromBigint(B),
    bytesFromBigint(GX),
    bytesFromBigint(GY),
    publicRaw.subarray(1),
  );
}

/** e = SM3(Z_A ‖ M) as an integer (GB/T 32918.2 §6.1 A1–A2, §7.1 B3–B4). */
function digestScalar(z: Uint8Array, message: Uint8Array): bigint {
  return bigintFromBytes(hashUnchecked('sm3', z, message));
}

const nonceEcdh = createECDH('SM2');

/** x(k·G) computed by OpenSSL's EC_POINT_mul, whose single-scalar path is a constant-time ladder. */
function baseMultiplyX(k: bigint): bigint {
  nonceEcdh.setPrivateKey(bytesFromBigint(k));
  return bigintFromBytes(nonceEcdh.getPublicKey().subarray(1, 33));
}

/** 0x04‖X‖Y of d·G, natively. Precondition: 1 ≤ d ≤ n − 1. */
export function publicFromScalar(d: bigint): Uint8Array {
  const ecdh = createECDH('SM2');
  ecdh.setPrivateKey(bytesFromBigint(d));
  return new Uint8Array(ecdh.getPublicKey());
}

/** Uniform-enough scalar in [1, n − 2] from ≥ 40 bytes (bias < 2⁻⁶⁴). */
export function scalarFromBytes(bytes: Uint8Array): bigint {
  return (bigintFromBytes(bytes) % (N - 2n)) + 1n;
}

/**
 * GB/T 32918.2 §6.1. `dPlusOneInverse` is (1 + d)⁻¹ mod n, cached by the caller.
 * BigInt arithmetic mod n on d is not constant-time (as in other pure-JS SM2 code).
 */
export function sm2SignScalar(
  d: bigint,
  dPlusOneInverse: bigint,
  z: Uint8Array,
  message: Uint8Array,
  fixedK?: bigint,
): Uint8Array {
  const e = digestScalar(z, message);
  for (;;) {
    const k = fixedK ?? scalarFromBytes(randomBytes(40));
    const r = (e + baseMultiplyX(k)) % N;
    const s = r === 0n || r + k === N ? 0n : (dPlusOneInverse * (k - r * d + N * N)) % N;
    if (s !== 0n) return concatBytes(bytesFromBigint(r), bytesFromBigint(s));
    if (fixedK !== undefined) throw new RangeError('k: this nonce gives r = 0, r + k = n or s = 0');
  }
}

/** GB/T 32918.2 §7.1: false for any malformed signature, never throws. */
export function sm2VerifyPoint(
  table: PointTable,
  z: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (signature.length !== 64) return false;
  const r = bigintFromBytes(signature.subarray(0, 32));
  const s = bigintFromBytes(signature.subarray(32));
  if (r < 1n || r >= N || s < 1n || s >= N) return false;
  const t = (r + s) % N;
  if (t === 0n) return false;
  const e = digestScalar(z, message);
  return checkCombinationX(s, table, t, (((r - e) % N) + N) % N);
}

/** The nonce and key of the published example (see sm2.spec.ts), used to probe OpenSSL. */
const PROBE_D = 0x3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8n;
const PROBE_K = 0x59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21n;
let nativeId: Uint8Array | null | undefined;

/**
 * The distinguishing id OpenSSL applies in node:crypto sign/verify for SM2 keys, which Node
 * gives no way to set: the default id, the empty id (OpenSSL 3.0), or null if neither.
 * Found once by checking a pure signature under each candidate natively.
 */
export function nativeSm2DistinguishingId(): Uint8Array | null {
  if (nativeId !== undefined) return nativeId;
  nativeId = null;
  const publicRaw = publicFromScalar(PROBE_D);
  const key = createPublicKey({
    key: Buffer.from(spkiDer('sm2', publicRaw)),
    format: 'der',
    type: 'spki',
  });
  const message = utf8('govx: which SM2 distinguishing id does OpenSSL use?');
  const dInv = invert(PROBE_D + 1n, N);
  for (const id of [DEFAULT_ID_BYTES, new Uint8Array(0)]) {
    const signature = sm2SignScalar(PROBE_D, dInv, sm2Z(id, publicRaw), message, PROBE_K);
    try {
      if (nativeVerify(null, message, key, signatureToDer(signature))) {
        nativeId = id;
        break;
      }
    } catch {
      // an OpenSSL without SM2 signatures: stay pure
    }
  }
  return nativeId;
}

export { N as SM2_ORDER, P as SM2_PRIME };
