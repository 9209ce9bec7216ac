// RFC 9180 (HPKE) base mode, single-shot Seal/Open (§5.1, §6.1), with DHKEM (§4.1).
// The intl suite is a registered HPKE suite: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
// AES-256-GCM (0x0020, 0x0001, 0x0002). The sm suite applies the same construction to ECDH
// on curveSM2, HKDF-SM3 and SM4-GCM under govx-local identifiers (0xfff1 each): no IANA
// code points exist for them, and these values only enter the key schedule's suite_id.
import { concatBytes, utf8 } from './bytes.js';
import { aeadOpen, aeadSeal } from './aead.js';
import type { AeadAlgorithm } from './aead.js';
import type { HashAlgorithm } from './algorithms.js';
import { DecryptionError } from './errors.js';
import type { DhPrivateKey } from './encryption-key.js';
import { hkdfExpand, hkdfExtract } from './hash.js';

export interface HpkeSuite {
  readonly kemId: number;
  readonly kdfId: number;
  readonly aeadId: number;
  /** The KDF inside DHKEM; equal to `kdf` in both govx suites. */
  readonly kemHash: HashAlgorithm;
  readonly kdf: HashAlgorithm;
  readonly aead: AeadAlgorithm;
  /** Nsecret (§7.1): 32 for both curves. */
  readonly secretLength: number;
  /** Nenc: 32 for X25519, 65 for an uncompressed SM2 point. */
  readonly encLength: number;
  readonly keyLength: number;
}

const NONCE_LENGTH = 12;
const VERSION_LABEL = utf8('HPKE-v1');
const EMPTY = new Uint8Array(0);

function i2osp2(value: number): Uint8Array {
  return new Uint8Array([value >> 8, value & 0xff]);
}

function labeledExtract(
  alg: HashAlgorithm,
  suiteId: Uint8Array,
  salt: Uint8Array,
  label: string,
  ikm: Uint8Array,
): Uint8Array {
  return hkdfExtract(alg, salt, concatBytes(VERSION_LABEL, suiteId, utf8(label), ikm));
}

function labeledExpand(
  alg: HashAlgorithm,
  suiteId: Uint8Array,
  prk: Uint8Array,
  label: string,
  info: Uint8Array,
  length: number,
): Uint8Array {
  return hkdfExpand(
    alg,
    prk,
    concatBytes(i2osp2(length), VERSION_LABEL, suiteId, utf8(label), info),
    length,
  );
}

/** DHKEM ExtractAndExpand (§4.1): shared_secret from dh and kem_context = enc ‖ pkRm. */
function extractAndExpand(suite: HpkeSuite, dh: Uint8Array, kemContext: Uint8Array): Uint8Array {
  const kemSuiteId = concatBytes(utf8('KEM'), i2osp2(suite.kemId));
  const prk = labeledExtract(suite.kemHash, kemSuiteId, EMPTY, 'eae_prk', dh);
  return labeledExpand(
    suite.kemHash,
    kemSuiteId,
    prk,
    'shared_secret',
    kemContext,
    suite.secretLength,
  );
}

interface AeadContext {
  readonly key: Uint8Array;
  readonly nonce: Uint8Array;
}

/** KeySchedule for mode_base (§5.1): no PSK. Sequence number 0, so the nonce is base_nonce. */
function keySchedule(suite: HpkeSuite, sharedSecret: Uint8Array, info: Uint8Array): AeadContext {
  const suiteId = concatBytes(
    utf8('HPKE'),
    i2osp2(suite.kemId),
    i2osp2(suite.kdfId),
    i2osp2(suite.aeadId),
  );
  const pskIdHash = labeledExtract(suite.kdf, suiteId, EMPTY, 'psk_id_hash', EMPTY);
  const infoHash = labeledExtract(suite.kdf, suiteId, EMPTY, 'info_hash', info);
  const context = concatBytes(new Uint8Array([0]), pskIdHash, infoHash);
  const secret = labeledExtract(suite.kdf, suiteId, sharedSecret, 'secret', EMPTY);
  return {
    key: labeledExpand(suite.kdf, suiteId, secret, 'key', context, suite.keyLength),
    nonce: labeledExpand(suite.kdf, suiteId, secret, 'base_nonce', context, NONCE_LENGTH),
  };
}

export interface HpkeSealed {
  readonly enc: Uint8Array;
  readonly ciphertext: Uint8Array;
}

/**
 * SealBase (§6.1) with a caller-chosen ephemeral key: production passes a fresh one,
 * tests pass RFC 9180's skEm. MUST NOT reuse an ephemeral key across messages.
 */
export function hpkeSealWithEphemeral(
  suite: HpkeSuite,
  recipientRaw: Uint8Array,
  ephemeral: DhPrivateKey,
  info: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): HpkeSealed {
  const enc = ephemeral.publicKey.raw;
  const sharedSecret = extractAndExpand(
    suite,
    ephemeral.dh(recipientRaw),
    concatBytes(enc, recipientRaw),
  );
  const { key, nonce } = keySchedule(suite, sharedSecret, info);
  return { enc, ciphertext: aeadSeal(suite.aead, key, nonce, plaintext, aad) };
}

/** OpenBase (§6.1). Throws DecryptionError for a bad enc, a wrong key or a bad tag. */
export function hpkeOpen(
  suite: HpkeSuite,
  recipient: DhPrivateKey,
  enc: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  ciphertext: Uint8Array,
): Uint8Array {
  let dh: Uint8Array;
  try {
    dh = recipient.dh(enc);
  } catch (cause) {
    throw new DecryptionError('the encapsulated key is not a valid public key', { cause });
  }
  const sharedSecret = extractAndExpand(suite, dh, concatBytes(enc, recipient.publicKey.raw));
  const { key, nonce } = keySchedule(suite, sharedSecret, info);
  return aeadOpen(suite.aead, key, nonce, ciphertext, aad);
}
