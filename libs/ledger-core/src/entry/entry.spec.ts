import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { getSuite, toHex } from '@govx/crypto';
import { MalformedEntryError } from '../errors.js';
import { RFC9162_SHA256, SM3_TREE_HASHER } from '../merkle/index.js';
import { jcs } from './canonical.js';
import { decodeEntry } from './decode.js';
import {
  assertSubmission,
  createSubmission,
  Entry,
  GENESIS_PREV,
  signedMessage,
  verifySubmissionSignature,
  type EntryFields,
} from './entry.js';
import type { JsonObject } from './json-value.js';

const key = getSuite('intl').generateSigningKey();
const input = {
  type: 'request',
  actor: 'dept/land/gateway',
  idem: 'req-0001',
  body: { dataset: 'tax.clearance', fields: ['status', 'year'], purpose: 'land transfer', n: 3 },
};
const placement = { seq: 0, prev: GENESIS_PREV, time: '2026-11-25T10:00:00.000Z' };
const enc = (v: unknown) =>
  new Uint8Array(Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)));

describe(Entry.name, () => {
  describe('place()', () => {
    it('encodes with RFC 8785 and hashes SHA-256(0x00 ‖ bytes)', () => {
      const entry = Entry.place(createSubmission(input, key), placement, RFC9162_SHA256);
      const text = Buffer.from(entry.bytes).toString('utf8');
      expect(
        text.startsWith(
          '{"actor":"dept/land/gateway","body":{"dataset":"tax.clearance","fields":["status","year"],"n":3,',
        ),
      ).toBe(true);
      const expected = createHash('sha256')
        .update(Buffer.from([0]))
        .update(entry.bytes)
        .digest('hex');
      expect(entry.leafHashHex).toBe(expected);
    });

    it('uses SM3 for logs of the sm suite', () => {
      const entry = Entry.place(createSubmission(input, key), placement, SM3_TREE_HASHER);
      const expected = createHash('sm3')
        .update(Buffer.from([0]))
        .update(entry.bytes)
        .digest('hex');
      expect(entry.leafHashHex).toBe(expected);
    });

    it('refuses placements that are not well formed, naming the field', () => {
      const s = createSubmission(input, key);
      expect(() => Entry.place(s, { ...placement, seq: -1 }, RFC9162_SHA256)).toThrow(/^seq:/);
      expect(() => Entry.place(s, { ...placement, prev: 'zz' }, RFC9162_SHA256)).toThrow(/^prev:/);
      expect(() =>
        Entry.place(s, { ...placement, time: '2026-02-30T00:00:00.000Z' }, RFC9162_SHA256),
      ).toThrow(/^time:/);
      expect(() =>
        Entry.place(s, { ...placement, time: '2026-11-25T10:00:00Z' }, RFC9162_SHA256),
      ).toThrow(/^time:/);
    });
  });

  describe('createSubmission()', () => {
    it('signs "govx/entry/v1\\n" ‖ JCS of the six signed members', () => {
      const s = createSubmission(input, key);
      const message = Buffer.from(
        'govx/entry/v1\n' +
          jcs({ v: 1, type: s.type, actor: s.actor, keyId: s.keyId, idem: s.idem, body: s.body }),
      );
      expect(Buffer.from(signedMessage(s)).equals(message)).toBe(true);
      expect(key.publicKey.verify(message, Buffer.from(s.sig, 'hex'))).toBe(true);
      expect(s.keyId).toBe(key.publicKey.keyId);
    });

    it('refuses floats, bad types and bad actors with the field at fault', () => {
      expect(() => createSubmission({ ...input, body: { x: 1.5 } }, key)).toThrow(
        /^body\.x: numbers must be safe integers/,
      );
      expect(() => createSubmission({ ...input, body: { x: [1, 2 ** 60] } }, key)).toThrow(
        /^body\.x\[1\]/,
      );
      expect(() => createSubmission({ ...input, type: 'Request' }, key)).toThrow(/^type:/);
      expect(() => createSubmission({ ...input, actor: '' }, key)).toThrow(/^actor:/);
      expect(() => createSubmission({ ...input, idem: 'has space' }, key)).toThrow(/^idem:/);
      let deep: Record<string, unknown> = {};
      const body = deep;
      for (let i = 0; i < 40; i++) deep = (deep.x = {}) as Record<string, unknown>;
      expect(() => createSubmission({ ...input, body: body as never }, key)).toThrow(
        /nested deeper/,
      );
    });
  });

  describe('verifySubmissionSignature()', () => {
    it('accepts the signer and rejects another key or a changed body', () => {
      const s = createSubmission(input, key);
      expect(verifySubmissionSignature(s, key.publicKey)).toBe(true);
      expect(verifySubmissionSignature(s, getSuite('intl').generateSigningKey().publicKey)).toBe(
        false,
      );
      expect(verifySubmissionSignature({ ...s, body: { ...s.body, n: 4 } }, key.publicKey)).toBe(
        false,
      );
      expect(verifySubmissionSignature({ ...s, sig: 'zz' }, key.publicKey)).toBe(false);
    });

    it('works with SM2 keys', () => {
      const sm2 = getSuite('sm').generateSigningKey();
      const s = createSubmission(input, sm2);
      expect(verifySubmissionSignature(s, sm2.publicKey)).toBe(true);
      expect(verifySubmissionSignature({ ...s, idem: 'other' }, sm2.publicKey)).toBe(false);
    });
  });
});

