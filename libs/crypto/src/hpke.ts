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
import type { EncryptionPublicKey } from './types.js';

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

interface ScheduleConstants {
  readonly suiteId: Uint8Array;
  /** key_schedule_context = mode ‖ psk_id_hash ‖ info_hash, by info (hex). */
  readonly contexts: Map<string, Uint8Array>;
}

/** Per suite object: suite_id and the contexts of the few infos used (seal has one per suite). */
const scheduleConstants = new WeakMap<HpkeSuite, ScheduleConstants>();
const MAX_CACHED_INFOS = 16;

/** key_schedule_context for mode_base (§5.1); depends only on the suite and info, so cached. */
function scheduleContext(
  suite: HpkeSuite,
  info: Uint8Array,
): ScheduleConstants & { context: Uint8Array } {
  let constants = scheduleConstants.get(suite);
  if (constants === undefined) {
    const suiteId = concatBytes(
      utf8('HPKE'),
      i2osp2(suite.kemId),
      i2osp2(suite.kdfId),
      i2osp2(suite.aeadId),
    );
    constants = { suiteId, contexts: new Map() };
    scheduleConstants.set(suite, constants);
  }
  const key = Buffer.from(info.buffer, info.byteOffset, info.byteLength).toString('hex');
  let context = constants.contexts.get(key);
  if (context === undefined) {
    const { suiteId } = constants;
    const pskIdHash = labeledExtract(suite.kdf, suiteId, EMPTY, 'psk_id_hash', EMPTY);
    const infoHash = labeledExtract(suite.kdf, suiteId, EMPTY, 'info_hash', info);
    context = concatBytes(new Uint8Array([0]), pskIdHash, infoHash);
    if (constants.contexts.size < MAX_CACHED_INFOS) constants.contexts.set(key, context);
  }
  return { ...constants, context };
}

/** KeySchedule for mode_base (§5.1): no PSK. Sequence number 0, so the nonce is base_nonce. */
function keySchedule(suite: HpkeSuite, sharedSecret: Uint8Array, info: Uint8Array): AeadContext {
  const { suiteId, context } = scheduleContext(suite, info);
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
 * SealBase (§6.1) to pkR (raw, or a key object whose native key is reused) with a caller-chosen ephemeral key: production passes a fresh one,
 * tests pass RFC 9180's skEm. MUST NOT reuse an ephemeral key across messages.
 */
export function hpkeSealWithEphemeral(
  suite: HpkeSuite,
  recipient: Uint8Array | EncryptionPublicKey,
  ephemeral: DhPrivateKey,
  info: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): HpkeSealed {
  const enc = ephemeral.publicKey.raw;
  const recipientRaw = recipient instanceof Uint8Array ? recipient : recipient.raw;
  const sharedSecret = extractAndExpand(
    suite,
    ephemeral.dh(recipient),
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
