// The payload envelope: the approved (and masked) record, with its purpose and time limit,
// sealed to the requester's encryption key. The ledger's `transfer` entry carries only the
// ciphertext hash, its size and a salted commitment of the plaintext; the salt travels inside
// the ciphertext, so the requester can check the commitment and nobody else can test guesses.
//
//   sealed     = suite.seal(requesterKey, JCS({payload, salt}), aad)
//   aad        = "govx/payload/v1\n" ‖ requestId ‖ "\n" ‖ payloadId
//   commitment = H("govx/payload-commitment/v1\n" ‖ salt ‖ JCS(payload))
//   hash       = H(sealed), H the suite's hash, the suite read from the envelope header
import { randomBytes } from 'node:crypto';
import {
  equalBytes,
  fromHex,
  getSuite,
  toHex,
  utf8,
  type CryptoSuite,
  type EncryptionPrivateKey,
  type EncryptionPublicKey,
} from '@govx/crypto';
import { jcs } from '@govx/ledger-core';
import type { DataRecord } from '../data-source/data-source.js';

export const PAYLOAD_AAD_CONTEXT = 'govx/payload/v1\n';
export const PAYLOAD_COMMITMENT_CONTEXT = 'govx/payload-commitment/v1\n';
const SALT_BYTES = 32;
/** Envelope header byte 1 (libs/crypto seal.ts) → suite. */
const SUITE_BY_CODE: Readonly<Record<number, 'intl' | 'sm'>> = { 0x01: 'intl', 0x02: 'sm' };

/** What the requester receives once decrypted. */
export interface Payload {
  readonly requestId: string;
  readonly datasetId: string;
  /** The approved fields, masked per `maskingProfile` when there is one. */
  readonly record: DataRecord;
  readonly maskingProfile: string | null;
  /** Purpose binding (§25): the purpose stated in the request, and when use must end. */
  readonly purpose: string;
  readonly useUntil: string;
}

export interface SealedPayload {
  readonly sealed: Uint8Array;
  /** Lowercase hex H(sealed). */
  readonly ciphertextHash: string;
  readonly size: number;
  /** Lowercase hex salted commitment of the plaintext payload. */
  readonly commitment: string;
}

export class PayloadError extends Error {
  override readonly name: string = 'PayloadError';
  constructor(
    readonly code: 'hash-mismatch' | 'commitment-mismatch' | 'undecryptable' | 'malformed',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function aadOf(requestId: string, payloadId: string): Uint8Array {
  return utf8(`${PAYLOAD_AAD_CONTEXT}${requestId}\n${payloadId}`);
}

function commit(suite: CryptoSuite, salt: Uint8Array, payload: Payload): string {
  return toHex(suite.hash(utf8(PAYLOAD_COMMITMENT_CONTEXT), salt, utf8(jcs(payload))));
}

/** The suite that sealed an envelope, from its header. */
export function suiteOfSealed(sealed: Uint8Array): CryptoSuite {
  const id = sealed.length > 2 ? SUITE_BY_CODE[sealed[1]!] : undefined;
  if (!id) throw new PayloadError('malformed', 'sealed payload: unknown envelope header');
  return getSuite(id);
}

/** H(sealed) with the suite of the envelope. */
export function ciphertextHashOf(sealed: Uint8Array): string {
  return toHex(suiteOfSealed(sealed).hash(sealed));
}

export function sealPayload(
  suite: CryptoSuite,
  recipient: EncryptionPublicKey,
  payload: Payload,
  payloadId: string,
  salt: Uint8Array = randomBytes(SALT_BYTES),
): SealedPayload {
  if (salt.length !== SALT_BYTES) throw new RangeError(`salt: expected ${SALT_BYTES} bytes`);
  const plaintext = utf8(jcs({ payload, salt: toHex(salt) }));
  const sealed = suite.seal(recipient, plaintext, aadOf(payload.requestId, payloadId));
  return {
    sealed,
    ciphertextHash: toHex(suite.hash(sealed)),
    size: sealed.length,
    commitment: commit(suite, salt, payload),
  };
}

/**
 * Checks the hash against the ledger's `transfer`, decrypts, and checks the commitment.
 * PayloadError('hash-mismatch' | 'undecryptable' | 'commitment-mismatch' | 'malformed').
 */
export function openPayload(
  key: EncryptionPrivateKey,
  sealed: Uint8Array,
  expected: {
    readonly requestId: string;
    readonly payloadId: string;
    readonly ciphertextHash: string;
    readonly commitment: string;
  },
): Payload {
  const suite = suiteOfSealed(sealed);
  const actual = suite.hash(sealed);
  if (!equalBytes(actual, fromHex(expected.ciphertextHash, 'ciphertextHash'))) {
    throw new PayloadError(
      'hash-mismatch',
      `payload hash ${toHex(actual)} differs from the transfer's ${expected.ciphertextHash}`,
    );
  }
  let plaintext: Uint8Array;
  try {
    plaintext = suite.open(key, sealed, aadOf(expected.requestId, expected.payloadId));
  } catch (cause) {
    throw new PayloadError('undecryptable', 'payload does not open with this key', { cause });
  }
  let inner: { payload: Payload; salt: string };
  try {
    inner = JSON.parse(new TextDecoder().decode(plaintext)) as { payload: Payload; salt: string };
  } catch (cause) {
    throw new PayloadError('malformed', 'payload plaintext is not JSON', { cause });
  }
  const salt = fromHex(inner.salt, 'salt', SALT_BYTES);
  const commitment = commit(suite, salt, inner.payload);
  if (commitment !== expected.commitment) {
    throw new PayloadError('commitment-mismatch', 'payload does not match its commitment');
  }
  if (inner.payload.requestId !== expected.requestId) {
    throw new PayloadError('malformed', 'payload belongs to another request');
  }
  return inner.payload;
}
