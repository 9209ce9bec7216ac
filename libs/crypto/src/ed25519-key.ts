// Ed25519 (RFC 8032 §5.1) over node:crypto. KeyObjects are created once per key and kept:
// creating one per verification would cost more than the verification.
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { assertBytes, toHex } from './bytes.js';
import { pem, pkcs8Der, spkiDer } from './der.js';
import { hashUnchecked } from './hash.js';
import { okpJwk } from './jwk.js';
import type { SigningPrivateKey, SigningPublicKey } from './types.js';
import type { JsonWebKey } from 'node:crypto';

export const ED25519_KEY_LENGTH = 32;
export const ED25519_SIGNATURE_LENGTH = 64;

export class Ed25519PublicKey implements SigningPublicKey {
  readonly algorithm = 'ed25519' as const;
  readonly raw: Uint8Array;
  readonly keyId: string;
  private readonly keyObject: KeyObject;

  /** Precondition: `raw` is 32 bytes (checked by the importers). */
  constructor(raw: Uint8Array) {
    this.raw = new Uint8Array(raw);
    const der = spkiDer('ed25519', this.raw);
    this.keyId = toHex(hashUnchecked('sha256', der));
    this.keyObject = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
  }

  /** RFC 8032 §5.1.7 as implemented by OpenSSL. False for any signature that is not 64 bytes. */
  verify(message: Uint8Array, signature: Uint8Array): boolean {
    assertBytes(message, 'message');
    assertBytes(signature, 'signature');
    if (signature.length !== ED25519_SIGNATURE_LENGTH) return false;
    try {
      return verify(null, message, this.keyObject, signature);
    } catch {
      return false;
    }
  }

  toPem(): string {
    return pem('PUBLIC KEY', spkiDer('ed25519', this.raw));
  }

  toJwk(): JsonWebKey {
    return okpJwk('Ed25519', this.raw);
  }
}

export class Ed25519PrivateKey implements SigningPrivateKey {
  readonly publicKey: Ed25519PublicKey;
  private readonly seed: Uint8Array;
  private readonly keyObject: KeyObject;

  /** `seed` is the 32-byte private key of RFC 8032 §5.1.5. */
  constructor(seed: Uint8Array) {
    this.seed = new Uint8Array(seed);
    this.keyObject = createPrivateKey({
      key: Buffer.from(pkcs8Der('ed25519', this.seed)),
      format: 'der',
      type: 'pkcs8',
    });
    const spki = createPublicKey(this.keyObject).export({ format: 'der', type: 'spki' });
    this.publicKey = new Ed25519PublicKey(
      new Uint8Array(spki.subarray(spki.length - ED25519_KEY_LENGTH)),
    );
  }

  /** Deterministic (RFC 8032 §5.1.6): 64 bytes. */
  sign(message: Uint8Array): Uint8Array {
    assertBytes(message, 'message');
    return new Uint8Array(sign(null, message, this.keyObject));
  }

  toPem(): string {
    return pem('PRIVATE KEY', pkcs8Der('ed25519', this.seed));
  }

  toJwk(): JsonWebKey {
    return okpJwk('Ed25519', this.publicKey.raw, this.seed);
  }
}
