// The public key and suite contracts. Implementations live in *-key.ts and suite.ts.
import type {
  EncryptionAlgorithm,
  HashAlgorithm,
  SignatureAlgorithm,
  SuiteId,
} from './algorithms.js';
import type { JsonWebKey } from 'node:crypto';

export interface SigningPublicKey {
  readonly algorithm: SignatureAlgorithm;
  /** ed25519: 32 bytes (RFC 8032 §5.1.5); sm2: 65 bytes uncompressed 0x04‖X‖Y. */
  readonly raw: Uint8Array;
  /** Lowercase hex of the suite hash (ed25519 → SHA-256, sm2 → SM3) of the SPKI DER. */
  readonly keyId: string;
  /** MUST NOT throw for a bad or wrong-length signature: returns false. */
  verify(message: Uint8Array, signature: Uint8Array): boolean;
  /** SPKI PEM. */
  toPem(): string;
  /** OKP/Ed25519 (RFC 8037), or { kty: 'EC', crv: 'SM2', x, y } with base64url coordinates. */
  toJwk(): JsonWebKey;
}

export interface SigningPrivateKey {
  readonly publicKey: SigningPublicKey;
  /** ed25519: 64 bytes (RFC 8032); sm2: 64 bytes r‖s, fixed width big-endian, not DER. */
  sign(message: Uint8Array): Uint8Array;
  /** PKCS#8 PEM. */
  toPem(): string;
  toJwk(): JsonWebKey;
}

export interface EncryptionPublicKey {
  readonly algorithm: EncryptionAlgorithm;
  /** x25519: 32 bytes (RFC 7748); sm2: 65 bytes uncompressed 0x04‖X‖Y. */
  readonly raw: Uint8Array;
  /** Lowercase hex of the suite hash of the SPKI DER, as for signing keys. */
  readonly keyId: string;
  toPem(): string;
  toJwk(): JsonWebKey;
}

export interface EncryptionPrivateKey {
  readonly publicKey: EncryptionPublicKey;
  toPem(): string;
  toJwk(): JsonWebKey;
}

export interface CryptoSuite {
  readonly id: SuiteId;
  readonly hashAlgorithm: HashAlgorithm;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly encryptionAlgorithm: EncryptionAlgorithm;
  hash(...parts: Uint8Array[]): Uint8Array;
  generateSigningKey(): SigningPrivateKey;
  generateEncryptionKey(): EncryptionPrivateKey;
  /**
   * Hybrid public-key encryption to one recipient (RFC 9180 base mode, single shot); the
   * output is the versioned envelope documented in seal.ts. `aad` is bound, not included.
   */
  seal(recipient: EncryptionPublicKey, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array;
  /** Throws DecryptionError on any tampering, wrong key, wrong aad, truncated envelope. */
  open(recipient: EncryptionPrivateKey, sealed: Uint8Array, aad?: Uint8Array): Uint8Array;
  /** AEAD with a 32-byte (AES-256-GCM) or 16-byte (SM4-GCM) key, 12-byte nonce, 16-byte tag appended. */
  aeadEncrypt(
    key: Uint8Array,
    nonce: Uint8Array,
    plaintext: Uint8Array,
    aad?: Uint8Array,
  ): Uint8Array;
  /** Throws DecryptionError when the tag does not verify. */
  aeadDecrypt(
    key: Uint8Array,
    nonce: Uint8Array,
    ciphertextAndTag: Uint8Array,
    aad?: Uint8Array,
  ): Uint8Array;
}
