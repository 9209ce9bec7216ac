import { describe, expect, it } from '@jest/globals';
import { getSuite } from '@govx/crypto';
import {
  KeyEntryType,
  parseRegisterBody,
  parseRevokeBody,
  parseRotateBody,
} from '@govx/ledger-core';
import fc from 'fast-check';
import { BodySchemaError, validateEntryBody } from './entry-types.js';
import './access.js';

const pem = getSuite('intl').generateSigningKey().publicKey.toPem();
const register = {
  actor: 'dept/tax/gateway',
  publicKey: pem,
  use: 'sign',
  roles: ['department-system'],
  department: 'tax',
};

describe('key entry schemas', () => {
  it('accept the bodies of decision 0006', () => {
    expect(validateEntryBody(KeyEntryType.Register, register)).toBe(register);
    expect(() =>
      validateEntryBody(KeyEntryType.Rotate, {
        oldKeyId: 'a'.repeat(64),
        publicKey: pem,
        use: 'sign',
      }),
    ).not.toThrow();
    expect(() =>
      validateEntryBody(KeyEntryType.Revoke, { keyId: 'b'.repeat(64), reason: 'lost' }),
    ).not.toThrow();
  });

  it('name the member at fault', () => {
    expect(() =>
      validateEntryBody(KeyEntryType.Register, { ...register, roles: ['root'] }),
    ).toThrow(expect.objectContaining({ field: '/roles/0' }));
    expect(() => validateEntryBody(KeyEntryType.Revoke, { keyId: 'b'.repeat(64) })).toThrow(
      expect.objectContaining({ field: '/reason' }),
    );
  });

  it('agree with the registry’s own parser on any body', () => {
    const parsers = {
      [KeyEntryType.Register]: parseRegisterBody,
      [KeyEntryType.Rotate]: parseRotateBody,
      [KeyEntryType.Revoke]: parseRevokeBody,
    };
    const member = fc.oneof(
      fc.constant(pem),
      fc.constant('a'.repeat(64)),
      fc.constantFrom('sign', 'encrypt', 'x'),
      fc.string(),
      fc.integer(),
      fc.constantFrom(['officer'], ['admin', 'admin'], []),
    );
    const body = fc.dictionary(
      fc.constantFrom(
        'actor',
        'publicKey',
        'use',
        'roles',
        'department',
        'oldKeyId',
        'keyId',
        'reason',
        'extra',
      ),
      member,
    );
    fc.assert(
      fc.property(
        fc.constantFrom(KeyEntryType.Register, KeyEntryType.Rotate, KeyEntryType.Revoke),
        body,
        (type, b) => {
          let schemaOk = true;
          try {
            validateEntryBody(type, b);
          } catch (e) {
            expect(e).toBeInstanceOf(BodySchemaError);
            schemaOk = false;
          }
          let parserOk = true;
          try {
            parsers[type](b);
          } catch {
            parserOk = false;
          }
          expect(parserOk).toBe(schemaOk);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
