// Entry signature checks for the parallel audit. Ed25519 goes through libsodium
// (sodium-native) when it loads: ~3x node:crypto's OpenSSL 3.0 on this machine. libsodium
// is stricter than RFC 8032 (canonical S and A, no small-order points), so it never accepts
// what OpenSSL rejects; what it rejects is confirmed by node:crypto (ledger-core's check, the
// one the ledger nodes use), so the verdict is the ledger's either way. SM2: ledger-core.
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

/** Whether Ed25519 checks use libsodium here. */
export function fastEd25519Available(): boolean {
  return loadSodium() !== null;
}

const SIG_HEX_RE = /^[0-9a-f]{128}$/;

/** True when the submission's signature verifies under `key` (the caller resolved the key). */
export function verifyEntrySignature(submission: Submission, key: SigningPublicKey): boolean {
  const lib = key.algorithm === 'ed25519' ? loadSodium() : null;
  if (lib && key.keyId === submission.keyId && SIG_HEX_RE.test(submission.sig)) {
    const sig = Buffer.from(submission.sig, 'hex');
    if (lib.crypto_sign_verify_detached(sig, signedMessage(submission), key.raw)) return true;
  }
  return verifySubmissionSignature(submission, key);
}
