import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { verifyClaims, VerificationError } from './verification.js';

const record = { idNumber: '11010519491231002X', name: '王小明' };
const allowed = ['idNumber', 'name'];

describe('verifyClaims()', () => {
  it('answers match only when every claim equals the record', () => {
    expect(verifyClaims(record, { name: '王小明' }, allowed)).toBe('match');
    expect(
      verifyClaims(record, { name: ' 王小明 ', idNumber: '11010519491231002x' }, allowed),
    ).toBe('match');
    expect(verifyClaims(record, { name: '王小红' }, allowed)).toBe('no-match');
    expect(verifyClaims(null, { name: '王小明' }, allowed)).toBe('no-match');
  });

  it('refuses an empty claim set and a claim outside the dataset', () => {
    expect(() => verifyClaims(record, {}, allowed)).toThrow(VerificationError);
    expect(() => verifyClaims(record, { photoHash: 'x' }, allowed)).toThrow(
      expect.objectContaining({ field: 'claims/photoHash' }),
    );
  });

  it('never matches a claim that differs after normalisation', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (claim) => {
        const result = verifyClaims(record, { name: claim }, allowed);
        return (
          result ===
          (claim.normalize('NFKC').trim().toUpperCase() === '王小明' ? 'match' : 'no-match')
        );
      }),
    );
  });
});
