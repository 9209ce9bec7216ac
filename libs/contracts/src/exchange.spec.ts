import { describe, expect, it } from '@jest/globals';
import { BodySchemaError, validateEntryBody } from './entry-types.js';
import { ExchangeEntryTypes } from './exchange.js';

const ref = { seq: 3, leaf: 'a'.repeat(64) };
const transfer = {
  request: ref,
  approval: { seq: 4, leaf: 'b'.repeat(64) },
  requestId: 'nr-1',
  to: 'natural-resources',
  ciphertextHash: 'c'.repeat(64),
  size: 300,
  commitment: 'd'.repeat(64),
  payloadId: 'taxation.nr-1',
  expires: '2026-12-31T00:00:00.000Z',
};

describe('exchange entry bodies', () => {
  it('accepts a transfer and names the field of a bad one', () => {
    expect(validateEntryBody(ExchangeEntryTypes.Transfer, transfer)).toBe(transfer);
    expect(() => validateEntryBody(ExchangeEntryTypes.Transfer, { ...transfer, size: 0 })).toThrow(
      expect.objectContaining({ field: '/size' }),
    );
    expect(() =>
      validateEntryBody(ExchangeEntryTypes.Transfer, { ...transfer, subject: 'x' }),
    ).toThrow(expect.objectContaining({ field: '/subject' }));
  });

  it('accepts the other types and refuses what is out of shape', () => {
    const ok: [string, unknown][] = [
      [ExchangeEntryTypes.Receipt, { transfer: ref, ciphertextHash: 'c'.repeat(64) }],
      [ExchangeEntryTypes.Use, { transfer: ref, purpose: 'registration' }],
      [ExchangeEntryTypes.Destruction, { transfer: ref, method: 'deleted from the case file' }],
      [ExchangeEntryTypes.Consent, { transfer: ref, to: 'taxation', purpose: 'p' }],
      [ExchangeEntryTypes.PayloadErase, { transfer: ref, reason: 'retention' }],
      [
        ExchangeEntryTypes.Verification,
        { request: ref, approval: ref, requestId: 'r', to: 'taxation', result: 'match' },
      ],
      [
        ExchangeEntryTypes.Rejection,
        {
          attempt: { type: 'transfer', ref },
          code: 'hash-mismatch',
          message: 'm',
          field: '/ciphertextHash',
        },
      ],
    ];
    for (const [type, body] of ok) expect(validateEntryBody(type, body)).toBe(body);
    expect(() =>
      validateEntryBody(ExchangeEntryTypes.PayloadErase, { transfer: ref, reason: 'whim' }),
    ).toThrow(BodySchemaError);
    expect(() =>
      validateEntryBody(ExchangeEntryTypes.Rejection, {
        attempt: { type: 'x' },
        code: 'nope',
        message: 'm',
      }),
    ).toThrow(expect.objectContaining({ field: '/code' }));
  });
});
