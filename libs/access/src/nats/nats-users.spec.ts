import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { natsAuthorizationConfig, natsUsers, NatsUsersError } from './nats-users.js';

describe(natsUsers.name, () => {
  const users = natsUsers({
    ledgerNodes: ['ledger-1'],
    departments: ['taxation'],
    services: [{ name: 'governance', subscribe: ['govx.catalogue.>'] }],
    auditors: ['alice'],
    passwords: { 'department-taxation': 'kept' },
  });

  it('gives a department its own submit subjects, deliveries and inbox, nothing else', () => {
    const tax = users.find((u) => u.user === 'department-taxation')!;
    expect(tax.password).toBe('kept');
    expect(tax.inboxPrefix).toBe('_INBOX.dept.taxation');
    expect(tax.permissions.subscribe.allow).toEqual([
      'govx.dept.taxation.>',
      '_INBOX.dept.taxation.>',
    ]);
    expect(tax.permissions.publish.allow).toContain('govx.ledger.submit.dept.taxation');
    expect(tax.permissions.publish.allow).not.toContain('govx.ledger.submit');
    expect(tax.permissions.publish.deny).toEqual(
      expect.arrayContaining([
        'govx.ledger.entries',
        '$JS.API.STREAM.DELETE.>',
        '$JS.API.STREAM.UPDATE.>',
      ]),
    );
  });

  it('scopes the payload store to the department: its own streams, its own provider token', () => {
    const two = natsUsers({ ledgerNodes: ['l'], departments: ['taxation', 'land'] });
    const land = two.find((u) => u.user === 'department-land')!.permissions.publish.allow;
    expect(land).toEqual(
      expect.arrayContaining([
        'govx.payloads.*.land.>',
        'govx.payload-keys.land.>',
        '$JS.API.STREAM.MSG.GET.GOVX_PAYLOADS_land',
        '$JS.API.STREAM.MSG.DELETE.GOVX_PAYLOAD_KEYS_land',
        '$JS.API.DIRECT.GET.GOVX_PAYLOAD_KEYS_taxation.govx.payload-keys.taxation.land.>',
      ]),
    );
    const payloadApi = land.filter((s) => s.startsWith('$JS.API.') && /PAYLOAD/.test(s));
    // Nothing on another department's streams but the direct get of its own keys.
    expect(payloadApi.filter((s) => s.includes('taxation'))).toEqual([
      '$JS.API.DIRECT.GET.GOVX_PAYLOAD_KEYS_taxation.govx.payload-keys.taxation.land.>',
    ]);
    // No deletes in any data stream, no stream creation, no consumers on payload streams.
    expect(payloadApi.filter((s) => /MSG\.DELETE\.GOVX_PAYLOADS_|CREATE|CONSUMER/.test(s))).toEqual(
      [],
    );
  });

  it('generates distinct random passwords', () => {
    const ledger = users.find((u) => u.kind === 'ledger-node')!;
    const gov = users.find((u) => u.kind === 'service')!;
    expect(ledger.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(ledger.password).not.toBe(gov.password);
  });

  it('writes a nats-server authorization block', () => {
    const text = natsAuthorizationConfig(users);
    expect(text).toContain('authorization {');
    expect(text).toContain(
      '{user: "department-taxation", password: "kept", permissions: {publish: {allow: ["govx.ledger.submit.dept.taxation"',
    );
    expect(text).toContain(
      'subscribe: {allow: ["govx.svc.governance.>", "_INBOX.svc.governance.>", "govx.catalogue.>"]}',
    );
  });

  it('refuses names that are not one subject token, naming the argument', () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        fc.pre(!/^[a-z0-9][a-z0-9-]{0,63}$/.test(name));
        expect(() => natsUsers({ ledgerNodes: ['l'], departments: [name] })).toThrow(
          NatsUsersError,
        );
      }),
    );
    expect(() => natsUsers({ ledgerNodes: ['l'], departments: ['a.b'] })).toThrow('departments[0]');
    expect(() => natsUsers({ ledgerNodes: ['l'], departments: ['a', 'a'] })).toThrow(
      'listed twice',
    );
    expect(() => natsUsers({ ledgerNodes: [], departments: [] })).toThrow('ledgerNodes');
    expect(() =>
      natsUsers({
        ledgerNodes: ['l'],
        departments: [],
        services: [{ name: 's', publish: ['a "b'] }],
      }),
    ).toThrow('services[0].publish[0]');
  });
});