describe('decodeEntry()', () => {
  const entry = Entry.place(createSubmission(input, key), placement, RFC9162_SHA256);
  const fields: EntryFields = entry.fields;

  it('round-trips the bytes of a placed entry', () => {
    const decoded = decodeEntry(entry.bytes, RFC9162_SHA256);
    expect(decoded.fields).toEqual(fields);
    expect(toHex(decoded.leafHash)).toBe(entry.leafHashHex);
  });

  it.each([
    ['not UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), /UTF-8/],
    ['not JSON', enc('{"v":1'), /not JSON/],
    ['an array', enc('[]'), /expected an object/],
    ['a missing field', enc({ ...fields, sig: undefined }), /missing field\(s\): sig/],
    ['an extra field', enc({ ...fields, extra: 1 }), /unknown field\(s\): extra/],
    ['a float', enc({ ...fields, body: { x: 0.5 } }), /body\.x/],
    ['version 2', enc({ ...fields, v: 2 }), /^v:/],
    [
      'uppercase hex',
      enc({ ...fields, prev: GENESIS_PREV.toUpperCase().replace(/0/g, 'A') }),
      /^prev:/,
    ],
  ])('refuses %s', (_what, bytes, message) => {
    expect(() => decodeEntry(bytes, RFC9162_SHA256)).toThrow(MalformedEntryError);
    expect(() => decodeEntry(bytes, RFC9162_SHA256)).toThrow(message);
  });

  it('describes hostile values safely in its errors', () => {
    const hostile = JSON.parse('{"toString":1,"valueOf":2}') as unknown;
    const s = createSubmission(input, key);
    expect(() => assertSubmission({ ...s, v: hostile })).toThrow(
      /^v: unsupported version \{"toString":1,"valueOf":2\}/,
    );
    expect(() => decodeEntry(enc({ ...fields, seq: hostile }), RFC9162_SHA256)).toThrow(
      /^seq: expected a non-negative integer/,
    );
  });

  it('refuses bytes that are not the canonical encoding', () => {
    const text = Buffer.from(entry.bytes).toString('utf8');
    for (const variant of [
      ' ' + text,
      text.replace('{"actor"', '{ "actor"'),
      JSON.stringify(Object.fromEntries(Object.entries(fields).reverse())),
      text.replace('"n":3', '"n":3.0'),
      text.replace('"n":3', '"n":3e0'),
      text.replace('land transfer', 'land\\u0020transfer'),
    ]) {
      expect(() => decodeEntry(enc(variant), RFC9162_SHA256)).toThrow(/canonical|numbers/);
    }
  });

  it('refuses entries over the size limit', () => {
    expect(() => decodeEntry(entry.bytes, RFC9162_SHA256, 100)).toThrow(
      /more than the limit of 100/,
    );
  });

  it('throws only MalformedEntryError for any single-byte change it cannot decode', () => {
    fc.assert(
      fc.property(
        fc.nat(entry.bytes.length - 1),
        fc.integer({ min: 1, max: 255 }),
        (pos, delta) => {
          const bytes = entry.bytes.slice();
          bytes[pos] = (bytes[pos]! + delta) & 0xff;
          try {
            const decoded = decodeEntry(bytes, RFC9162_SHA256);
            // Still decodes: then it is a different entry with a different leaf hash.
            expect(decoded.leafHashHex).not.toBe(entry.leafHashHex);
          } catch (e) {
            expect(e).toBeInstanceOf(MalformedEntryError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('canonical encoding of entries (fast path against the RFC 8785 package)', () => {
  const jsonValue = fc.letrec((tie) => ({
    json: fc.oneof(
      { depthSize: 'small' },
      fc.constant(null),
      fc.boolean(),
      fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
      fc.string({ unit: 'binary' }),
      fc.array(tie('json'), { maxLength: 4 }),
      fc.dictionary(fc.oneof(fc.string({ unit: 'binary' }), fc.nat().map(String)), tie('json'), {
        maxKeys: 5,
        noNullPrototype: true,
      }),
    ),
  })).json;
  const body = fc.dictionary(
    fc.oneof(fc.string({ unit: 'binary' }), fc.nat().map(String)),
    jsonValue,
    { maxKeys: 6, noNullPrototype: true },
  ) as fc.Arbitrary<JsonObject>;
  const hex = (n: number) =>
    fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b).toString('hex'));
  const fields = fc.record({
    v: fc.constant(1 as const),
    type: fc.constantFrom('request', 'approval', 'transfer.onward', 'key.register'),
    actor: fc.stringMatching(/^[a-z0-9][a-z0-9._:/-]{0,40}$/),
    keyId: hex(32),
    idem: fc.stringMatching(/^[\x21-\x7e]{1,40}$/),
    body,
    sig: hex(64),
    seq: fc.nat(),
    prev: hex(32),
    time: fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => new Date(ms).toISOString()),
  });

  it('Entry.place() writes exactly canonicalize(fields), and signedMessage() the context ‖ canonicalize(part)', () => {
    fc.assert(
      fc.property(fields, (f) => {
        const { seq, prev, time, ...submission } = f;
        const entry = Entry.place(submission, { seq, prev, time }, RFC9162_SHA256);
        expect(Buffer.from(entry.bytes).toString('utf8')).toBe(canonicalize(f));
        const part: Record<string, unknown> = { ...submission };
        delete part.sig;
        expect(Buffer.from(signedMessage(submission)).toString('utf8')).toBe(
          'govx/entry/v1\n' + canonicalize(part),
        );
      }),
      { numRuns: 2000 },
    );
  });
});
