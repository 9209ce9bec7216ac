import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { SUITE_IDS } from './algorithms.js';
import { toHex, utf8 } from './bytes.js';
import { CryptoError, DecryptionError, KeyFormatError } from './errors.js';
import { importEncryptionPublicKey } from './key-import.js';
import { hash } from './hash.js';
import { SEAL_SUITE_CODE, SEAL_VERSION } from './seal.js';
import { getSuite } from './suite.js';

const ENC_LENGTH = { intl: 32, sm: 65 } as const;
const AEAD_KEY_LENGTH = { intl: 32, sm: 16 } as const;

describe(getSuite.name, () => {
  it('returns the two suites with their algorithms', () => {
    expect(SUITE_IDS).toEqual(['intl', 'sm']);
    const intl = getSuite('intl');
    const sm = getSuite('sm');
    expect([intl.hashAlgorithm, intl.signatureAlgorithm, intl.encryptionAlgorithm]).toEqual([
      'sha256',
      'ed25519',
      'x25519',
    ]);
    expect([sm.hashAlgorithm, sm.signatureAlgorithm, sm.encryptionAlgorithm]).toEqual([
      'sm3',
      'sm2',
      'sm2',
    ]);
  });

  it('throws a RangeError naming an unknown id', () => {
    expect(() => getSuite('nist')).toThrow(RangeError);
    expect(() => getSuite('nist')).toThrow(/"nist"/);
    expect(() => getSuite(undefined as never)).toThrow(RangeError);
  });
});

