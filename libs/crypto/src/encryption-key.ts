// Key-agreement keys for sealing: X25519 (RFC 7748) and ECDH on the SM2 curve (the
// "curveSM2" key exchange of RFC 8998 §3.2.1: plain ECDH, not the GB/T 32918.3 protocol).
// `dh` is the Diffie-Hellman function of RFC 9180 §4.1; it throws for an invalid peer key.
import {
  createECDH,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  randomBytes,
} from 'node:crypto';
import type { ECDH, KeyObject } from 'node:crypto';
import { toHex } from './bytes.js';
import { pem, pkcs8Der, spkiDer } from './der.js';
import { CryptoError } from './errors.js';
import { hashUnchecked } from './hash.js';
import { fromBase64Url, okpJwk, sm2Jwk } from './jwk.js';
import { bytesFromBigint, decodePoint, scalarFromBytes } from './sm2.js';
import type { EncryptionPrivateKey, EncryptionPublicKey } from './types.js';
import type { JsonWebKey } from 'node:crypto';

export const X25519_KEY_LENGTH = 32;

/**
 * An encryption private key that can compute DH(sk, pk) with a peer's public key, given raw
 * or as a key object of this module (whose native key it then reuses).
 */
export interface DhPrivateKey extends EncryptionPrivateKey {
  dh(peer: Uint8Array | EncryptionPublicKey): Uint8Array;
}

/** generateKeyPairSync with JWK encodings, which @types/node 20 does not declare for x25519. */
const generateJwkPair = generateKeyPairSync as unknown as (
  type: 'x25519',
  options: {
    readonly publicKeyEncoding: { readonly format: 'jwk' };
    readonly privateKeyEncoding: { readonly format: 'jwk' };
  },
) => { readonly publicKey: JsonWebKey; readonly privateKey: JsonWebKey };

/**
 * A native X25519 public key from raw bytes. JWK, not DER: node:crypto imports a JWK ~8x
 * faster than the same key as SPKI DER (OpenSSL 3.0's decoder lookup), same key.
 */
function x25519PublicKeyObject(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: okpJwk('X25519', raw), format: 'jwk' });
}

export class X25519PublicKey implements EncryptionPublicKey {
  readonly algorithm = 'x25519' as const;
  readonly raw: Uint8Array;
  readonly keyId: string;

  /** Precondition: 32 bytes (checked by the importers). */
  constructor(raw: Uint8Array) {
    this.raw = new Uint8Array(raw);
    this.keyId = toHex(hashUnchecked('sha256', spkiDer('x25519', this.raw)));
  }

  private native: KeyObject | undefined;

  /** The native key, imported once per instance (long-lived peers' keys are reused). */
  keyObject(): KeyObject {
    this.native ??= x25519PublicKeyObject(this.raw);
    return this.native;
  }

  toPem(): string {
    return pem('PUBLIC KEY', spkiDer('x25519', this.raw));
  }

  toJwk(): JsonWebKey {
    return okpJwk('X25519', this.raw);
  }
}

export class X25519PrivateKey implements DhPrivateKey {
  readonly publicKey: X25519PublicKey;
  private readonly secret: Uint8Array;
  private readonly keyObject: KeyObject;

  /**
   * From the 32-byte secret. `native` is for generate() only: the native private key already
   * imported with its public half, so nothing is imported again (DER import costs ~600 µs).
   */
  constructor(
    secret: Uint8Array,
    native?: { readonly privateKey: KeyObject; readonly publicRaw: Uint8Array },
  ) {
    this.secret = new Uint8Array(secret);
    if (native !== undefined) {
      this.keyObject = native.privateKey;
      this.publicKey = new X25519PublicKey(native.publicRaw);
      return;
    }
    this.keyObject = createPrivateKey({
      key: Buffer.from(pkcs8Der('x25519', this.secret)),
      format: 'der',
      type: 'pkcs8',
    });
    const spki = createPublicKey(this.keyObject).export({ format: 'der', type: 'spki' });
    this.publicKey = new X25519PublicKey(
      new Uint8Array(spki.subarray(spki.length - X25519_KEY_LENGTH)),
    );
  }

