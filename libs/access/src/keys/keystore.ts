// Private keys at rest: a PEM file readable by its owner only (mode 0600), or an encrypted
// keystore: the PEM sealed with AES-256-GCM under a key derived from a passphrase by scrypt
// (RFC 7914). Never in a database or a log.
import { randomBytes, scryptSync } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import {
  DecryptionError,
  getSuite,
  importSigningPrivateKey,
  type SigningPrivateKey,
} from '@govx/crypto';

export class KeystoreError extends Error {
  override readonly name = 'KeystoreError';
  constructor(
    readonly path: string | null,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(path ? `${path}: ${message}` : message, options);
  }
}

/** The encrypted keystore file (JSON). */
export interface KeystoreFile {
  readonly v: 1;
  readonly kdf: 'scrypt';
  readonly N: number;
  readonly r: number;
  readonly p: number;
  /** base64url */
  readonly salt: string;
  readonly cipher: 'aes-256-gcm';
  readonly nonce: string;
  /** base64url of ciphertext ‖ 16-byte tag */
  readonly ciphertext: string;
}

const AAD = new TextEncoder().encode('govx/keystore/v1');
const DEFAULT_COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const intl = getSuite('intl');

function derive(
  passphrase: string,
  salt: Uint8Array,
  c: { N: number; r: number; p: number },
): Uint8Array {
  return scryptSync(passphrase.normalize('NFC'), salt, 32, { ...c, maxmem: 256 * c.N * c.r });
}

/** Seals a private key PEM under `passphrase` (at least 12 characters). */
export function sealPrivateKey(
  pem: string,
  passphrase: string,
  cost: { N: number; r: number; p: number } = DEFAULT_COST,
): KeystoreFile {
  if (typeof pem !== 'string' || !pem.includes('PRIVATE KEY'))
    throw new TypeError('pem: expected a private key PEM');
  if (typeof passphrase !== 'string' || passphrase.length < 12)
    throw new RangeError('passphrase: at least 12 characters');
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  const sealed = intl.aeadEncrypt(
    derive(passphrase, salt, cost),
    nonce,
    new TextEncoder().encode(pem),
    AAD,
  );
  const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
  return {
    v: 1,
    kdf: 'scrypt',
    ...cost,
    salt: b64(salt),
    cipher: 'aes-256-gcm',
    nonce: b64(nonce),
    ciphertext: b64(sealed),
  };
}

/** The PEM inside a keystore; KeystoreError for a wrong passphrase, tampering or a bad file. */
export function openPrivateKey(
  file: unknown,
  passphrase: string,
  path: string | null = null,
): string {
  const f = file as Partial<KeystoreFile> | null;
  if (
    !f ||
    f.v !== 1 ||
    f.kdf !== 'scrypt' ||
    f.cipher !== 'aes-256-gcm' ||
    ![f.N, f.r, f.p].every((x) => Number.isSafeInteger(x) && (x as number) > 0) ||
    (f.N as number) > 2 ** 20 ||
    typeof f.salt !== 'string' ||
    typeof f.nonce !== 'string' ||
    typeof f.ciphertext !== 'string'
  )
    throw new KeystoreError(path, 'not a govx keystore (v 1, scrypt, aes-256-gcm)');
  const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64url'));
  try {
    const key = derive(passphrase, bytes(f.salt), { N: f.N!, r: f.r!, p: f.p! });
    return new TextDecoder().decode(
      intl.aeadDecrypt(key, bytes(f.nonce), bytes(f.ciphertext), AAD),
    );
  } catch (e) {
    if (e instanceof DecryptionError || e instanceof RangeError || e instanceof TypeError)
      throw new KeystoreError(path, 'wrong passphrase, or the keystore was changed', { cause: e });
    throw e;
  }
}

/** Writes a key file (PEM or keystore JSON) readable by its owner only. */
export function writeKeyFile(path: string, content: string | KeystoreFile): void {
  writeFileSync(path, typeof content === 'string' ? content : `${JSON.stringify(content)}\n`, {
    mode: 0o600,
  });
}

/**
 * Reads a signing key from a PEM file or a keystore (then `passphrase` is required). Refuses a
 * file that others can read or write.
 */
export function readSigningKeyFile(path: string, passphrase?: string): SigningPrivateKey {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (e) {
    throw new KeystoreError(path, `cannot read (${(e as NodeJS.ErrnoException).code})`, {
      cause: e,
    });
  }
  if ((mode & 0o077) !== 0)
    throw new KeystoreError(path, `permissions must be 0600, not ${(mode & 0o777).toString(8)}`);
  const text = readFileSync(path, 'utf8');
  let pem = text;
  if (text.trimStart().startsWith('{')) {
    if (passphrase === undefined)
      throw new KeystoreError(path, 'an encrypted keystore needs its passphrase');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new KeystoreError(path, 'not JSON', { cause: e });
    }
    pem = openPrivateKey(json, passphrase, path);
  }
  try {
    return importSigningPrivateKey(pem);
  } catch (e) {
    throw new KeystoreError(path, `not a signing private key (${(e as Error).message})`, {
      cause: e,
    });
  }
}
