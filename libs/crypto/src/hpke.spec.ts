import { describe, expect, it } from '@jest/globals';
import { fromHex, toHex } from './bytes.js';
import { Sm2EncryptionPrivateKey, X25519PrivateKey } from './encryption-key.js';
import { bigintFromBytes, publicFromScalar } from './sm2.js';
import { DecryptionError } from './errors.js';
import { hpkeOpen, hpkeSealWithEphemeral } from './hpke.js';
import type { HpkeSuite } from './hpke.js';
import { HPKE_SUITES } from './seal.js';

// RFC 9180 Appendix A.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, mode_base,
// first encryption (sequence number 0). The intl suite differs only in the AEAD
// (AES-256-GCM, aead_id 0x0002), so this checks the KEM, the key schedule and Seal/Open.
const A1 = {
  info: '4f6465206f6e2061204772656369616e2055726e',
  skEm: '52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736',
  pkEm: '37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431',
  skRm: '4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8',
  pkRm: '3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d',
  aad: '436f756e742d30',
  plaintext: '4265617574792069732074727574682c20747275746820626561757479',
  ciphertext:
    'f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a',
};
const A1_SUITE: HpkeSuite = {
  ...HPKE_SUITES.intl,
  aeadId: 0x0001,
  aead: 'aes-128-gcm',
  keyLength: 16,
};

describe(hpkeSealWithEphemeral.name, () => {
  it('reproduces RFC 9180 A.1 (base mode, sequence 0)', () => {
    const ephemeral = new X25519PrivateKey(fromHex(A1.skEm));
    const recipient = new X25519PrivateKey(fromHex(A1.skRm));
    expect(toHex(ephemeral.publicKey.raw)).toBe(A1.pkEm);
    expect(toHex(recipient.publicKey.raw)).toBe(A1.pkRm);
    const sealed = hpkeSealWithEphemeral(
      A1_SUITE,
      fromHex(A1.pkRm),
      ephemeral,
      fromHex(A1.info),
      fromHex(A1.aad),
      fromHex(A1.plaintext),
    );
    expect(toHex(sealed.enc)).toBe(A1.pkEm);
    expect(toHex(sealed.ciphertext)).toBe(A1.ciphertext);
  });

  it('gives the same bytes to a recipient key object (its native key reused) as to raw bytes', () => {
    const recipient = new X25519PrivateKey(fromHex(A1.skRm)).publicKey;
    const seal = (to: Uint8Array | typeof recipient, info = A1.info): string =>
      toHex(
        hpkeSealWithEphemeral(
          A1_SUITE,
          to,
          new X25519PrivateKey(fromHex(A1.skEm)),
          fromHex(info),
          fromHex(A1.aad),
          fromHex(A1.plaintext),
        ).ciphertext,
      );
    // twice through the object (import, then the cached key), and a second info (its own context)
    expect([seal(recipient), seal(recipient), seal(fromHex(A1.pkRm))]).toEqual([
      A1.ciphertext,
      A1.ciphertext,
      A1.ciphertext,
    ]);
    expect(seal(recipient, A1.info + '00')).not.toBe(A1.ciphertext);
    expect(seal(recipient)).toBe(A1.ciphertext);
  });
});

describe('X25519PrivateKey.generate()', () => {
  it('holds the same key pair as the key imported from its secret', () => {
    for (let i = 0; i < 20; i++) {
      const generated = X25519PrivateKey.generate();
      const again = new X25519PrivateKey(
        new Uint8Array(Buffer.from(generated.toJwk().d ?? '', 'base64url')),
      );
      expect(toHex(again.publicKey.raw)).toBe(toHex(generated.publicKey.raw));
      expect(again.toPem()).toBe(generated.toPem());
      const peer = X25519PrivateKey.generate().publicKey;
      expect(toHex(generated.dh(peer))).toBe(toHex(again.dh(peer.raw)));
    }
  });
});

describe(hpkeOpen.name, () => {
  const recipient = new X25519PrivateKey(fromHex(A1.skRm));
  const open = (enc: string, info = A1.info): Uint8Array =>
    hpkeOpen(
      A1_SUITE,
      recipient,
      fromHex(enc),
      fromHex(info),
      fromHex(A1.aad),
      fromHex(A1.ciphertext),
    );

  it('opens the RFC 9180 A.1 ciphertext', () => {
    expect(toHex(open(A1.pkEm))).toBe(A1.plaintext);
  });

  it('throws DecryptionError for another info or a low-order enc (RFC 9180 §7.1.4)', () => {
    expect(() => open(A1.pkEm, A1.info + '00')).toThrow(DecryptionError);
    expect(() => open('00'.repeat(32))).toThrow(/not a valid public key/);
  });
});

describe('Sm2EncryptionPrivateKey', () => {
  it('takes its public key from the native key: d·G as computed apart', () => {
    for (let i = 0; i < 5; i++) {
      const key = Sm2EncryptionPrivateKey.generate();
      const d = bigintFromBytes(new Uint8Array(Buffer.from(key.toJwk().d ?? '', 'base64url')));
      expect(toHex(key.publicKey.raw)).toBe(toHex(publicFromScalar(d)));
    }
  });
});
