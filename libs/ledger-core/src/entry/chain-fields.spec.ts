import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { getSuite } from '@govx/crypto';
import { MalformedEntryError } from '../errors.js';
import { RFC9162_SHA256 } from '../merkle/index.js';
import { readChainFieldsUnsafe } from './chain-fields.js';
import { decodeEntry } from './decode.js';
import { createSubmission, Entry, GENESIS_PREV } from './entry.js';

const key = getSuite('intl').generateSigningKey();
const entryWith = (seq: number, body: Record<string, never> | object) =>
  Entry.place(
    createSubmission({ type: 't', actor: 'a', idem: 'i', body: body as never }, key),
    { seq, prev: 'ab'.repeat(32), time: '2026-11-25T10:00:00.000Z' },
    RFC9162_SHA256,
  );

describe('readChainFieldsUnsafe()', () => {
  it('reads what decodeEntry reads, even when the body holds look-alike members', () => {
    fc.assert(
      fc.property(fc.nat({ max: Number.MAX_SAFE_INTEGER }), fc.jsonValue(), (seq, noise) => {
        const body = {
          prev: GENESIS_PREV,
          seq: 7,
          '"prev":"': 'x',
          nested: { noise: JSON.stringify(noise) },
        };
        const entry = entryWith(seq, body);
        expect(readChainFieldsUnsafe(entry.bytes)).toEqual({
          seq: decodeEntry(entry.bytes, RFC9162_SHA256).seq,
          prev: 'ab'.repeat(32),
        });
      }),
      { numRuns: 300 },
    );
  });

  it('throws MalformedEntryError, never anything else, for bytes without the layout', () => {
    const bytes = entryWith(1234, {}).bytes;
    const text = Buffer.from(bytes).toString('latin1');
    for (const bad of [
      '',
      '{}',
      text.replace('"seq":1234', '"seq":01234'),
      text.replace('"seq":1234', '"seq":-1'),
      text.replace('"seq":1234', '"seq":'),
      text.replace('"prev":"ab', '"prev":"AB'),
      text.slice(0, text.indexOf('"seq"') + 8),
    ]) {
      expect(() => readChainFieldsUnsafe(Buffer.from(bad, 'latin1'))).toThrow(MalformedEntryError);
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (random) => {
        try {
          readChainFieldsUnsafe(random);
        } catch (e) {
          expect(e).toBeInstanceOf(MalformedEntryError);
        }
      }),
    );
  });
});
