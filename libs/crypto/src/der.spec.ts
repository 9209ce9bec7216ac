import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fromHex, toHex } from './bytes.js';
import { pem, readTlv, signatureFromDer, signatureToDer } from './der.js';

describe(signatureToDer.name, () => {
  it('round-trips every r‖s through DER', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (rs) => {
        expect(toHex(signatureFromDer(signatureToDer(rs)))).toBe(toHex(rs));
      }),
    );
  });

  it('writes minimal INTEGERs with a sign byte when the top bit is set', () => {
    const rs = new Uint8Array(64);
    rs[31] = 1;
    rs[32] = 0x80;
    expect(toHex(signatureToDer(rs))).toBe('3026020101022100' + '80' + '00'.repeat(31));
  });
});

describe(signatureFromDer.name, () => {
  it.each([
    ['trailing bytes', '3006020101020101' + '00'],
    ['one INTEGER', '3003020101'],
    ['a negative INTEGER', '3006020181020101'],
    ['a 33-byte value', '3027' + '022101' + '00'.repeat(32) + '020101'],
    ['a truncated body', '300602010102'],
  ])('rejects %s', (_, hex) => {
    expect(() => signatureFromDer(fromHex(hex))).toThrow(RangeError);
  });
});

describe(readTlv.name, () => {
  it('rejects non-minimal long-form lengths', () => {
    expect(() => readTlv(fromHex('04810100'), 0)).toThrow(/non-minimal/);
  });
});

describe(pem.name, () => {
  it('wraps base64 at 64 columns as RFC 7468 §2 and OpenSSL do', () => {
    const text = pem('PUBLIC KEY', new Uint8Array(60));
    expect(text.split('\n')).toEqual([
      '-----BEGIN PUBLIC KEY-----',
      'A'.repeat(64),
      'A'.repeat(16),
      '-----END PUBLIC KEY-----',
      '',
    ]);
  });
});
