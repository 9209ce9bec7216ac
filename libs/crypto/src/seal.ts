// The sealed envelope, version 1 (both suites):
//
//   offset   size    field
//   0        1       version = 0x01
//   1        1       suite: 0x01 intl, 0x02 sm
//   2        Nenc    enc, the HPKE encapsulated key: intl 32 bytes (X25519 public key),
//                    sm 65 bytes (uncompressed SM2 point 0x04‖X‖Y)
//   2+Nenc   n+16    HPKE ciphertext: AEAD ciphertext of the n-byte plaintext ‖ 16-byte tag
//
// The payload is RFC 9180 base-mode SealBase(pkR, info, aad, pt) with info =
// "govx/seal" ‖ version ‖ suite, so the header is bound by the key schedule, and the
// caller's aad as the AEAD's associated data (not carried in the envelope).
import type { SuiteId } from './algorithms.js';
import { assertBytes, concatBytes, utf8 } from './bytes.js';
import { X25519PrivateKey, Sm2EncryptionPrivateKey } from './encryption-key.js';
import type { DhPrivateKey } from './encryption-key.js';
import { DecryptionError } from './errors.js';
import { hpkeOpen, hpkeSealWithEphemeral } from './hpke.js';
import type { HpkeSuite } from './hpke.js';
import type { EncryptionPrivateKey, EncryptionPublicKey } from './types.js';

export const SEAL_VERSION = 0x01;
export const SEAL_SUITE_CODE: Readonly<Record<SuiteId, number>> = Object.freeze({
  intl: 0x01,
  sm: 0x02,
});
const HEADER_LENGTH = 2;
const TAG_LENGTH = 16;
const SM_LOCAL_ID = 0xfff1;

export const HPKE_SUITES: Readonly<Record<SuiteId, HpkeSuite>> = Object.freeze({
  intl: {
    kemId: 0x0020,
    kdfId: 0x0001,
    aeadId: 0x0002,
    kemHash: 'sha256',
    kdf: 'sha256',
    aead: 'aes-256-gcm',
    secretLength: 32,
    encLength: 32,
    keyLength: 32,
  },
  sm: {
    kemId: SM_LOCAL_ID,
    kdfId: SM_LOCAL_ID,
    aeadId: SM_LOCAL_ID,
    kemHash: 'sm3',
    kdf: 'sm3',
    aead: 'sm4-gcm',
    secretLength: 32,
    encLength: 65,
    keyLength: 16,
  },
});

const ENCRYPTION_ALGORITHM = { intl: 'x25519', sm: 'sm2' } as const;
const EMPTY = new Uint8Array(0);

function header(suite: SuiteId): Uint8Array {
  return new Uint8Array([SEAL_VERSION, SEAL_SUITE_CODE[suite]]);
}

function info(head: Uint8Array): Uint8Array {
  return concatBytes(utf8('govx/seal'), head);
}

function newEphemeral(suite: SuiteId): DhPrivateKey {
  return suite === 'intl' ? X25519PrivateKey.generate() : Sm2EncryptionPrivateKey.generate();
}

function isDhKeyFor(suite: SuiteId, key: EncryptionPrivateKey): key is DhPrivateKey {
  return suite === 'intl'
    ? key instanceof X25519PrivateKey
    : key instanceof Sm2EncryptionPrivateKey;
}

export function sealEnvelope(
  suite: SuiteId,
  recipient: EncryptionPublicKey,
  plaintext: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array {
  if (recipient?.algorithm !== ENCRYPTION_ALGORITHM[suite]) {
    throw new TypeError(`recipient: suite ${suite} seals to ${ENCRYPTION_ALGORITHM[suite]} keys`);
  }
  assertBytes(recipient.raw, 'recipient.raw', HPKE_SUITES[suite].encLength);
  assertBytes(plaintext, 'plaintext');
  assertBytes(aad, 'aad');
  const head = header(suite);
  const { enc, ciphertext } = hpkeSealWithEphemeral(
    HPKE_SUITES[suite],
    recipient,
    newEphemeral(suite),
    info(head),
    aad,
    plaintext,
  );
  return concatBytes(head, enc, ciphertext);
}

export function openEnvelope(
  suite: SuiteId,
  recipient: EncryptionPrivateKey,
  sealed: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array {
  if (!isDhKeyFor(suite, recipient)) {
    throw new TypeError(
      `recipient: suite ${suite} opens with ${ENCRYPTION_ALGORITHM[suite]} private keys`,
    );
  }
  assertBytes(sealed, 'sealed');
  assertBytes(aad, 'aad');
  const { encLength } = HPKE_SUITES[suite];
  if (sealed.length < HEADER_LENGTH + encLength + TAG_LENGTH) {
    throw new DecryptionError(`truncated envelope: ${sealed.length} bytes`);
  }
  if (sealed[0] !== SEAL_VERSION)
    throw new DecryptionError(`unsupported envelope version ${sealed[0]}`);
  if (sealed[1] !== SEAL_SUITE_CODE[suite]) {
    throw new DecryptionError(`the envelope is not for suite ${suite} (suite byte ${sealed[1]})`);
  }
  const head = sealed.subarray(0, HEADER_LENGTH);
  const enc = sealed.subarray(HEADER_LENGTH, HEADER_LENGTH + encLength);
  const ciphertext = sealed.subarray(HEADER_LENGTH + encLength);
  return hpkeOpen(HPKE_SUITES[suite], recipient, enc, info(head), aad, ciphertext);
}
