// SM2 signing keys and the explicit-id functions sm2Sign / sm2Verify. Each key carries its
// distinguishing id (default GM/T 0009 "1234567812345678") and caches Z_A and, for keys that
// verify often, a full precomputed point table.
//
// Native path: node:crypto cannot set the SM2 id; OpenSSL 3.0 signs with the empty id. A key
// whose id equals the one OpenSSL applies (nativeSm2DistinguishingId) signs and verifies
// natively; every other key uses the pure implementation.
import {
  createPrivateKey,
  createPublicKey,
  sign as nativeSign,
  verify as nativeVerify,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { assertBytes, equalBytes, toHex } from './bytes.js';
import { pem, pkcs8Der, signatureFromDer, signatureToDer, spkiDer } from './der.js';
import { hashUnchecked } from './hash.js';
import { sm2Jwk } from './jwk.js';
import { PointTable, invert } from './sm2-curve.js';
import {
  DEFAULT_ID_BYTES,
  SM2_ORDER,
  assertDistinguishingId,
  bytesFromBigint,
  decodePoint,
  nativeSm2DistinguishingId,
  publicFromScalar,
  sm2SignScalar,
  sm2VerifyPoint,
  sm2Z,
} from './sm2.js';
import type { Sm2SignOptions } from './sm2.js';
import type { SigningPrivateKey, SigningPublicKey } from './types.js';
import type { JsonWebKey } from 'node:crypto';

/** After this many pure verifications a key gets the full table (~10 ms, ~100 KB, then ~3× faster). */
const FULL_TABLE_AFTER = 8;

function usesNativeId(id: Uint8Array): boolean {
  const native = nativeSm2DistinguishingId();
  return native !== null && equalBytes(native, id);
}

export class Sm2SigningPublicKey implements SigningPublicKey {
  readonly algorithm = 'sm2' as const;
  readonly raw: Uint8Array;
  readonly keyId: string;
  private readonly id: Uint8Array;
  /** Z_A for `distinguishingId` (GB/T 32918.2 §5.5). */
  readonly z: Uint8Array;
  private readonly keyObject: KeyObject | undefined;
  private table: PointTable;
  private verifications = 0;

  /** Throws RangeError when `raw` is not an uncompressed point on the curve. */
  constructor(raw: Uint8Array, distinguishingId: Uint8Array = DEFAULT_ID_BYTES) {
    this.raw = new Uint8Array(raw);
    this.table = PointTable.small(decodePoint(this.raw));
    this.id = new Uint8Array(distinguishingId);
    this.z = sm2Z(this.id, this.raw);
    const der = spkiDer('sm2', this.raw);
    this.keyId = toHex(hashUnchecked('sm3', der));
    this.keyObject = usesNativeId(this.id)
      ? createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' })
      : undefined;
  }

  /** A copy of the signer's distinguishing id. */
  get distinguishingId(): Uint8Array {
    return new Uint8Array(this.id);
  }

  /** @internal True when `id` is this key's distinguishing id. */
  hasId(id: Uint8Array): boolean {
    return equalBytes(this.id, id);
  }

  verify(message: Uint8Array, signature: Uint8Array): boolean {
    assertBytes(message, 'message');
    assertBytes(signature, 'signature');
    if (signature.length !== 64) return false;
    if (this.keyObject === undefined) return this.verifyPure(message, signature, this.z);
    try {
      return nativeVerify(null, message, this.keyObject, signatureToDer(signature));
    } catch {
      return false;
    }
  }

  /** @internal GB/T 32918.2 §7.1 in BigInt for any Z_A. */
  verifyPure(message: Uint8Array, signature: Uint8Array, z: Uint8Array): boolean {
    if (!this.table.isFull && ++this.verifications >= FULL_TABLE_AFTER) {
      this.table = PointTable.full(decodePoint(this.raw));
    }
    return sm2VerifyPoint(this.table, z, message, signature);
  }

  toPem(): string {
    return pem('PUBLIC KEY', spkiDer('sm2', this.raw));
  }

  toJwk(): JsonWebKey {
    return sm2Jwk(this.raw);
  }
}

export class Sm2SigningPrivateKey implements SigningPrivateKey {
  readonly publicKey: Sm2SigningPublicKey;
  private readonly d: bigint;
  private readonly dPlusOneInverse: bigint;
  private readonly keyObject: KeyObject | undefined;

  /** Precondition: 1 ≤ d ≤ n − 2 (GB/T 32918.1 §6.1; d = n − 1 has no (1 + d)⁻¹). */
  constructor(d: bigint, distinguishingId: Uint8Array = DEFAULT_ID_BYTES) {
    if (d < 1n || d > SM2_ORDER - 2n)
      throw new RangeError('d: the SM2 private key must be in [1, n − 2]');
    this.d = d;
    this.dPlusOneInverse = invert(d + 1n, SM2_ORDER);
    this.publicKey = new Sm2SigningPublicKey(publicFromScalar(d), distinguishingId);
    this.keyObject = usesNativeId(distinguishingId)
      ? createPrivateKey({ key: Buffer.from(this.pkcs8()), format: 'der', type: 'pkcs8' })
      : undefined;
  }

  /** 64 bytes r‖s. Randomized: two signatures of one message differ. */
  sign(message: Uint8Array): Uint8Array {
    assertBytes(message, 'message');
    if (this.keyObject === undefined) return this.signPure(message, this.publicKey.z);
    return signatureFromDer(nativeSign(null, message, this.keyObject));
  }

  /** @internal GB/T 32918.2 §6.1 for any Z_A, optionally with a fixed nonce. */
  signPure(message: Uint8Array, z: Uint8Array, k?: bigint): Uint8Array {
    return sm2SignScalar(this.d, this.dPlusOneInverse, z, message, k);
  }

  toPem(): string {
    return pem('PRIVATE KEY', this.pkcs8());
  }

  toJwk(): JsonWebKey {
    return sm2Jwk(this.publicKey.raw, bytesFromBigint(this.d));
  }

  private pkcs8(): Uint8Array {
    return pkcs8Der('sm2', bytesFromBigint(this.d), this.publicKey.raw);
  }
}

function zFor(key: Sm2SigningPublicKey, id: Uint8Array | undefined): Uint8Array {
  const wanted = id ?? DEFAULT_ID_BYTES;
  assertDistinguishingId(wanted, 'options.id');
  return key.hasId(wanted) ? key.z : sm2Z(wanted, key.raw);
}

/**
 * SM2 signature (GB/T 32918.2 §6.1) under any distinguishing id, in pure BigInt except the
 * nonce multiplication. `options.id` defaults to SM2_DEFAULT_ID (not to the key's own id).
 */
export function sm2Sign(
  privateKey: SigningPrivateKey,
  message: Uint8Array,
  options: Sm2SignOptions = {},
): Uint8Array {
  if (!(privateKey instanceof Sm2SigningPrivateKey))
    throw new TypeError('privateKey: expected an sm2 signing key');
  assertBytes(message, 'message');
  const { k } = options;
  if (k !== undefined && (typeof k !== 'bigint' || k < 1n || k >= SM2_ORDER)) {
    throw new RangeError('options.k: the nonce must be a bigint in [1, n − 1]');
  }
  return privateKey.signPure(message, zFor(privateKey.publicKey, options.id), k);
}

/**
 * SM2 verification (GB/T 32918.2 §7.1) under any distinguishing id, pure BigInt.
 * `publicKey` is an sm2 SigningPublicKey or 65 raw bytes 0x04‖X‖Y. False for any bad signature.
 */
export function sm2Verify(
  publicKey: SigningPublicKey | Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  options: { readonly id?: Uint8Array } = {},
): boolean {
  const key = publicKey instanceof Uint8Array ? new Sm2SigningPublicKey(publicKey) : publicKey;
  if (!(key instanceof Sm2SigningPublicKey))
    throw new TypeError('publicKey: expected an sm2 public key');
  assertBytes(message, 'message');
  assertBytes(signature, 'signature');
  if (signature.length !== 64) return false;
  return key.verifyPure(message, signature, zFor(key, options.id));
}
