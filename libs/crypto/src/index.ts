// The public surface of @govx/crypto. Everything else in src/ is internal.
export * from './bytes.js';
/** The JWK shape of node:crypto (the DOM's JsonWebKey is not in this project's lib). */
export type { JsonWebKey } from 'node:crypto';
export { SUITE_IDS } from './algorithms.js';
export type {
  EncryptionAlgorithm,
  HashAlgorithm,
  SignatureAlgorithm,
  SuiteId,
} from './algorithms.js';
export { CryptoError, DecryptionError, KeyFormatError } from './errors.js';
export { hash } from './hash.js';
export type {
  CryptoSuite,
  EncryptionPrivateKey,
  EncryptionPublicKey,
  SigningPrivateKey,
  SigningPublicKey,
} from './types.js';
export { getSuite } from './suite.js';
export {
  importEncryptionPrivateKey,
  importEncryptionPublicKey,
  importSigningPrivateKey,
  importSigningPublicKey,
  signingKeyFromSeed,
} from './key-import.js';
export type { RawKeyInput, SigningKeyOptions } from './key-import.js';
export { SM2_DEFAULT_ID } from './sm2.js';
export type { Sm2SignOptions } from './sm2.js';
export { sm2Sign, sm2Verify } from './sm2-key.js';
