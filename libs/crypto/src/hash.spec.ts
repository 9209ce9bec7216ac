import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { concatBytes, fromHex, toHex, utf8 } from './bytes.js';
import { hash, hkdfExpand, hkdfExtract } from './hash.js';

describe(hash.name, () => {
  describe('sm3', () => {
    it('hashes "abc" as GB/T 32905-2016 Appendix A example 1', () => {
      // GB/T 32905-2016 Appendix A.1.
      expect(toHex(hash('sm3', utf8('abc')))).toBe(
        '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
      );
    });

    it('hashes "abcd"×16 as GB/T 32905-2016 Appendix A example 2', () => {
      // GB/T 32905-2016 Appendix A.2 (64-byte message, two blocks after padding).
      expect(toHex(hash('sm3', utf8('abcd'.repeat(16))))).toBe(
        'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732',
      );
    });
  });

  describe('sha256', () => {
    it('hashes "abc" as FIPS 180-4 example B.1', () => {
      // FIPS 180-4 (NIST CSRC example values), SHA-256 one-block message.
      expect(toHex(hash('sha256', utf8('abc')))).toBe(
        'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      );
    });
  });

  it('hashes parts exactly as their concatenation', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('sha256' as const, 'sm3' as const),
        fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 6 }),
        (alg, parts) => {
          const expected = createHash(alg)
            .update(concatBytes(...parts))
            .digest('hex');
          expect(toHex(hash(alg, ...parts))).toBe(expected);
        },
      ),
    );
  });

  it('rejects unknown algorithms and non-byte parts, naming the argument', () => {
    expect(() => hash('md5' as never, utf8('x'))).toThrow(/alg: unknown hash algorithm "md5"/);
    expect(() => hash('sha256', 'x' as never)).toThrow(/parts\[0\]: expected Uint8Array/);
  });
});

describe('HKDF', () => {
  it('matches RFC 5869 Appendix A.1 (SHA-256)', () => {
    // RFC 5869 A.1: Basic test case with SHA-256.
    const prk = hkdfExtract(
      'sha256',
      fromHex('000102030405060708090a0b0c'),
      new Uint8Array(22).fill(0x0b),
    );
    expect(toHex(prk)).toBe('077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5');
    expect(toHex(hkdfExpand('sha256', prk, fromHex('f0f1f2f3f4f5f6f7f8f9'), 42))).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
  });

  it('refuses outputs longer than 255 blocks', () => {
    expect(() => hkdfExpand('sm3', new Uint8Array(32), new Uint8Array(0), 255 * 32 + 1)).toThrow(
      RangeError,
    );
  });
});
