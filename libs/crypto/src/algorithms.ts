// Algorithm and suite identifiers shared by every module of the library.

export type SuiteId = 'intl' | 'sm';
export type HashAlgorithm = 'sha256' | 'sm3';
export type SignatureAlgorithm = 'ed25519' | 'sm2';
export type EncryptionAlgorithm = 'x25519' | 'sm2';

export const SUITE_IDS: readonly SuiteId[] = Object.freeze(['intl', 'sm'] as const);

export const SIGNATURE_ALGORITHMS: readonly SignatureAlgorithm[] = Object.freeze([
  'ed25519',
  'sm2',
] as const);
export const ENCRYPTION_ALGORITHMS: readonly EncryptionAlgorithm[] = Object.freeze([
  'x25519',
  'sm2',
] as const);

/** The hash that names keys of each algorithm (keyId) and that SM2 signs with. */
export const KEY_HASH: Readonly<Record<SignatureAlgorithm | EncryptionAlgorithm, HashAlgorithm>> =
  Object.freeze({ ed25519: 'sha256', x25519: 'sha256', sm2: 'sm3' });

export function assertSignatureAlgorithm(
  value: unknown,
  name: string,
): asserts value is SignatureAlgorithm {
  if (!SIGNATURE_ALGORITHMS.includes(value as SignatureAlgorithm)) {
    throw new RangeError(`${name}: unknown signature algorithm ${JSON.stringify(value)}`);
  }
}

export function assertEncryptionAlgorithm(
  value: unknown,
  name: string,
): asserts value is EncryptionAlgorithm {
  if (!ENCRYPTION_ALGORITHMS.includes(value as EncryptionAlgorithm)) {
    throw new RangeError(`${name}: unknown encryption algorithm ${JSON.stringify(value)}`);
  }
}
