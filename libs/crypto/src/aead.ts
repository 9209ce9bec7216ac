// The suites' AEADs: AES-256-GCM (natively) and SM4-GCM (RFC 8998 §3.1; natively when
// OpenSSL has it, else GCM over native SM4-CTR, see gcm.ts). 12-byte nonce, 16-byte tag
// appended to the ciphertext. AES-128-GCM is here for RFC 9180's published vectors.
import { createCipheriv, createDecipheriv, getCiphers } from 'node:crypto';
import type { CipherGCMTypes } from 'node:crypto';
import { assertBytes } from './bytes.js';
import { DecryptionError } from './errors.js';
import { GCM_NONCE_LENGTH, GCM_TAG_LENGTH, MAX_GCM_PLAINTEXT, gcmOpen, gcmSeal } from './gcm.js';
import type { GcmBlockCipher } from './gcm.js';

export type AeadAlgorithm = 'aes-128-gcm' | 'aes-256-gcm' | 'sm4-gcm';

export const AEAD_KEY_LENGTH: Readonly<Record<AeadAlgorithm, number>> = Object.freeze({
  'aes-128-gcm': 16,
  'aes-256-gcm': 32,
  'sm4-gcm': 16,
});
export const AEAD_NONCE_LENGTH = GCM_NONCE_LENGTH;
export const AEAD_TAG_LENGTH = GCM_TAG_LENGTH;

const BLOCK_CIPHER: Readonly<Record<AeadAlgorithm, GcmBlockCipher>> = {
  'aes-128-gcm': 'aes-128',
  'aes-256-gcm': 'aes-256',
  'sm4-gcm': 'sm4',
};

let nativeCiphers: ReadonlySet<string> | undefined;

/** True when OpenSSL implements `alg` itself (always for AES, OpenSSL ≥ 3.2 for SM4-GCM). */
export function hasNativeAead(alg: AeadAlgorithm): boolean {
  nativeCiphers ??= new Set(getCiphers());
  return nativeCiphers.has(alg);
}

const EMPTY = new Uint8Array(0);

function assertAeadInputs(alg: AeadAlgorithm, key: unknown, nonce: unknown, aad: unknown): void {
  assertBytes(key, 'key', AEAD_KEY_LENGTH[alg]);
  assertBytes(nonce, 'nonce', AEAD_NONCE_LENGTH);
  if (aad !== undefined) assertBytes(aad, 'aad');
}

export function aeadSeal(
  alg: AeadAlgorithm,
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array {
  assertAeadInputs(alg, key, nonce, aad);
  assertBytes(plaintext, 'plaintext');
  if (!hasNativeAead(alg)) return gcmSeal(BLOCK_CIPHER[alg], key, nonce, plaintext, aad);
  if (plaintext.length > MAX_GCM_PLAINTEXT)
    throw new RangeError('plaintext: longer than GCM allows');
  const cipher = createCipheriv(alg as CipherGCMTypes, key, nonce, {
    authTagLength: AEAD_TAG_LENGTH,
  });
  cipher.setAAD(aad);
  const out = new Uint8Array(plaintext.length + AEAD_TAG_LENGTH);
  const body = cipher.update(plaintext);
  out.set(body);
  out.set(cipher.final(), body.length);
  out.set(cipher.getAuthTag(), plaintext.length);
  return out;
}

/** Throws DecryptionError when the input is shorter than a tag or the tag does not verify. */
export function aeadOpen(
  alg: AeadAlgorithm,
  key: Uint8Array,
  nonce: Uint8Array,
  ciphertextAndTag: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array {
  assertAeadInputs(alg, key, nonce, aad);
  assertBytes(ciphertextAndTag, 'ciphertextAndTag');
  if (!hasNativeAead(alg)) return gcmOpen(BLOCK_CIPHER[alg], key, nonce, ciphertextAndTag, aad);
  if (ciphertextAndTag.length < AEAD_TAG_LENGTH) {
    throw new DecryptionError('ciphertext shorter than the tag');
  }
  const split = ciphertextAndTag.length - AEAD_TAG_LENGTH;
  const decipher = createDecipheriv(alg as CipherGCMTypes, key, nonce, {
    authTagLength: AEAD_TAG_LENGTH,
  });
  decipher.setAAD(aad);
  decipher.setAuthTag(ciphertextAndTag.subarray(split));
  const body = decipher.update(ciphertextAndTag.subarray(0, split));
  try {
    const tail = decipher.final();
    return tail.length === 0 ? new Uint8Array(body) : new Uint8Array(Buffer.concat([body, tail]));
  } catch (cause) {
    throw new DecryptionError('authentication tag mismatch', { cause });
  }
}
