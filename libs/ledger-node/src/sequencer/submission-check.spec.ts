import { describe, expect, it } from '@jest/globals';
import { getSuite } from '@govx/crypto';
import { createSubmission, KeyRegistry, type Submission } from '@govx/ledger-core';
import { parseLedgerNodeConfig, ConfigError } from '../config/ledger-node.config.js';
import { checkSubmission, pointerToField } from './submission-check.js';
import { SubmissionError } from './submission-error.js';

const intl = getSuite('intl');
const admin = intl.generateSigningKey();
const gw = intl.generateSigningKey();
const ADMIN = 'gov/admin/root';
const GW = 'dept/tax/gateway';
const registry = new KeyRegistry([
  { actor: ADMIN, publicKeyPem: admin.publicKey.toPem(), roles: ['admin'] },
  {
    actor: GW,
    publicKeyPem: gw.publicKey.toPem(),
    roles: ['department-system'],
    department: 'tax',
  },
]);

function check(s: unknown): SubmissionError | Submission {
  const text = JSON.stringify(s);
  try {
    return checkSubmission(s, Buffer.byteLength(text), registry, 0, 65536);
  } catch (e) {
    if (e instanceof SubmissionError) return e;
    throw e;
  }
}

const sub = (type: string, body: Record<string, unknown>, key = admin, actor = ADMIN) =>
  createSubmission({ type, actor, idem: `i-${Math.random()}`, body: body as never }, key);

describe(checkSubmission.name, () => {
  it('passes types no contract defines, checking key and signature only', () => {
    const s = sub('test.event', { anything: 1 }, gw, GW);
    expect(check(s)).toBe(s);
  });

  it('validates the body of a type defined in @govx/contracts, naming the field', () => {
    expect(check(sub('key.revoke', { keyId: 'x', reason: 'r' }))).toMatchObject({
      code: 'malformed',
      field: 'body.keyId',
    });
  });

  it('applies the key rules to key entries at the tip', () => {
    const other = intl.generateSigningKey().publicKey.toPem();
    expect(
      check(
        sub(
          'key.register',
          { actor: 'dept/land/gateway', publicKey: other, use: 'sign', roles: [] },
          gw,
          GW,
        ),
      ),
    ).toMatchObject({ code: 'forbidden' });
    expect(
      check(
        sub('key.register', {
          actor: 'gov/auditor/x',
          publicKey: other,
          use: 'sign',
          roles: ['auditor', 'operator'],
        }),
      ),
    ).toMatchObject({ code: 'separation-of-duties', field: 'body.roles' });
  });

  it('maps key status to error codes', () => {
    expect(check(sub('test.event', {}, gw, 'dept/land/gateway'))).toMatchObject({
      code: 'wrong-actor',
      field: 'actor',
    });
    expect(check(sub('test.event', {}, intl.generateSigningKey(), GW))).toMatchObject({
      code: 'unknown-key',
    });
  });
});

describe(pointerToField.name, () => {
  it('writes JSON pointers as field paths', () => {
    expect(pointerToField('/body/roles/0')).toBe('body.roles[0]');
    expect(pointerToField('/keyId')).toBe('keyId');
    expect(pointerToField('')).toBe('');
  });
});

describe('bootstrap keys in the configuration', () => {
  it('stops the node on keys that break separation of duties', () => {
    const base = {
      node: { id: 'n1', operator: 'tax', noteName: 'n1', keyFile: '/x' },
      origin: 'o',
      nats: { servers: ['nats://127.0.0.1:4222'] },
      database: { url: 'postgres://x/y' },
      cluster: { nodes: [{ id: 'n1', operator: 'tax', vkey: 'v' }], quorum: 1 },
    };
    const pem = admin.publicKey.toPem();
    expect(() =>
      parseLedgerNodeConfig({
        ...base,
        keys: [{ actor: ADMIN, publicKeyPem: pem, roles: ['admin', 'auditor'] }],
      }),
    ).toThrow(ConfigError);
    expect(() =>
      parseLedgerNodeConfig({
        ...base,
        keys: [{ actor: ADMIN, publicKeyPem: pem, roles: ['root'] }],
      }),
    ).toThrow(/\/keys\/0\/roles\/0/);
    expect(
      parseLedgerNodeConfig({
        ...base,
        keys: [{ actor: ADMIN, publicKeyPem: pem, roles: ['admin'] }],
      }).keys,
    ).toHaveLength(1);
  });
});