describe.each(SUITE_IDS)('CryptoSuite %s', (id) => {
  const suite = getSuite(id);

  describe('hash()', () => {
    it('is the suite hash of the concatenated parts', () => {
      expect(toHex(suite.hash(utf8('a'), utf8('bc')))).toBe(
        toHex(hash(suite.hashAlgorithm, utf8('abc'))),
      );
    });
  });

  describe('generateSigningKey()', () => {
    const key = suite.generateSigningKey();

    it('signs 64-byte signatures that verify, and only for the signed message', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 300 }),
          fc.uint8Array({ maxLength: 300 }),
          (message, other) => {
            const signature = key.sign(message);
            expect(signature.length).toBe(64);
            expect(key.publicKey.verify(message, signature)).toBe(true);
            if (toHex(other) !== toHex(message))
              expect(key.publicKey.verify(other, signature)).toBe(false);
          },
        ),
        { numRuns: 50 },
      );
    });

    it('rejects a signature from another key', () => {
      const message = utf8('entry');
      expect(suite.generateSigningKey().publicKey.verify(message, key.sign(message))).toBe(false);
    });

    it('names keys with 64 lowercase hex characters', () => {
      expect(key.publicKey.keyId).toMatch(/^[0-9a-f]{64}$/);
      expect(key.publicKey.algorithm).toBe(suite.signatureAlgorithm);
    });
  });

  describe('seal()', () => {
    const recipient = suite.generateEncryptionKey();

    it.each([
      ['an empty plaintext', 0],
      ['a short plaintext', 17],
      ['1 MiB', 1 << 20],
    ])('round-trips %s, with the documented envelope layout', (_, length) => {
      const plaintext = new Uint8Array(length).map((_, i) => i % 251);
      const aad = utf8('exchange 42');
      const sealed = suite.seal(recipient.publicKey, plaintext, aad);
      expect(sealed.length).toBe(2 + ENC_LENGTH[id] + length + 16);
      expect([sealed[0], sealed[1]]).toEqual([SEAL_VERSION, SEAL_SUITE_CODE[id]]);
      expect(toHex(suite.open(recipient, sealed, aad))).toBe(toHex(plaintext));
    });

    it('round-trips random plaintexts and aad', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 200 }),
          fc.uint8Array({ maxLength: 40 }),
          (plaintext, aad) => {
            expect(
              toHex(suite.open(recipient, suite.seal(recipient.publicKey, plaintext, aad), aad)),
            ).toBe(toHex(plaintext));
          },
        ),
        { numRuns: 30 },
      );
    });

    it('uses a fresh ephemeral key each time', () => {
      const a = suite.seal(recipient.publicKey, utf8('same'));
      const b = suite.seal(recipient.publicKey, utf8('same'));
      expect(toHex(a)).not.toBe(toHex(b));
    });

    it('throws CryptoError for a low-order or invalid recipient key', () => {
      const raw = new Uint8Array(ENC_LENGTH[id]);
      if (id === 'sm') {
        expect(() => importEncryptionPublicKey({ algorithm: 'sm2', raw })).toThrow(KeyFormatError);
      } else {
        const zero = importEncryptionPublicKey({ algorithm: 'x25519', raw });
        expect(() => suite.seal(zero, utf8('x'))).toThrow(CryptoError);
      }
    });

    it('refuses a recipient of the other suite', () => {
      const other = getSuite(id === 'intl' ? 'sm' : 'intl').generateEncryptionKey();
      expect(() => suite.seal(other.publicKey, utf8('x'))).toThrow(TypeError);
    });
  });

  describe('open()', () => {
    const recipient = suite.generateEncryptionKey();
    const aad = utf8('aad');
    const sealed = suite.seal(recipient.publicKey, utf8('small secret'), aad);

    it('throws DecryptionError when any bit of any byte is flipped', () => {
      for (let i = 0; i < sealed.length; i++) {
        for (const mask of [0x01, 0x80]) {
          const bad = new Uint8Array(sealed);
          bad[i]! ^= mask;
          expect(() => suite.open(recipient, bad, aad)).toThrow(DecryptionError);
        }
      }
    });

    it('throws DecryptionError for every truncation and for appended bytes', () => {
      for (let length = 0; length < sealed.length; length++) {
        expect(() => suite.open(recipient, sealed.subarray(0, length), aad)).toThrow(
          DecryptionError,
        );
      }
      expect(() => suite.open(recipient, new Uint8Array([...sealed, 0]), aad)).toThrow(
        DecryptionError,
      );
    });

    it('throws DecryptionError for the wrong recipient or the wrong aad', () => {
      expect(() => suite.open(suite.generateEncryptionKey(), sealed, aad)).toThrow(DecryptionError);
      expect(() => suite.open(recipient, sealed, utf8('aaD'))).toThrow(DecryptionError);
      expect(() => suite.open(recipient, sealed)).toThrow(DecryptionError);
    });

    it('throws DecryptionError for an envelope of the other suite', () => {
      const otherSuite = getSuite(id === 'intl' ? 'sm' : 'intl');
      const foreign = otherSuite.seal(
        otherSuite.generateEncryptionKey().publicKey,
        utf8('small secret'),
        aad,
      );
      expect(() => suite.open(recipient, foreign, aad)).toThrow(DecryptionError);
    });
  });

  describe('aeadEncrypt()', () => {
    const key = new Uint8Array(AEAD_KEY_LENGTH[id]).fill(0x42);
    const nonce = new Uint8Array(12).fill(0x24);

    it('round-trips and appends a 16-byte tag', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 100 }),
          fc.uint8Array({ maxLength: 20 }),
          (plaintext, aad) => {
            const sealed = suite.aeadEncrypt(key, nonce, plaintext, aad);
            expect(sealed.length).toBe(plaintext.length + 16);
            expect(toHex(suite.aeadDecrypt(key, nonce, sealed, aad))).toBe(toHex(plaintext));
          },
        ),
        { numRuns: 50 },
      );
    });

    it('takes only its own key length', () => {
      const wrong = new Uint8Array(AEAD_KEY_LENGTH[id] === 32 ? 16 : 32);
      expect(() => suite.aeadEncrypt(wrong, nonce, utf8('x'))).toThrow(/key: expected/);
    });
  });
});
