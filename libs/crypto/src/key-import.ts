// Importing keys from PEM (SPKI / PKCS#8 / SEC 1), JWK or raw bytes, and deterministic
// signing keys from seeds. Every import goes through the raw form and back, so a key's
// keyId is the same whichever encoding it arrived in. Errors are KeyFormatError.
import { ECDH, createPrivateKey, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { assertSignatureAlgorithm } from './algorithms.js';
import type { SignatureAlgorithm } from './algorithms.js';
import { assertBytes, concatBytes, equalBytes, toHex } from './bytes.js';
import { readChildren, readTlv } from './der.js';
import type { KeyKind } from './der.js';
import { Ed25519PrivateKey, Ed25519PublicKey } from './ed25519-key.js';
import {
  Sm2EncryptionPrivateKey,
  Sm2EncryptionPublicKey,
  X25519PrivateKey,
  X25519PublicKey,
} from './encryption-key.js';
import { KeyFormatError } from './errors.js';
import { hashUnchecked } from './hash.js';
import { parseJwk } from './jwk.js';
import {
  SM2_ORDER,
  assertDistinguishingId,
  bigintFromBytes,
  bytesFromBigint,
  scalarFromBytes,
} from './sm2.js';
import { Sm2SigningPrivateKey, Sm2SigningPublicKey } from './sm2-key.js';
import type {
  EncryptionPrivateKey,
  EncryptionPublicKey,
  SigningPrivateKey,
  SigningPublicKey,
} from './types.js';
import type { JsonWebKey } from 'node:crypto';

/** Import options for signing keys. */
export interface SigningKeyOptions {
  /** sm2 only: the signer's distinguishing id (GB/T 32918.2 §5.5); default "1234567812345678". */
  readonly distinguishingId?: Uint8Array;
}

export type RawKeyInput<A extends string> = { readonly algorithm: A; readonly raw: Uint8Array };

interface ParsedKey {
  readonly kind: KeyKind;
  readonly raw?: Uint8Array;
  readonly secret?: Uint8Array;
}

/** DER AlgorithmIdentifiers (RFC 8410 §3; id-ecPublicKey + sm2p256v1 for SM2). */
const ALGORITHM_IDS: ReadonlyArray<readonly [KeyKind, string]> = [
  ['ed25519', '300506032b6570'],
  ['x25519', '300506032b656e'],
  ['sm2', '301306072a8648ce3d020106082a811ccf5501822d'],
];
const RAW_LENGTH: Readonly<Record<KeyKind, number>> = { ed25519: 32, x25519: 32, sm2: 65 };
const PEM_LABEL_RE = /-----BEGIN ([A-Z0-9 ]+)-----/;

function kindOf(algorithmId: Uint8Array): KeyKind {
  const hex = toHex(algorithmId);
  const found = ALGORITHM_IDS.find(([, id]) => id === hex);
  if (found) return found[0];
  throw new KeyFormatError(
    `unsupported key algorithm (AlgorithmIdentifier ${hex}); expected Ed25519, X25519 or SM2`,
  );
}

function fromSpki(der: Uint8Array): ParsedKey {
  const [, bits] = readChildren(readTlv(der, 0).content);
  if (!bits || bits.tag !== 0x03 || bits.content[0] !== 0) {
    throw new KeyFormatError('SPKI: malformed SubjectPublicKeyInfo');
  }
  const kind = kindOf(algorithmBytes(der));
  let raw = bits.content.subarray(1);
  if (kind === 'sm2' && raw.length === 33) {
    raw = new Uint8Array(
      ECDH.convertKey(raw, 'SM2', undefined, undefined, 'uncompressed') as Buffer,
    );
  }
  return { kind, raw };
}

/** The full TLV bytes of the first element of the outer SEQUENCE after an optional version. */
function algorithmBytes(der: Uint8Array, skipVersion = false): Uint8Array {
  const outer = readTlv(der, 0);
  let offset = 0;
  if (skipVersion) offset = readTlv(outer.content, 0).end;
  const start = offset;
  const end = readTlv(outer.content, offset).end;
  return outer.content.subarray(start, end);
}

function fromPkcs8(der: Uint8Array): ParsedKey {
  const [version, , privateKey] = readChildren(readTlv(der, 0).content);
  if (!version || version.tag !== 0x02 || !privateKey || privateKey.tag !== 0x04) {
    throw new KeyFormatError('PKCS#8: malformed PrivateKeyInfo');
  }
  const kind = kindOf(algorithmBytes(der, true));
  const inner = readTlv(privateKey.content, 0);
  if (kind !== 'sm2') {
    if (inner.tag !== 0x04 || inner.content.length !== 32)
      throw new KeyFormatError('PKCS#8: expected a 32-byte CurvePrivateKey');
    return { kind, secret: new Uint8Array(inner.content) };
  }
  const [, d] = readChildren(inner.content);
  if (!d || d.tag !== 0x04 || d.content.length === 0 || d.content.length > 32) {
    throw new KeyFormatError('PKCS#8: malformed SM2 ECPrivateKey');
  }
  return { kind, secret: concatBytes(new Uint8Array(32 - d.content.length), d.content) };
}

function parsePem(text: string, want: 'public' | 'private'): ParsedKey {
  const label = PEM_LABEL_RE.exec(text)?.[1];
  if (label === undefined) throw new KeyFormatError('PEM: no "-----BEGIN …-----" line');
  const allowed = want === 'public' ? ['PUBLIC KEY'] : ['PRIVATE KEY', 'EC PRIVATE KEY'];
  if (!allowed.includes(label)) {
    throw new KeyFormatError(`PEM: expected ${allowed.join(' or ')}, got ${label}`);
  }
  let keyObject: KeyObject;
  try {
    keyObject =
      want === 'public'
        ? createPublicKey({ key: text, format: 'pem' })
        : createPrivateKey({ key: text, format: 'pem' });
  } catch (cause) {
    throw new KeyFormatError(`PEM: the ${label} could not be decoded`, { cause });
  }
  try {
    if (want === 'public')
      return fromSpki(new Uint8Array(keyObject.export({ format: 'der', type: 'spki' })));
    return fromPkcs8(new Uint8Array(keyObject.export({ format: 'der', type: 'pkcs8' })));
  } catch (cause) {
    if (cause instanceof KeyFormatError) throw cause;
    throw new KeyFormatError(`PEM: the ${label} has an unexpected structure`, { cause });
  }
}

function parseInput(input: unknown, want: 'public' | 'private'): ParsedKey {
  if (typeof input === 'string') return parsePem(input, want);
  if (input === null || typeof input !== 'object') {
    throw new KeyFormatError(
      `expected a PEM string, a JWK${want === 'public' ? ' or { algorithm, raw }' : ''}, got ${input === null ? 'null' : typeof input}`,
    );
  }
  if (want === 'public' && 'raw' in input) {
    const { algorithm, raw } = input as RawKeyInput<string>;
    if (!(raw instanceof Uint8Array)) throw new KeyFormatError('raw: expected a Uint8Array');
    if (!['ed25519', 'x25519', 'sm2'].includes(algorithm))
      throw new KeyFormatError(`raw: unknown algorithm ${JSON.stringify(algorithm)}`);
    return { kind: algorithm as KeyKind, raw };
  }
  const jwk = parseJwk(input as JsonWebKey);
  if (want === 'public' && jwk.secret)
    throw new KeyFormatError('JWK: has the private member "d"; import it as a private key');
  if (want === 'private' && !jwk.secret)
    throw new KeyFormatError('JWK: the private member "d" is missing');
  return jwk;
}

function expectKind<K extends KeyKind>(parsed: ParsedKey, kinds: readonly K[], role: string): K {
  if (!(kinds as readonly KeyKind[]).includes(parsed.kind)) {
    throw new KeyFormatError(
      `a ${parsed.kind} key is not ${role} (expected ${kinds.join(' or ')})`,
    );
  }
  return parsed.kind as K;
}

function rawOf(parsed: ParsedKey): Uint8Array {
  const raw = parsed.raw!;
  if (raw.length !== RAW_LENGTH[parsed.kind]) {
    throw new KeyFormatError(
      `${parsed.kind} public key: expected ${RAW_LENGTH[parsed.kind]} bytes, got ${raw.length}`,
    );
  }
  return raw;
}

function sm2Scalar(secret: Uint8Array): bigint {
  const d = bigintFromBytes(secret);
  if (d < 1n || d > SM2_ORDER - 2n)
    throw new KeyFormatError('sm2 private key: the scalar is outside [1, n − 2]');
  return d;
}

/** Wraps construction errors (a point off the curve) as KeyFormatError. */
function build<T>(what: string, make: () => T): T {
  try {
    return make();
  } catch (cause) {
    if (cause instanceof KeyFormatError) throw cause;
    throw new KeyFormatError(`${what}: ${(cause as Error).message}`, { cause });
  }
}

/** A JWK's public members MUST match its private key. */
function checkPublicMatches(parsed: ParsedKey, derived: Uint8Array): void {
  if (parsed.raw !== undefined && !equalBytes(parsed.raw, derived)) {
    throw new KeyFormatError(`${parsed.kind} JWK: the public members do not match "d"`);
  }
}

function idFor(kind: KeyKind, options: SigningKeyOptions | undefined): Uint8Array | undefined {
  const id = options?.distinguishingId;
  if (id === undefined) return undefined;
  if (kind !== 'sm2') throw new TypeError('options.distinguishingId: only sm2 keys have one');
  assertDistinguishingId(id, 'options.distinguishingId');
  return id;
}

export function importSigningPublicKey(
  input: string | JsonWebKey | RawKeyInput<SignatureAlgorithm>,
  options?: SigningKeyOptions,
): SigningPublicKey {
  const parsed = parseInput(input, 'public');
  const kind = expectKind(parsed, ['ed25519', 'sm2'], 'a signing key');
  const raw = rawOf(parsed);
  const id = idFor(kind, options);
  return build(`${kind} public key`, () =>
    kind === 'ed25519' ? new Ed25519PublicKey(raw) : new Sm2SigningPublicKey(raw, id),
  );
}

export function importSigningPrivateKey(
  input: string | JsonWebKey,
  options?: SigningKeyOptions,
): SigningPrivateKey {
  const parsed = parseInput(input, 'private');
  const kind = expectKind(parsed, ['ed25519', 'sm2'], 'a signing key');
  const id = idFor(kind, options);
  const secret = parsed.secret!;
  const key = build(`${kind} private key`, () =>
    kind === 'ed25519'
      ? new Ed25519PrivateKey(secret)
      : new Sm2SigningPrivateKey(sm2Scalar(secret), id),
  );
  checkPublicMatches(parsed, key.publicKey.raw);
  return key;
}

export function importEncryptionPublicKey(
  input: string | JsonWebKey | RawKeyInput<'x25519' | 'sm2'>,
): EncryptionPublicKey {
  const parsed = parseInput(input, 'public');
  const kind = expectKind(parsed, ['x25519', 'sm2'], 'an encryption key');
  const raw = rawOf(parsed);
  return build(`${kind} public key`, () =>
    kind === 'x25519' ? new X25519PublicKey(raw) : new Sm2EncryptionPublicKey(raw),
  );
}

export function importEncryptionPrivateKey(input: string | JsonWebKey): EncryptionPrivateKey {
  const parsed = parseInput(input, 'private');
  const kind = expectKind(parsed, ['x25519', 'sm2'], 'an encryption key');
  const secret = parsed.secret!;
  const key = build(`${kind} private key`, () =>
    kind === 'x25519'
      ? new X25519PrivateKey(secret)
      : new Sm2EncryptionPrivateKey(bytesFromBigint(sm2Scalar(secret))),
  );
  checkPublicMatches(parsed, key.publicKey.raw);
  return key;
}

/**
 * Deterministic signing keys for tests and demo data. `seed` is 32 bytes.
 * ed25519: the seed is the RFC 8032 §5.1.5 private key.
 * sm2: d = 1 + (KDF(seed, 512 bits) mod (n − 2)), KDF of GB/T 32918.4 §5.4.3 with SM3
 * (SM3(seed ‖ 00000001) ‖ SM3(seed ‖ 00000002)), so d ∈ [1, n − 2] with bias < 2⁻²⁵⁰.
 */
export function signingKeyFromSeed(
  algorithm: SignatureAlgorithm,
  seed: Uint8Array,
  options?: SigningKeyOptions,
): SigningPrivateKey {
  assertSignatureAlgorithm(algorithm, 'algorithm');
  assertBytes(seed, 'seed', 32);
  const id = idFor(algorithm, options);
  if (algorithm === 'ed25519') return new Ed25519PrivateKey(seed);
  const kdf = concatBytes(
    hashUnchecked('sm3', seed, new Uint8Array([0, 0, 0, 1])),
    hashUnchecked('sm3', seed, new Uint8Array([0, 0, 0, 2])),
  );
  return new Sm2SigningPrivateKey(scalarFromBytes(kdf), id);
}
