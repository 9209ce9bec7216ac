import { describe, expect, it } from '@jest/globals';
import type { CataloguePublishBody } from '@govx/contracts';
import {
  checkOfficerApproval,
  checkProviderOfficer,
  conditionsAdded,
  dueEscalation,
  GovernanceActionError,
  type PendingView,
} from './governance-rules.js';
import { diffCatalogue } from './catalogue-diff.js';

const pending: PendingView = {
  state: 'pending',
  requester: 'natural-resources',
  provider: 'taxation',
  officers: 'four-eyes',
  signoffs: [],
};
const alice = 'dept/taxation/officer/alice';
const bob = 'dept/natural-resources/officer/bob';
const carol = 'dept/taxation/officer/carol';
const dave = 'dept/natural-resources/officer/dave';
const erin = 'dept/public-security/officer/erin';

function code(fn: () => void): [string, string | null] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GovernanceActionError);
    return [(e as GovernanceActionError).code, (e as GovernanceActionError).field];
  }
  return ['ok', null];
}

describe('checkOfficerApproval()', () => {
  it("four-eyes: the requester's officer signs first (not final), the provider's officer approves", () => {
    expect(code(() => checkOfficerApproval(pending, bob, false))).toEqual(['ok', null]);
    const signed = {
      ...pending,
      signoffs: [{ officer: bob, department: 'natural-resources', seq: 9 }],
    };
    expect(code(() => checkOfficerApproval(signed, alice, true))).toEqual(['ok', null]);
  });
  it('four-eyes: refuses a final approval by the requester, the provider first, one department twice, a third department', () => {
    // The requester's officer never gives the final approval, first or second.
    expect(code(() => checkOfficerApproval(pending, bob, true))).toEqual([
      'not-allowed',
      'body.final',
    ]);
    const signed = {
      ...pending,
      signoffs: [{ officer: bob, department: 'natural-resources', seq: 9 }],
    };
    expect(code(() => checkOfficerApproval(signed, dave, true))).toEqual([
      'not-allowed',
      'body.final',
    ]);
    // The provider's officer does not sign before the requester's, final or not.
    expect(code(() => checkOfficerApproval(pending, alice, false))).toEqual([
      'not-allowed',
      'actor',
    ]);
    expect(code(() => checkOfficerApproval(pending, alice, true))).toEqual([
      'not-allowed',
      'actor',
    ]);
    // A second sign-off from the same department, or by the same officer.
    expect(code(() => checkOfficerApproval(signed, dave, false))).toEqual(['duplicate', 'actor']);
    expect(code(() => checkOfficerApproval(signed, bob, true))).toEqual(['duplicate', 'actor']);
    // The provider's word is final.
    expect(code(() => checkOfficerApproval(signed, alice, false))).toEqual([
      'invalid',
      'body.final',
    ]);
    // Neither department, before or after the sign-off.
    for (const view of [pending, signed])
      for (const final of [false, true])
        expect(code(() => checkOfficerApproval(view, erin, final))).toEqual([
          'not-allowed',
          'actor',
        ]);
  });
  it('four-eyes where a department asks itself: two different officers of it, the second final', () => {
    const self = { ...pending, requester: 'taxation' };
    expect(code(() => checkOfficerApproval(self, alice, true))).toEqual([
      'not-allowed',
      'body.final',
    ]);
    const once = { ...self, signoffs: [{ officer: alice, department: 'taxation', seq: 9 }] };
    expect(code(() => checkOfficerApproval(once, alice, true))).toEqual(['duplicate', 'actor']);
    expect(code(() => checkOfficerApproval(once, carol, false))).toEqual(['invalid', 'body.final']);
    expect(code(() => checkOfficerApproval(once, carol, true))).toEqual(['ok', null]);
  });
  it('refuses every approval after the final one: a sign-off of either department, a second final approval', () => {
    const done = {
      ...pending,
      signoffs: [
        { officer: bob, department: 'natural-resources', seq: 9 },
        { officer: alice, department: 'taxation', seq: 10 },
      ],
    };
    for (const state of ['approved', 'delivered', 'revoked'])
      for (const [who, final] of [
        [dave, false],
        [bob, false],
        [carol, false],
        [carol, true],
        [alice, true],
      ] as const)
        expect([
          state,
          who,
          final,
          code(() => checkOfficerApproval({ ...done, state }, who, final)),
        ]).toEqual([state, who, final, ['not-pending', 'body.request']]);
  });
  it('one: an officer of the provider, final', () => {
    const one = { ...pending, officers: 'one' as const };
    expect(code(() => checkOfficerApproval(one, alice, true))).toEqual(['ok', null]);
    expect(code(() => checkOfficerApproval(one, bob, true))).toEqual(['not-allowed', 'actor']);
    expect(code(() => checkOfficerApproval(one, alice, false))).toEqual(['invalid', 'body.final']);
  });
  it('refuses requests that are not pending and actors that are not officers', () => {
    expect(
      code(() => checkOfficerApproval({ ...pending, state: 'approved' }, alice, false)),
    ).toEqual(['not-pending', 'body.request']);
    expect(code(() => checkOfficerApproval(pending, 'dept/taxation/gateway', false))).toEqual([
      'not-allowed',
      'actor',
    ]);
    expect(code(() => checkProviderOfficer({ ...pending, state: 'denied' }, alice))).toEqual([
      'not-pending',
      'body.request',
    ]);
  });
});

