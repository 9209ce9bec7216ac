// Entry signature checks for the parallel audit. Ed25519 goes through libsodium
// (sodium-native) when it loads: ~3x node:crypto's OpenSSL 3.0 on this machine. libsodium
// is stricter than RFC 8032 (canonical S and A, no small-order points), so it never accepts
// what OpenSSL rejects; what it rejects is confirmed by node:crypto (ledger-core's check, the
// one the ledger nodes use), so the verdict is the ledger's either way. SM2: ledger-core.
import { createRequire } from 'node:module';
import type { SigningPublicKey } from '@govx/crypto';
import {
  ENTRY_SIGNATURE_CONTEXT,
  signedMessage,
  verifySubmissionSignature,
  type Submission,
} from '@govx/ledger-core';

interface Sodium {
  crypto_sign_verify_detached(
    signature: Uint8Array,
    message: Uint8Array,
    publicKey: Uint8Array,
  ): boolean;
}

let sodium: Sodium | null | undefined;

function loadSodium(): Sodium | null {
  if (sodium === undefined) {
    try {
      sodium = createRequire(import.meta.url)('sodium-native') as Sodium;
    } catch {
      sodium = null; // not installed or no prebuild for this platform: node:crypto only
    }
  }
  return sodium;
}

/** Whether Ed25519 checks use libsodium here. */
export function fastEd25519Available(): boolean {
  return loadSodium() !== null;
}

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
 * True when the submission's signature verifies under `key` (the caller resolved the key).
 * `canonical`: the entry's bytes, already decoded, to cut the signed message from.
 */
export function verifyEntrySignature(
  submission: Submission,
  key: SigningPublicKey,
  canonical?: Uint8Array,
): boolean {
  const lib = key.algorithm === 'ed25519' ? loadSodium() : null;
  // A decoded entry's sig is lowercase hex (ledger-format.md §2): only its length is left.
  if (lib && key.keyId === submission.keyId && submission.sig.length === 128) {
    const sig = Buffer.from(submission.sig, 'hex');
    const message = canonical ? signedMessageOfCanonical(canonical) : signedMessage(submission);
    // Buffer.from stops at a non-hex digit: a short buffer is no signature (and libsodium
    // would throw on it).
    if (sig.length === 64 && lib.crypto_sign_verify_detached(sig, message, key.raw)) return true;
  }
  return verifySubmissionSignature(submission, key);
}
