import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { validateEntryBody } from './entry-types.js';
import { GovernanceEntryTypes } from './governance.js';
import {
  MaskingProfileIdError,
  parsePolicyMaskingProfileId,
  policyMaskingProfileId,
} from './masking-profile.js';

const policyId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/);

describe('masking profile ids', () => {
  it('names a policy profile <policyId>@<version>:<name> and parses it back', () => {
    expect(policyMaskingProfileId('tax-clearance-sharing', 3, 'registry')).toBe(
      'tax-clearance-sharing@3:registry',
    );
    fc.assert(
      fc.property(policyId, fc.integer({ min: 1, max: 999_999_999 }), policyId, (p, v, n) => {
        expect(parsePolicyMaskingProfileId(policyMaskingProfileId(p, v, n))).toEqual({
          policyId: p,
          version: v,
          name: n,
        });
      }),
    );
  });

  it('never reads a catalogue profile id as a policy one', () => {
    expect(parsePolicyMaskingProfileId('ps.identity:v1:masked')).toBeNull();
    expect(parsePolicyMaskingProfileId('p@0:x')).toBeNull();
    expect(parsePolicyMaskingProfileId('p@1:')).toBeNull();
    expect(parsePolicyMaskingProfileId('p@1:a@b')).toBeNull();
  });

  it('refuses a member it cannot carry, naming the field', () => {
    expect(() => policyMaskingProfileId('a@b', 1, 'x')).toThrow(MaskingProfileIdError);
    expect(() => policyMaskingProfileId('p', 0, 'x')).toThrow(MaskingProfileIdError);
    expect(() => policyMaskingProfileId('p', 1, 'a b')).toThrow(MaskingProfileIdError);
    expect(new MaskingProfileIdError('x').field).toBe('maskingProfile');
  });

  it('is accepted by the decision.approve schema in either form', () => {
    const approval = (maskingProfile: string): void =>
      validateEntryBody(GovernanceEntryTypes.DecisionApprove, {
        request: { seq: 1, leaf: 'ab'.repeat(32) },
        fields: ['name'],
        maskingProfile,
        expires: '2026-12-31T00:00:00.000Z',
        final: true,
      });
    expect(() => approval('ps.identity:v1:masked')).not.toThrow();
    expect(() =>
      approval(policyMaskingProfileId('x'.repeat(128), 999_999_999, 'y'.repeat(128))),
    ).not.toThrow();
    expect(() => approval('bad id')).toThrow();
  });
});
