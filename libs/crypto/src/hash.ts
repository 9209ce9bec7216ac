// Hashing, HMAC and HKDF over node:crypto. SM3 is GB/T 32905-2016; HKDF is RFC 5869.
import { createHash, createHmac } from 'node:crypto';
import type { HashAlgorithm } from './algorithms.js';
import { assertBytes } from './bytes.js';

const HASH_ALGORITHMS: readonly HashAlgorithm[] = ['sha256', 'sm3'];
/** Output length in bytes of both hashes. */
export const HASH_LENGTH = 32;

export function assertHashAlgorithm(value: unknown, name: string): asserts value is HashAlgorithm {
  if (!HASH_ALGORITHMS.includes(value as HashAlgorithm)) {
    throw new RangeError(`${name}: unknown hash algorithm ${JSON.stringify(value)}`);
  }
}

/** H(parts[0] ‖ parts[1] ‖ …): 32 bytes. One hash context, one update per part. */
export function hash(alg: HashAlgorithm, ...parts: Uint8Array[]): Uint8Array {
  assertHashAlgorithm(alg, 'alg');
  const h = createHash(alg);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    assertBytes(part, `parts[${i}]`);
    h.update(part);
  }
  return toUint8(h.digest());
}

/** Hash without argument checks, for internal callers that pass known byte arrays. */
export function hashUnchecked(alg: HashAlgorithm, ...parts: readonly Uint8Array[]): Uint8Array {
  const h = createHash(alg);
  for (const part of parts) h.update(part);
  return toUint8(h.digest());
}

export function hmac(
  alg: HashAlgorithm,
  key: Uint8Array,
  ...parts: readonly Uint8Array[]
): Uint8Array {
  const h = createHmac(alg, key);
  for (const part of parts) h.update(part);
  return toUint8(h.digest());
}

/** HKDF-Extract (RFC 5869 §2.2). An empty salt is HashLen zero bytes, as HMAC pads keys. */
export function hkdfExtract(alg: HashAlgorithm, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return hmac(alg, salt, ikm);
}

/** HKDF-Expand (RFC 5869 §2.3). MUST: length ≤ 255 · HashLen. */
export function hkdfExpand(
  alg: HashAlgorithm,
  prk: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 255 * HASH_LENGTH) {
    throw new RangeError(
      `length: HKDF-Expand output must be 0..${255 * HASH_LENGTH} bytes, got ${length}`,
    );
  }
  const out = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  for (let offset = 0, counter = 1; offset < length; counter++) {
    previous = hmac(alg, prk, previous, info, new Uint8Array([counter]));
    out.set(previous.subarray(0, Math.min(HASH_LENGTH, length - offset)), offset);
    offset += HASH_LENGTH;
  }
  return out;
}

function toUint8(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
