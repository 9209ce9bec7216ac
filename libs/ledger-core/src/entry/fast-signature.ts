// The fast path of submitter signature checks, shared by ledger nodes (intake, witness) and
// the parallel audit. Ed25519 goes through libsodium (sodium-native) when it loads: 2-3x
// node:crypto's OpenSSL 3.0 here. libsodium is stricter than RFC 8032 (canonical S and A, no
// small-order points), so it never accepts what OpenSSL rejects; whatever it rejects is
// checked again by verifySubmissionSignature (node:crypto), so the verdict is always that
// function's. SM2 and any other algorithm: verifySubmissionSignature only.
import { createRequire } from 'node:module';
import type { SigningPublicKey } from '@govx/crypto';
import { signedMessage, verifySubmissionSignature, type Submission } from './entry.js';

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
 * Decides exactly as verifySubmissionSignature, faster for Ed25519.
 * @param signed the submission's signed message when the caller has it already (e.g. cut
 *   from canonical bytes); MUST equal signedMessage(submission).
 */
export function verifySubmissionSignatureFast(
  submission: Submission,
  key: SigningPublicKey,
  signed?: Uint8Array,
): boolean {
  const lib = key.algorithm === 'ed25519' ? loadSodium() : null;
  if (lib && key.keyId === submission.keyId && SIG_HEX_RE.test(submission.sig)) {
    const sig = Buffer.from(submission.sig, 'hex');
    if (lib.crypto_sign_verify_detached(sig, signed ?? signedMessage(submission), key.raw))
      return true;
  }
  return verifySubmissionSignature(submission, key);
}
