import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { demoDepartment } from '../demo/demo-departments.js';
import {
  applyMaskingProfile,
  applyMaskingRule,
  assertMaskingProfile,
  catalogueMaskingProfile,
  keepApprovedFields,
  MASKING_RULES,
  MaskingError,
} from './masking.js';

const identity = demoDepartment('public-security').catalogue.find(
  (e) => e.datasetId === 'ps.identity',
)!;

describe('applyMaskingProfile()', () => {
  const profile = catalogueMaskingProfile(identity);
  it('masks, substitutes and generalises per the catalogue rules', () => {
    expect(profile.id).toBe('ps.identity:v1:masked');
    expect(() => assertMaskingProfile(profile)).not.toThrow();
    const record = {
      idNumber: '11010519491231002X',
      name: '王小明',
      gender: 'male',
      birthDate: '1949-12-31',
      ethnicity: '汉',
      address: '北京市朝阳区建国路88号3栋1201室',
    };
    expect(applyMaskingProfile(profile, record)).toEqual({
      idNumber: '110105********002X',
      name: '王**',
      gender: 'male',
      birthDate: '1949',
      ethnicity: '***',
      address: '北京市朝阳区',
    });
  });

  it('rounds amounts and keeps null as null', () => {
    expect(applyMaskingRule(MASKING_RULES['round-1k']!, 12_499)).toBe(12_000);
    expect(applyMaskingRule(MASKING_RULES['round-10k']!, 15_000)).toBe(20_000);
    expect(applyMaskingRule(MASKING_RULES['name']!, null)).toBeNull();
  });

  it('keeps the length, the first keepStart and last keepEnd characters, and stars the rest', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(8), fc.nat(8), (s, keepStart, keepEnd) => {
        const chars = [...s];
        const out = [...(applyMaskingRule({ kind: 'mask', keepStart, keepEnd }, s) as string)];
        const head = Math.min(keepStart, chars.length);
        const tail = Math.min(keepEnd, chars.length - head);
        return (
          out.length === chars.length &&
          out.every((c, i) => (i < head || i >= chars.length - tail ? c === chars[i] : c === '*'))
        );
      }),
    );
  });
});

describe('assertMaskingProfile()', () => {
  it('names the bad member', () => {
    expect(() => assertMaskingProfile({ id: 'bad', datasetId: 'x.y', rules: {} })).toThrow(
      MaskingError,
    );
    expect(() =>
      assertMaskingProfile({
        id: 'ps.identity:v1:x',
        datasetId: 'ps.identity',
        rules: { name: 'nope' },
      }),
    ).toThrow(expect.objectContaining({ field: 'rules/name' }));
    expect(() =>
      assertMaskingProfile({ id: 'ps.identity:v1:x', datasetId: 'tx.income', rules: {} }),
    ).toThrow(expect.objectContaining({ field: 'datasetId' }));
  });
});

describe('keepApprovedFields()', () => {
  it('keeps exactly the approved fields and refuses a missing one', () => {
    expect(keepApprovedFields({ a: 1, b: 2, c: 3 }, ['c', 'a'])).toEqual({ c: 3, a: 1 });
    expect(() => keepApprovedFields({ a: 1 }, ['a', 'z'])).toThrow(
      expect.objectContaining({ field: 'fields/1' }),
    );
  });
});
