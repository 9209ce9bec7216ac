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
  policyMaskingProfile,
  type FieldHasher,
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

describe('policyMaskingProfile()', () => {
  const id = 'ps-identity-sharing@2:registry';
  const record = {
    idNumber: '11010519491231002X',
    name: '王小明',
    gender: 'male',
    birthDate: '1949-12-31',
    ethnicity: '汉',
    address: '北京市朝阳区建国路88号3栋1201室',
  };
  const hasher: FieldHasher = (field, value) => `h(${field}:${value})`;

  it('takes the stricter of catalogue and profile: partial → catalogue rule, redact → substitution, hash → keyed hash, none → unchanged', () => {
    const profile = policyMaskingProfile(id, identity, {
      idNumber: 'partial',
      name: 'hash',
      gender: 'none',
      address: 'redact',
    });
    expect(profile).toEqual({
      id,
      datasetId: 'ps.identity',
      rules: {
        idNumber: 'id-number',
        name: 'hash',
        birthDate: 'birth-year',
        ethnicity: 'redact',
        address: 'redact',
      },
    });
    expect(applyMaskingProfile(profile, record, hasher)).toEqual({
      idNumber: '110105********002X',
      name: 'h(name:王小明)',
      gender: 'male',
      birthDate: '1949',
      ethnicity: '***',
      address: '***',
    });
    // An empty profile is the catalogue's own masking.
    expect(policyMaskingProfile(id, identity, {}).rules).toEqual(
      catalogueMaskingProfile(identity).rules,
    );
  });

  it('redacts a partial field the catalogue has no rule for (never less than asked)', () => {
    expect(policyMaskingProfile(id, identity, { gender: 'partial' }).rules['gender']).toBe(
      'redact',
    );
  });

  it('refuses a hash without the provider key', () => {
    const profile = policyMaskingProfile(id, identity, { name: 'hash' });
    expect(() => applyMaskingProfile(profile, record)).toThrow(MaskingError);
    expect(applyMaskingProfile(profile, { ...record, name: null }).name).toBeNull();
  });

  it('names the bad member of a profile read from the ledger', () => {
    const field = (methods: unknown): string => {
      try {
        policyMaskingProfile(id, identity, methods);
      } catch (e) {
        return (e as MaskingError).field;
      }
      return 'accepted';
    };
    expect(field(undefined)).toBe('maskingProfile');
    expect(field(['partial'])).toBe('maskingProfile');
    expect(field({ name: 'scramble' })).toBe('maskingProfiles/name');
    expect(field({ salary: 'redact' })).toBe('maskingProfiles/salary');
    expect(field({})).toBe('accepted');
  });

  it('only ever maps to known rules, never less strict than the catalogue or the profile', () => {
    const fields = identity.fields.map((f) => f.name);
    const order = ['none', 'partial', 'hash', 'redact'] as const;
    const methodOf = (rule: string | undefined): number =>
      rule === undefined ? 0 : rule === 'redact' ? 3 : rule === 'hash' ? 2 : 1;
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...fields), fc.constantFrom(...order)),
        (methods) => {
          const profile = policyMaskingProfile(id, identity, methods);
          for (const f of identity.fields) {
            const rule = profile.rules[f.name];
            if (rule !== undefined) expect(Object.hasOwn(MASKING_RULES, rule)).toBe(true);
            const asked = methods[f.name] ?? 'none';
            expect(methodOf(rule)).toBeGreaterThanOrEqual(order.indexOf(asked));
            expect(methodOf(rule)).toBeGreaterThanOrEqual(methodOf(f.masking));
          }
        },
      ),
    );
  });
});
