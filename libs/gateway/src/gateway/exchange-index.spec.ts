import { describe, expect, it } from '@jest/globals';
import type { EntryFields } from '@govx/ledger-core';
import { departmentOf, ExchangeIndex, isApproverOf, stateOf } from './exchange-index.js';

const leaf = (n: number): string => n.toString(16).padStart(64, '0');
let seq = 0;
function entry(
  type: string,
  actor: string,
  body: Record<string, unknown>,
): [number, string, EntryFields] {
  const s = seq++;
  return [
    s,
    leaf(s + 1),
    {
      v: 1,
      seq: s,
      prev: leaf(s),
      time: '2026-11-30T00:00:00.000Z',
      type,
      actor,
      keyId: 'k'.repeat(64),
      idem: `i${s}`,
      sig: 'aa',
      body,
    } as unknown as EntryFields,
  ];
}
const ref = (s: number) => ({ seq: s, leaf: leaf(s + 1) });

describe(ExchangeIndex.name, () => {
  it('keeps onward transfers (§29) apart: the delivery, its receipt and destruction stay the original', () => {
    seq = 0;
    const index = new ExchangeIndex();
    const x = index.apply(
      ...entry('request', 'dept/natural-resources/gateway', {
        requestId: 'r1',
        provider: 'taxation',
      }),
    )!;
    index.apply(
      ...entry('decision.approve', 'gov/policy-engine', { request: ref(0), final: true }),
    );
    index.apply(
      ...entry('transfer', 'dept/taxation/gateway', {
        request: ref(0),
        approval: ref(1),
        to: 'natural-resources',
      }),
    );
    index.apply(...entry('receipt', 'dept/natural-resources/gateway', { transfer: ref(2) }));
    index.apply(
      ...entry('consent', 'dept/taxation/gateway', { transfer: ref(2), to: 'social-security' }),
    );
    const onward = {
      request: ref(0),
      approval: ref(1),
      to: 'social-security',
      consent: ref(4),
    };
    // Without a consent ref, or not by the requester: not an onward transfer.
    index.apply(
      ...entry('transfer', 'dept/natural-resources/gateway', { ...onward, consent: undefined }),
    );
    index.apply(...entry('transfer', 'dept/public-security/gateway', onward));
    expect(x.onward).toEqual([]);
    index.apply(...entry('transfer', 'dept/natural-resources/gateway', onward));
    expect(x.onward.map((o) => o.ref)).toEqual([ref(7)]);
    expect(x.transfer?.ref).toEqual(ref(2));
    index.apply(...entry('receipt', 'dept/social-security/gateway', { transfer: ref(7) }));
    index.apply(...entry('destruction', 'dept/social-security/gateway', { transfer: ref(7) }));
    expect(x.onwardReceipts.map((r) => r.ref)).toEqual([ref(8)]);
    expect(x.receipt?.ref).toEqual(ref(3));
    expect(x.destruction).toBeUndefined();
    expect(stateOf(x)).toBe('received');
  });

  it('follows an exchange from request to erasure', () => {
    seq = 0;
    const index = new ExchangeIndex();
    index.apply(
      ...entry('catalogue.publish', 'dept/taxation/gateway', {
        datasetId: 'tx.a',
        version: 1,
        provider: 'taxation',
      }),
    );
    index.apply(
      ...entry('catalogue.publish', 'dept/ndrc/gateway', {
        datasetId: 'tx.b',
        version: 1,
        provider: 'taxation',
      }),
    );
    expect([...index.catalogue.keys()]).toEqual(['tx.a']);
    const x = index.apply(
      ...entry('request', 'dept/natural-resources/gateway', {
        requestId: 'r1',
        provider: 'taxation',
      }),
    )!;
    expect(stateOf(x)).toBe('submitted');
    index.apply(
      ...entry('decision.approve', 'gov/policy-engine', {
        request: ref(2),
        fields: ['a'],
        final: false,
      }),
    );
    expect(stateOf(x)).toBe('submitted');
    index.apply(
      ...entry('decision.approve', 'gov/policy-engine', {
        request: ref(2),
        fields: ['a'],
        final: true,
      }),
    );
    expect(stateOf(x)).toBe('approved');
    index.apply(...entry('transfer', 'dept/ndrc/gateway', { request: ref(2), approval: ref(4) }));
    expect(x.transfer).toBeUndefined();
    index.apply(
      ...entry('transfer', 'dept/taxation/gateway', {
        request: ref(2),
        approval: ref(4),
        payloadId: 'p',
      }),
    );
    expect(stateOf(x)).toBe('transferred');
    index.apply(...entry('receipt', 'dept/natural-resources/gateway', { transfer: ref(6) }));
    index.apply(
      ...entry('use', 'dept/natural-resources/gateway', { transfer: ref(6), purpose: 'p' }),
    );
    index.apply(
      ...entry('payload.erase', 'dept/taxation/gateway', { transfer: ref(6), reason: 'retention' }),
    );
    expect(stateOf(x)).toBe('received');
    expect(x.uses).toHaveLength(1);
    expect(x.erasure?.body.reason).toBe('retention');
    expect(index.lastSeq).toBe(9);
  });

  it('keeps the first request of an id, files rejections, and reads registered encryption keys', () => {
    seq = 0;
    const index = new ExchangeIndex();
    index.apply(...entry('request', 'dept/a/gateway', { requestId: 'r', provider: 'b' }));
    expect(
      index.apply(...entry('request', 'dept/c/gateway', { requestId: 'r', provider: 'b' })),
    ).toBeUndefined();
    expect(index.exchanges.get('r')!.requester).toBe('a');
    index.apply(
      ...entry('decision.approve', 'gov/policy-engine', {
        request: ref(0),
        fields: ['f'],
        final: true,
      }),
    );
    index.apply(
      ...entry('rejection', 'dept/b/gateway', {
        attempt: { type: 'decision.approve', ref: ref(2) },
        code: 'approval-expired',
        message: 'm',
      }),
    );
    expect(stateOf(index.exchanges.get('r')!)).toBe('rejected');
    index.apply(
      ...entry('key.register', 'gov/admin/x', {
        actor: 'dept/b/gateway',
        use: 'encrypt',
        publicKey: 'PEM',
      }),
    );
    index.apply(
      ...entry('key.register', 'gov/admin/x', {
        actor: 'dept/b/gateway',
        use: 'sign',
        publicKey: 'SIGN',
      }),
    );
    expect(index.encryptionKeys.get('b')).toBe('PEM');
  });

  it("takes the provider's approvers' final approval only: another final one does not hide it", () => {
    seq = 0;
    const index = new ExchangeIndex();
    const x = index.apply(
      ...entry('request', 'dept/natural-resources/gateway', {
        requestId: 'r4',
        provider: 'taxation',
      }),
    )!;
    for (const actor of [
      'dept/natural-resources/officer/duty', // the requester's officer
      'dept/ndrc/officer/duty', // a third department's
      'dept/taxation/office', // the provider's office is no approver
      'gov/admin/bootstrap',
    ])
      index.apply(...entry('decision.approve', actor, { request: ref(0), final: true }));
    expect(stateOf(x)).toBe('submitted');
    expect(x.approval).toBeUndefined();
    expect(x.strayApprovals).toHaveLength(4);
    index.apply(
      ...entry('decision.approve', 'dept/taxation/officer/duty', { request: ref(0), final: true }),
    );
    expect(stateOf(x)).toBe('approved');
    expect(x.approval?.actor).toBe('dept/taxation/officer/duty');
    // The provider rejects it (expired, say): no approval in force, until the next one.
    index.apply(
      ...entry('rejection', 'dept/taxation/gateway', {
        attempt: { type: 'decision.approve', ref: ref(5) },
        code: 'approval-expired',
      }),
    );
    expect(x.approval).toBeUndefined();
    expect(stateOf(x)).toBe('rejected');
    index.apply(
      ...entry('decision.approve', 'gov/policy-engine', { request: ref(0), final: true }),
    );
    expect(x.approval?.ref).toEqual(ref(7));
    expect(stateOf(x)).toBe('approved');
    // The transfer answers that one; the approval in force is the one it names.
    index.apply(
      ...entry('transfer', 'dept/taxation/gateway', { request: ref(0), approval: ref(7) }),
    );
    expect(stateOf(x)).toBe('transferred');
    expect(x.approval?.actor).toBe('gov/policy-engine');
    expect(isApproverOf('taxation', 'gov/policy-engine')).toBe(true);
    expect(isApproverOf('taxation', 'dept/taxation/officer/a/b')).toBe(false);
  });

  it('departmentOf() reads dept/<d>/… actors only', () => {
    expect(departmentOf('dept/taxation/gateway')).toBe('taxation');
    expect(departmentOf('dept/taxation/officer/li')).toBe('taxation');
    expect(departmentOf('gov/policy-engine')).toBeNull();
  });
});
