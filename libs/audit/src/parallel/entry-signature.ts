// Entry signature checks for the parallel audit: ledger-core's fast path (libsodium for
// Ed25519, the same verdicts as the ledger nodes'), fed the signed message cut from the
// entry's canonical bytes instead of re-encoded.
import type { SigningPublicKey } from '@govx/crypto';
import {
  ENTRY_SIGNATURE_CONTEXT,
  verifySubmissionSignatureFast,
  type Submission,
} from '@govx/ledger-core';

const CONTEXT = Buffer.from(ENTRY_SIGNATURE_CONTEXT, 'utf8');

/**
 * The signed message of an entry, cut from its canonical bytes instead of re-encoding:
 * RFC 8785 sorts `actor, body, idem, keyId` before `prev` and `type, v` last, so the signed
 * part's encoding is the bytes before the top-level `,"prev":` followed by those from the
 * top-level `,"type":` (the last occurrences: nothing after them can contain either).
 * MUST be given bytes that decodeEntry accepted.
 */
export function signedMessageOfCanonical(bytes: Uint8Array): Buffer {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const prev = buf.lastIndexOf(',"prev":"');
  const type = buf.lastIndexOf(',"type":"');
  return Buffer.concat([CONTEXT, buf.subarray(0, prev), buf.subarray(type)]);
}

/**
 * True when the submission's signature verifies under `key` (the caller resolved the key),
 * as ledger-core decides. `canonical`: the entry's bytes, already decoded, to cut the signed
 * message from instead of re-encoding it.
 */
export function verifyEntrySignature(
  submission: Submission,
  key: SigningPublicKey,
  canonical?: Uint8Array,
): boolean {
  return verifySubmissionSignatureFast(
    submission,
    key,
    canonical && key.algorithm === 'ed25519' ? signedMessageOfCanonical(canonical) : undefined,
  );
}
