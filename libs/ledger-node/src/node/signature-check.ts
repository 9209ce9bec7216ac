// Submission signature checks for the intake and the witness. Ed25519 goes through libsodium
// (sodium-native, as the parallel audit does) when it loads: ~2.5-3x node:crypto's OpenSSL
// 3.0 here, and signature checks were 30-50 % of a ledger node's busy time. libsodium is
// stricter than RFC 8032 (canonical S and A, no small-order points), so it never accepts what
// OpenSSL rejects; whatever it rejects is checked again by ledger-core's
// verifySubmissionSignature (node:crypto), so the verdict is always ledger-core's. SM2 and
// any other algorithm: ledger-core only.
import { createRequire } from 'node:module';
import type { SigningPublicKey } from '@govx/crypto';
import { signedMessage, verifySubmissionSignature, type Submission } from '@govx/ledger-core';

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

/** Whether Ed25519 signatures are checked with libsodium in this process. */
export function fastEd25519Available(): boolean {
  return loadSodium() !== null;
}

const SIG_HEX_RE = /^[0-9a-f]{128}$/;

/**
 * True when the submission's signature verifies under `key`, exactly as ledger-core's
 * verifySubmissionSignature decides (the caller resolved the key from the registry).
 */
export function verifySignature(submission: Submission, key: SigningPublicKey): boolean {
  const lib = key.algorithm === 'ed25519' ? loadSodium() : null;
  if (lib && key.keyId === submission.keyId && SIG_HEX_RE.test(submission.sig)) {
    const sig = Buffer.from(submission.sig, 'hex');
    if (lib.crypto_sign_verify_detached(sig, signedMessage(submission), key.raw)) return true;
  }
  return verifySubmissionSignature(submission, key);
}
