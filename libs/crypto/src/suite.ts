// The two suites: intl (SHA-256, Ed25519, X25519/HKDF-SHA256/AES-256-GCM) and sm (SM3,
// SM2 with the default distinguishing id, curveSM2 ECDH/HKDF-SM3/SM4-GCM).
import { randomBytes } from 'node:crypto';
import { aeadOpen, aeadSeal } from './aead.js';
import type { AeadAlgorithm } from './aead.js';
import { SUITE_IDS } from './algorithms.js';
import type {
  EncryptionAlgorithm,
  HashAlgorithm,
  SignatureAlgorithm,
  SuiteId,
} from './algorithms.js';
import { X25519PrivateKey, Sm2EncryptionPrivateKey } from './encryption-key.js';
import { hash } from './hash.js';
import { signingKeyFromSeed } from './key-import.js';
import { openEnvelope, sealEnvelope } from './seal.js';
import type {
  CryptoSuite,
  EncryptionPrivateKey,
  EncryptionPublicKey,
  SigningPrivateKey,
} from './types.js';

interface SuiteParameters {
  readonly id: SuiteId;
  readonly hashAlgorithm: HashAlgorithm;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly encryptionAlgorithm: EncryptionAlgorithm;
  readonly aead: AeadAlgorithm;
}

class Suite implements CryptoSuite {
  readonly id: SuiteId;
  readonly hashAlgorithm: HashAlgorithm;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly encryptionAlgorithm: EncryptionAlgorithm;
  private readonly aead: AeadAlgorithm;

  constructor(parameters: SuiteParameters) {
    this.id = parameters.id;
    this.hashAlgorithm = parameters.hashAlgorithm;
    this.signatureAlgorithm = parameters.signatureAlgorithm;
    this.encryptionAlgorithm = parameters.encryptionAlgorithm;
    this.aead = parameters.aead;
  }

  hash(...parts: Uint8Array[]): Uint8Array {
    return hash(this.hashAlgorithm, ...parts);
  }

  /** A fresh key from 32 random bytes, derived as signingKeyFromSeed does. */
  generateSigningKey(): SigningPrivateKey {
    return signingKeyFromSeed(this.signatureAlgorithm, randomBytes(32));
  }

  generateEncryptionKey(): EncryptionPrivateKey {
    return this.id === 'intl' ? X25519PrivateKey.generate() : Sm2EncryptionPrivateKey.generate();
  }

  seal(recipient: EncryptionPublicKey, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
    return sealEnvelope(this.id, recipient, plaintext, aad);
  }

  open(recipient: EncryptionPrivateKey, sealed: Uint8Array, aad?: Uint8Array): Uint8Array {
    return openEnvelope(this.id, recipient, sealed, aad);
  }

  aeadEncrypt(
    key: Uint8Array,
    nonce: Uint8Array,
    plaintext: Uint8Array,
    aad?: Uint8Array,
  ): Uint8Array {
    return aeadSeal(this.aead, key, nonce, plaintext, aad);
  }

  aeadDecrypt(
    key: Uint8Array,
    nonce: Uint8Array,
    ciphertextAndTag: Uint8Array,
    aad?: Uint8Array,
  ): Uint8Array {
    return aeadOpen(this.aead, key, nonce, ciphertextAndTag, aad);
  }
}

const SUITES: ReadonlyMap<string, CryptoSuite> = new Map<string, CryptoSuite>([
  [
    'intl',
    new Suite({
      id: 'intl',
      hashAlgorithm: 'sha256',
      signatureAlgorithm: 'ed25519',
      encryptionAlgorithm: 'x25519',
      aead: 'aes-256-gcm',
    }),
  ],
  [
    'sm',
    new Suite({
      id: 'sm',
      hashAlgorithm: 'sm3',
      signatureAlgorithm: 'sm2',
      encryptionAlgorithm: 'sm2',
      aead: 'sm4-gcm',
    }),
  ],
]);

/** The suite named `id`. RangeError naming the value for anything else. */
export function getSuite(id: SuiteId | string): CryptoSuite {
  const suite = typeof id === 'string' ? SUITES.get(id) : undefined;
  if (suite === undefined) {
    throw new RangeError(
      `id: unknown crypto suite ${JSON.stringify(id)} (expected ${SUITE_IDS.join(' or ')})`,
    );
  }
  return suite;
}
