import { describe, expect, it } from '@jest/globals';
import { getSuite } from '@govx/crypto';
import fc from 'fast-check';
import {
  ciphertextHashOf,
  openPayload,
  PayloadError,
  sealPayload,
  type Payload,
} from './payload-envelope.js';

const payload: Payload = {
  requestId: 'nr-2026-0001',
  datasetId: 'tx.tax-clearance',
  record: { idNumber: '11010519491231002X', status: 'cleared', arrearsCny: 0 },
  maskingProfile: null,
  purpose: 'land parcel transfer registration',
  useUntil: '2026-12-31T00:00:00.000Z',
};

describe.each(['intl', 'sm'] as const)('sealPayload() / openPayload() (%s)', (suiteId) => {
  const suite = getSuite(suiteId);
  const requester = suite.generateEncryptionKey();
  const sealed = sealPayload(suite, requester.publicKey, payload, 'p-1');
  const expected = {
    requestId: payload.requestId,
    payloadId: 'p-1',
    ciphertextHash: sealed.ciphertextHash,
    commitment: sealed.commitment,
  };

  it('round-trips, with hash, size and commitment the transfer entry carries', () => {
    expect(sealed.size).toBe(sealed.sealed.length);
    expect(ciphertextHashOf(sealed.sealed)).toBe(sealed.ciphertextHash);
    expect(openPayload(requester, sealed.sealed, expected)).toEqual(payload);
  });

  it('commits with a salt: the same payload gives another commitment and ciphertext', () => {
    const again = sealPayload(suite, requester.publicKey, payload, 'p-1');
    expect(again.commitment).not.toBe(sealed.commitment);
    expect(again.ciphertextHash).not.toBe(sealed.ciphertextHash);
  });

  it('refuses a changed byte (hash), another key, another payload id, another commitment', () => {
    const flipped = sealed.sealed.slice();
    flipped[flipped.length - 1]! ^= 1;
    expect(() => openPayload(requester, flipped, expected)).toThrow(
      expect.objectContaining({ code: 'hash-mismatch' }),
    );
    expect(() => openPayload(suite.generateEncryptionKey(), sealed.sealed, expected)).toThrow(
      expect.objectContaining({ code: 'undecryptable' }),
    );
    expect(() => openPayload(requester, sealed.sealed, { ...expected, payloadId: 'p-2' })).toThrow(
      expect.objectContaining({ code: 'undecryptable' }),
    );
    expect(() =>
      openPayload(requester, sealed.sealed, { ...expected, commitment: '00'.repeat(32) }),
    ).toThrow(expect.objectContaining({ code: 'commitment-mismatch' }));
  });

  it('any single-byte change to the envelope is refused', () => {
    fc.assert(
      fc.property(fc.nat(sealed.sealed.length - 1), fc.integer({ min: 1, max: 255 }), (at, x) => {
        const bad = sealed.sealed.slice();
        bad[at]! ^= x;
        try {
          openPayload(requester, bad, expected);
          return false;
        } catch (e) {
          return e instanceof PayloadError;
        }
      }),
      { numRuns: 50 },
    );
  });
});
