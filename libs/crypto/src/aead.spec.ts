import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { aeadOpen, aeadSeal } from './aead.js';
import { fromHex, toHex } from './bytes.js';
import { DecryptionError } from './errors.js';
import { gcmOpen, gcmSeal } from './gcm.js';

// RFC 8998 Appendix A.1, SM4-GCM (also GmSSL's and Bouncy Castle's SM4-GCM tests).
const SM4_GCM = {
  key: '0123456789abcdeffedcba9876543210',
  nonce: '00001234567800000000abcd',
  aad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
  plaintext:
    'aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccdddddddddddddddd' +
    'eeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa',
  ciphertext:
    '17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735' +
    'd82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d',
  tag: '83de3541e4c2b58177e065a9bf7b62ec',
};

// McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", 2005, Test Case 16
// (AES-256, 96-bit IV, 20-byte AAD, 60-byte plaintext).
const AES_256_GCM = {
  key: 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308',
  nonce: 'cafebabefacedbaddecaf888',
  aad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
  plaintext:
    'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72' +
    '1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39',
  ciphertext:
    '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa' +
    '8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662',
  tag: '76fc6ece0f4e1768cddf8853bb2d551b',
};

describe('SM4 (native sm4-ecb)', () => {
  const key = fromHex('0123456789abcdeffedcba9876543210');

  it('encrypts GB/T 32907-2016 Appendix A example 1', () => {
    // GB/T 32907-2016 A.1: key = plaintext = 0123456789abcdeffedcba9876543210.
    const ecb = createCipheriv('sm4-ecb', key, null).setAutoPadding(false);
    expect(ecb.update(key).toString('hex')).toBe('681edf34d206965e86b3e94f536e4246');
  });

  it('encrypts GB/T 32907-2016 Appendix A example 2 (10⁶ iterations, ~1 s)', () => {
    // GB/T 32907-2016 A.2: the same key, the plaintext encrypted 1 000 000 times.
    const ecb = createCipheriv('sm4-ecb', key, null).setAutoPadding(false);
    let block: Buffer = Buffer.from(key);
    for (let i = 0; i < 1_000_000; i++) block = ecb.update(block);
    expect(block.toString('hex')).toBe('595298c7c6fd271f0402f804c33d3f66');
  });
});

describe(aeadSeal.name, () => {
  it.each([
    ['sm4-gcm', 'RFC 8998 A.1', SM4_GCM],
    ['aes-256-gcm', 'GCM spec Test Case 16', AES_256_GCM],
  ] as const)('%s matches %s', (alg, _source, v) => {
    const sealed = aeadSeal(
      alg,
      fromHex(v.key),
      fromHex(v.nonce),
      fromHex(v.plaintext),
      fromHex(v.aad),
    );
    expect(toHex(sealed)).toBe(v.ciphertext + v.tag);
    const opened = aeadOpen(alg, fromHex(v.key), fromHex(v.nonce), sealed, fromHex(v.aad));
    expect(toHex(opened)).toBe(v.plaintext);
  });

  it('asserts key and nonce lengths, naming the argument', () => {
    expect(() =>
      aeadSeal('sm4-gcm', new Uint8Array(32), new Uint8Array(12), new Uint8Array(0)),
    ).toThrow(/key: expected 16 bytes, got 32/);
    expect(() =>
      aeadSeal('aes-256-gcm', new Uint8Array(32), new Uint8Array(16), new Uint8Array(0)),
    ).toThrow(/nonce: expected 12 bytes, got 16/);
  });
});

describe(aeadOpen.name, () => {
  it.each(['sm4-gcm', 'aes-256-gcm'] as const)(
    '%s: throws DecryptionError for any change',
    (alg) => {
      const key = new Uint8Array(alg === 'sm4-gcm' ? 16 : 32).fill(7);
      const nonce = new Uint8Array(12).fill(1);
      const sealed = aeadSeal(alg, key, nonce, new Uint8Array(20).fill(9), new Uint8Array([1, 2]));
      for (let i = 0; i < sealed.length; i++) {
        const bad = new Uint8Array(sealed);
        bad[i]! ^= 0x01;
        expect(() => aeadOpen(alg, key, nonce, bad, new Uint8Array([1, 2]))).toThrow(
          DecryptionError,
        );
      }
      expect(() => aeadOpen(alg, key, nonce, sealed, new Uint8Array([1, 3]))).toThrow(
        DecryptionError,
      );
      expect(() => aeadOpen(alg, key, nonce, sealed.subarray(0, 15))).toThrow(DecryptionError);
    },
  );
});

describe(gcmSeal.name, () => {
  it('matches native AES-256-GCM on random inputs (differential check of GHASH)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 70 }),
        (key, nonce, plaintext, aad) => {
          const ours = gcmSeal('aes-256', key, nonce, plaintext, aad);
          expect(toHex(ours)).toBe(toHex(aeadSeal('aes-256-gcm', key, nonce, plaintext, aad)));
          expect(toHex(gcmOpen('aes-256', key, nonce, ours, aad))).toBe(toHex(plaintext));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('matches native AES-256-GCM on 1 MiB and on every length around block boundaries', () => {
    const key = new Uint8Array(32).fill(3);
    const nonce = new Uint8Array(12).fill(4);
    const big = new Uint8Array(1 << 20).map((_, i) => i * 31);
    expect(toHex(gcmSeal('aes-256', key, nonce, big, big.subarray(0, 33)).subarray(-16))).toBe(
      toHex(aeadSeal('aes-256-gcm', key, nonce, big, big.subarray(0, 33)).subarray(-16)),
    );
    for (let length = 0; length <= 48; length++) {
      const pt = big.subarray(0, length);
      expect(toHex(gcmSeal('aes-256', key, nonce, pt, pt))).toBe(
        toHex(aeadSeal('aes-256-gcm', key, nonce, pt, pt)),
      );
    }
  });

  it('computes SM4-GCM as RFC 8998 A.1 over native SM4-CTR', () => {
    const v = SM4_GCM;
    const ours = gcmSeal(
      'sm4',
      fromHex(v.key),
      fromHex(v.nonce),
      fromHex(v.plaintext),
      fromHex(v.aad),
    );
    expect(toHex(ours)).toBe(v.ciphertext + v.tag);
  });
});
