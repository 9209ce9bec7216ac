import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { getSuite } from '@govx/crypto';
import { createSubmission, LogAppender, signedMessage } from '@govx/ledger-core';
import { signedMessageOfCanonical, verifyEntrySignature } from './entry-signature.js';

const key = getSuite('intl').generateSigningKey();
const other = getSuite('intl').generateSigningKey();

describe(signedMessageOfCanonical.name, () => {
  it('equals the re-encoded signed message, whatever the body holds', () => {
    const appender = new LogAppender();
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom('prev', 'type', 'v', 'seq', 'a', ',"prev":"', 'keyId', 'z'),
          fc.oneof(fc.string(), fc.integer(), fc.constant(',"type":"x"')),
        ),
        (dictionary) => {
          // A plain object (fast-check's dictionaries have no prototype).
          const body = JSON.parse(JSON.stringify(dictionary)) as Record<string, string | number>;
          const s = createSubmission(
            { type: 'test.event', actor: 'dept/a/gateway', idem: 'i', body },
            key,
          );
          const entry = appender.append(s, 0);
          expect(Buffer.from(signedMessageOfCanonical(entry.bytes))).toEqual(
            Buffer.from(signedMessage(entry.fields)),
          );
          expect(verifyEntrySignature(entry.fields, key.publicKey, entry.bytes)).toBe(true);
          expect(verifyEntrySignature(entry.fields, other.publicKey, entry.bytes)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
