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
import { okpJwk, sm2Jwk } from './jwk.js';
import {
  bigintFromBytes,
  bytesFromBigint,
  decodePoint,
  publicFromScalar,
  scalarFromBytes,
} from './sm2.js';
import type { EncryptionPrivateKey, EncryptionPublicKey } from './types.js';
import type { JsonWebKey } from 'node:crypto';

export const X25519_KEY_LENGTH = 32;

/** An encryption private key that can compute DH(sk, pk) with a peer's raw public key. */
export interface DhPrivateKey extends EncryptionPrivateKey {
  dh(peerRaw: Uint8Array): Uint8Array;
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

  constructor(secret: Uint8Array) {
    this.secret = new Uint8Array(secret);
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

  static generate(): X25519PrivateKey {
    const { privateKey } = generateKeyPairSync('x25519');
    const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
    return new X25519PrivateKey(new Uint8Array(pkcs8.subarray(pkcs8.length - X25519_KEY_LENGTH)));
  }

  /** X25519(sk, pk). OpenSSL refuses an all-zero result (RFC 7748 §6.1, RFC 9180 §7.1.4). */
  dh(peerRaw: Uint8Array): Uint8Array {
    try {
      const publicKey = createPublicKey({
        key: Buffer.from(spkiDer('x25519', peerRaw)),
        format: 'der',
        type: 'spki',
      });
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
    this.publicKey = new Sm2EncryptionPublicKey(publicFromScalar(bigintFromBytes(this.secret)));
  }

  static generate(): Sm2EncryptionPrivateKey {
    return new Sm2EncryptionPrivateKey(bytesFromBigint(scalarFromBytes(randomBytes(40))));
  }

  /** x-coordinate of d·Q (SEC 1 §3.3.1); OpenSSL checks that Q is on the curve. */
  dh(peerRaw: Uint8Array): Uint8Array {
    try {
      return new Uint8Array(this.ecdh.computeSecret(peerRaw));
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