describe('conditionsAdded()', () => {
  const base = {
    datasetId: 'd',
    version: 1,
    name: 'n',
    provider: 'p',
    fields: [
      { name: 'a', type: 'string', classification: 'public', grade: 'general', masking: 'none' },
    ],
    format: 'json',
    updateFrequency: 'daily',
    sharing: { category: 'conditional', conditions: ['c1'], scope: 's', purposes: ['x', 'y'] },
    methods: ['api'],
    secrecy: 'none',
  } as CataloguePublishBody;
  it('flags conditions, narrowed purposes and a stricter category', () => {
    expect(conditionsAdded(null, base)).toEqual([]);
    const next = {
      ...base,
      version: 2,
      sharing: { ...base.sharing, conditions: ['c1', 'c2'], purposes: ['x'] },
    };
    expect(conditionsAdded(base, next)).toEqual(['condition: c2', 'purpose removed: y']);
    const closed = {
      ...base,
      sharing: { category: 'not-shared', reason: 'r', citation: { kind: 'law', title: 't' } },
    } as CataloguePublishBody;
    expect(conditionsAdded(base, closed)).toEqual(['category conditional → not-shared']);
  });
});

describe('dueEscalation()', () => {
  const r = { state: 'pending', deadline: '2026-12-01T16:00:00.000Z', breach: null };
  it('gives a notice at the deadline, then the authority a working day later', () => {
    expect(dueEscalation(r, '2026-12-01T15:59:59.999Z', null)).toBeNull();
    expect(dueEscalation(r, '2026-12-01T16:00:00.000Z', '2026-12-02T16:00:00.000Z')).toBe('notice');
    const noticed = { ...r, breach: 'notice' as const };
    expect(
      dueEscalation(noticed, '2026-12-02T10:00:00.000Z', '2026-12-02T16:00:00.000Z'),
    ).toBeNull();
    expect(dueEscalation(noticed, '2026-12-02T16:00:00.000Z', '2026-12-02T16:00:00.000Z')).toBe(
      'authority',
    );
    expect(dueEscalation({ ...r, state: 'denied' }, '2027-01-01T00:00:00.000Z', null)).toBeNull();
  });
});

describe('diffCatalogue()', () => {
  const base = {
    datasetId: 'd',
    version: 1,
    name: 'n',
    provider: 'p',
    fields: [
      { name: 'a', type: 'string', classification: 'public', grade: 'general', masking: 'none' },
      { name: 'b', type: 'string', classification: 'public', grade: 'general', masking: 'none' },
    ],
    format: 'json',
    updateFrequency: 'daily',
    sharing: { category: 'unconditional' },
    methods: ['api'],
    secrecy: 'none',
  } as CataloguePublishBody;
  it('lists added, removed and changed fields and members, and the added restrictions', () => {
    const next = {
      ...base,
      version: 2,
      fields: [
        { ...base.fields[0]!, grade: 'important', masking: 'hash' },
        { ...base.fields[1]!, name: 'c' },
      ],
      sharing: { category: 'conditional', conditions: ['x'], scope: 's', purposes: ['p'] },
    } as CataloguePublishBody;
    const d = diffCatalogue(base, next);
    expect(d).toMatchObject({ from: 1, to: 2, fieldsAdded: ['c'], fieldsRemoved: ['b'] });
    expect(d.fieldsChanged).toEqual([
      { name: 'a', member: 'grade', from: 'general', to: 'important' },
      { name: 'a', member: 'masking', from: 'none', to: 'hash' },
    ]);
    expect(d.changed.map((c) => c.member)).toEqual(['sharing']);
    expect(d.conditionsAdded).toEqual([
      'category unconditional → conditional',
      'condition: x',
      'field removed: b',
    ]);
    expect(diffCatalogue(base, base).changed).toEqual([]);
  });
});
