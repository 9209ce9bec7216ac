// JSON Web Key members (RFC 7517, RFC 8037 for OKP). node:crypto has no JWK form for SM2, so
// govx writes SM2 keys as { kty: 'EC', crv: 'SM2', x, y[, d] } with fixed-width (32-byte)
// base64url members, as RFC 7518 §6.2.1.2 requires for EC coordinates.
import { KeyFormatError } from './errors.js';
import type { JsonWebKey } from 'node:crypto';

const BASE64URL_RE = /^[A-Za-z0-9_-]*$/;

export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** Strict base64url: MUST reject padding, other alphabets and non-canonical trailing bits. */
export function fromBase64Url(value: unknown, member: string, length: number): Uint8Array {
  if (typeof value !== 'string' || !BASE64URL_RE.test(value)) {
    throw new KeyFormatError(`JWK member "${member}" is not a base64url string`);
  }
  const bytes = new Uint8Array(Buffer.from(value, 'base64url'));
  if (bytes.length !== length || toBase64Url(bytes) !== value) {
    throw new KeyFormatError(`JWK member "${member}" must encode exactly ${length} bytes`);
  }
  return bytes;
}

export type JwkKind = 'ed25519' | 'x25519' | 'sm2';

export interface ParsedJwk {
  readonly kind: JwkKind;
  /** Public key in raw form (0x04‖X‖Y for SM2). */
  readonly raw: Uint8Array;
  /** Private seed or scalar (32 bytes), when the JWK has "d". */
  readonly secret?: Uint8Array;
}

/** Reads an OKP Ed25519/X25519 or EC SM2 JWK; does not check that d matches the public part. */
export function parseJwk(jwk: JsonWebKey): ParsedJwk {
  if (jwk === null || typeof jwk !== 'object') throw new KeyFormatError('JWK: expected an object');
  const secret = jwk.d === undefined ? undefined : fromBase64Url(jwk.d, 'd', 32);
  if (jwk.kty === 'OKP' && (jwk.crv === 'Ed25519' || jwk.crv === 'X25519')) {
    const kind = jwk.crv === 'Ed25519' ? 'ed25519' : 'x25519';
    return { kind, raw: fromBase64Url(jwk.x, 'x', 32), ...(secret && { secret }) };
  }
  if (jwk.kty === 'EC' && jwk.crv === 'SM2') {
    const raw = new Uint8Array(65);
    raw[0] = 0x04;
    raw.set(fromBase64Url(jwk.x, 'x', 32), 1);
    raw.set(fromBase64Url(jwk.y, 'y', 32), 33);
    return { kind: 'sm2', raw, ...(secret && { secret }) };
  }
  throw new KeyFormatError(
    `JWK: unsupported key type kty=${JSON.stringify(jwk.kty)} crv=${JSON.stringify(jwk.crv)}` +
      ' (expected OKP Ed25519, OKP X25519 or EC SM2)',
  );
}

export function okpJwk(
  crv: 'Ed25519' | 'X25519',
  raw: Uint8Array,
  secret?: Uint8Array,
): JsonWebKey {
  return { kty: 'OKP', crv, x: toBase64Url(raw), ...(secret && { d: toBase64Url(secret) }) };
}

export function sm2Jwk(raw: Uint8Array, secret?: Uint8Array): JsonWebKey {
  return {
    kty: 'EC',
    crv: 'SM2',
    x: toBase64Url(raw.subarray(1, 33)),
    y: toBase64Url(raw.subarray(33, 65)),
    ...(secret && { d: toBase64Url(secret) }),
  };
}