  /**
   * A fresh key pair (per message for sealing). The key-generation job encodes its own
   * output as JWK, and the private key is imported from that JWK (~80 µs; DER ~600 µs).
   * MUST NOT export the KeyObjects generateKeyPairSync returns: on Node 20.20 a GC during
   * that export can finalize the generation job, whose destructor takes the mutex the export
   * holds — the process deadlocks (seen in `bench crypto`).
   */
  static generate(): X25519PrivateKey {
    const { privateKey: jwk } = generateJwkPair('x25519', {
      publicKeyEncoding: { format: 'jwk' },
      privateKeyEncoding: { format: 'jwk' },
    });
    const secret = fromBase64Url(jwk.d, 'd', X25519_KEY_LENGTH);
    const publicRaw = fromBase64Url(jwk.x, 'x', X25519_KEY_LENGTH);
    const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
    return new X25519PrivateKey(secret, { privateKey, publicRaw });
  }

  /** X25519(sk, pk). OpenSSL refuses an all-zero result (RFC 7748 §6.1, RFC 9180 §7.1.4). */
  dh(peer: Uint8Array | EncryptionPublicKey): Uint8Array {
    try {
      const publicKey =
        peer instanceof X25519PublicKey
          ? peer.keyObject()
          : x25519PublicKeyObject(peer instanceof Uint8Array ? peer : peer.raw);
      return new Uint8Array(diffieHellman({ privateKey: this.keyObject, publicKey }));
    } catch (cause) {
      throw new CryptoError('X25519: key agreement failed (invalid or low-order public key)', {
        cause,
      });
    }
  }

  toPem(): string {
    return pem('PRIVATE KEY', pkcs8Der('x25519', this.secret));
  }

  toJwk(): JsonWebKey {
    return okpJwk('X25519', this.publicKey.raw, this.secret);
  }
}

export class Sm2EncryptionPublicKey implements EncryptionPublicKey {
  readonly algorithm = 'sm2' as const;
  readonly raw: Uint8Array;
  readonly keyId: string;

  /** Throws RangeError when `raw` is not an uncompressed point on the curve. */
  constructor(raw: Uint8Array) {
    decodePoint(raw);
    this.raw = new Uint8Array(raw);
    this.keyId = toHex(hashUnchecked('sm3', spkiDer('sm2', this.raw)));
  }

  toPem(): string {
    return pem('PUBLIC KEY', spkiDer('sm2', this.raw));
  }

  toJwk(): JsonWebKey {
    return sm2Jwk(this.raw);
  }
}

export class Sm2EncryptionPrivateKey implements DhPrivateKey {
  readonly publicKey: Sm2EncryptionPublicKey;
  private readonly secret: Uint8Array;
  private readonly ecdh: ECDH;

  /** Precondition: `secret` is 32 bytes encoding d in [1, n − 2]. */
  constructor(secret: Uint8Array) {
    this.secret = new Uint8Array(secret);
    this.ecdh = createECDH('SM2');
    this.ecdh.setPrivateKey(this.secret);
    // setPrivateKey already computed d·G: one scalar multiplication (~600 µs), not two.
    this.publicKey = new Sm2EncryptionPublicKey(new Uint8Array(this.ecdh.getPublicKey()));
  }

  static generate(): Sm2EncryptionPrivateKey {
    return new Sm2EncryptionPrivateKey(bytesFromBigint(scalarFromBytes(randomBytes(40))));
  }

  /** x-coordinate of d·Q (SEC 1 §3.3.1); OpenSSL checks that Q is on the curve. */
  dh(peer: Uint8Array | EncryptionPublicKey): Uint8Array {
    try {
      return new Uint8Array(this.ecdh.computeSecret(peer instanceof Uint8Array ? peer : peer.raw));
    } catch (cause) {
      throw new CryptoError('SM2 ECDH: key agreement failed (invalid public key)', { cause });
    }
  }

  toPem(): string {
    return pem('PRIVATE KEY', pkcs8Der('sm2', this.secret, this.publicKey.raw));
  }

  toJwk(): JsonWebKey {
    return sm2Jwk(this.publicKey.raw, this.secret);
  }
}
