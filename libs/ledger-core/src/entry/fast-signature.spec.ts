import { describe, expect, it } from '@jest/globals';
import { getSuite } from '@govx/crypto';
import { createSubmission, verifySubmissionSignature } from './entry.js';
import fc from 'fast-check';
import { fastEd25519Available, verifySubmissionSignatureFast } from './fast-signature.js';

const ed = getSuite('intl').generateSigningKey();
const other = getSuite('intl').generateSigningKey();
const sm2 = getSuite('sm').generateSigningKey();
const input = {
  type: 'test.event',
  actor: 'dept/tax/gateway',
  idem: 'sig-0001',
  body: { payload: 'x'.repeat(64), n: 3 },
};

describe(verifySubmissionSignatureFast.name, () => {
  it('loads libsodium here (a dependency of the repository)', () => {
    expect(fastEd25519Available()).toBe(true);
  });

  it('accepts the signer; refuses another key, a changed body and a malformed signature', () => {
    const s = createSubmission(input, ed);
    expect(verifySubmissionSignatureFast(s, ed.publicKey)).toBe(true);
    expect(verifySubmissionSignatureFast(s, other.publicKey)).toBe(false);
    expect(verifySubmissionSignatureFast({ ...s, body: { ...s.body, n: 4 } }, ed.publicKey)).toBe(
      false,
    );
    for (const sig of ['', 'zz', s.sig.slice(2), `${s.sig}00`])
      expect(verifySubmissionSignatureFast({ ...s, sig }, ed.publicKey)).toBe(false);
    // Upper-case hex is ledger-core's call (libsodium's path takes lower case only).
    const upper = { ...s, sig: s.sig.toUpperCase() };
    expect(verifySubmissionSignatureFast(upper, ed.publicKey)).toBe(
      verifySubmissionSignature(upper, ed.publicKey),
    );
  });

  it('checks SM2 signatures through ledger-core', () => {
    const s = createSubmission(input, sm2);
    expect(verifySubmissionSignatureFast(s, sm2.publicKey)).toBe(true);
    expect(verifySubmissionSignatureFast({ ...s, idem: 'other' }, sm2.publicKey)).toBe(false);
  });

  it("gives ledger-core's verdict for any change to the signature or the signed fields", () => {
    const s = createSubmission(input, ed);
    fc.assert(
      fc.property(
        fc.nat({ max: 127 }),
        fc.integer({ min: 1, max: 15 }),
        fc.constantFrom('sig', 'idem', 'actor'),
        (at, xor, field) => {
          let changed;
          if (field === 'sig') {
            const digit = (parseInt(s.sig[at]!, 16) ^ xor).toString(16);
            changed = { ...s, sig: s.sig.slice(0, at) + digit + s.sig.slice(at + 1) };
          } else changed = { ...s, [field]: `${s[field]}${xor}` };
          expect(verifySubmissionSignatureFast(changed, ed.publicKey)).toBe(
            verifySubmissionSignature(changed, ed.publicKey),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
