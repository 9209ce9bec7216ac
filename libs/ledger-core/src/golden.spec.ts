// The golden log: a small, fully deterministic log (Ed25519 signatures are deterministic,
// RFC 8032) whose bytes docs/ledger-format.md quotes, so that outsiders can test their own
// verifier against files that this implementation must keep producing byte for byte.
//
// Regenerate (only when the format changes on purpose, with a new format version):
//   GOVX_WRITE_GOLDEN=1 npm run test:jest -- libs/ledger-core/src/golden
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { signingKeyFromSeed, toHex } from '@govx/crypto';
import { formatCheckpoint, verifyCheckpoint } from './checkpoint/checkpoint.js';
import {
  noteSigner,
  noteVerifier,
  parseVerifierKey,
  signNote,
  verifierKeyString,
} from './checkpoint/note.js';
import { createSubmission } from './entry/entry.js';
import type { JsonObject } from './entry/json-value.js';
import { LogAppender } from './entry/log-appender.js';
import { StreamingVerifier } from './verifier/streaming-verifier.js';

const dir = new URL('./testdata/', import.meta.url);
const seed = (label: string) => new Uint8Array(Buffer.alloc(32, label));
const departments = ['land', 'tax', 'police'].map((d) => ({
  actor: `dept/${d}/gateway`,
  key: signingKeyFromSeed('ed25519', seed(d)),
}));
const nodes = [1, 2, 3].map((i) => ({
  name: `ledger-${i}.govx.example`,
  key: signingKeyFromSeed('ed25519', seed(`node-${i}`)),
}));
const ORIGIN = 'govx.example/ledger';

function build() {
  const appender = new LogAppender();
  const lines: string[] = [];
  const bodies: JsonObject[] = [
    {
      dataset: 'tax.clearance',
      fields: ['status', 'year'],
      purpose: 'land transfer',
      legalBasis: '政务数据共享条例 §20',
      subject: 'ab12',
    },
    { request: 0, decision: 'approve', policy: { id: 'tax-default', version: 3 } },
    { request: 0, ciphertextHash: '00'.repeat(32), size: 512 },
    { transfer: 2, received: true },
    { note: 'quote " and backslash \\ and control \u0001 and emoji 🙂' },
    { numbers: [0, -1, 9007199254740991], nested: { b: 1, a: [true, false, null] } },
    { '10': 'integer-like names sort as strings', '9': 'after 10' },
    { empty: {} },
  ];
  bodies.forEach((body, i) => {
    const dept = departments[i % departments.length]!;
    const submission = createSubmission(
      {
        type: ['request', 'approval', 'transfer', 'receipt'][i % 4]!,
        actor: dept.actor,
        idem: `golden-${i}`,
        body,
      },
      dept.key,
    );
    lines.push(
      Buffer.from(appender.append(submission, Date.UTC(2026, 10, 25, 8, 0, i)).bytes).toString(
        'utf8',
      ),
    );
  });
  const text = formatCheckpoint({ origin: ORIGIN, size: appender.size, root: appender.root() });
  const note = signNote(
    text,
    nodes.map((n) => noteSigner(n.name, n.key)),
  );
  const keys = {
    entrySigners: departments.map((d) => ({
      actor: d.actor,
      keyId: d.key.publicKey.keyId,
      publicKey: toHex(d.key.publicKey.raw),
      pem: d.key.publicKey.toPem(),
    })),
    cosigners: nodes.map((n) => verifierKeyString(n.name, n.key.publicKey)),
    root: toHex(appender.root()),
    size: appender.size,
  };
  return { log: lines.join('\n') + '\n', note, keys: JSON.stringify(keys, null, 2) + '\n' };
}

describe('golden log', () => {
  const built = build();
  if (process.env['GOVX_WRITE_GOLDEN'] === '1') {
    writeFileSync(new URL('golden-log.jsonl', dir), built.log);
    writeFileSync(new URL('golden-checkpoint.txt', dir), built.note);
    writeFileSync(new URL('golden-keys.json', dir), built.keys);
  }
  const read = (name: string) => readFileSync(new URL(name, dir), 'utf8');

  it('is reproduced byte for byte', () => {
    expect(built.log).toBe(read('golden-log.jsonl'));
    expect(built.note).toBe(read('golden-checkpoint.txt'));
    expect(built.keys).toBe(read('golden-keys.json'));
  });

  it('verifies from the files alone, as an outsider would', () => {
    const keys = JSON.parse(read('golden-keys.json')) as {
      entrySigners: { keyId: string }[];
      cosigners: string[];
      root: string;
    };
    const byId = new Map(departments.map((d) => [d.key.publicKey.keyId, d.key.publicKey]));
    expect(keys.entrySigners.map((s) => s.keyId)).toEqual([...byId.keys()]);
    const verifier = new StreamingVerifier({
      keys: (keyId) => byId.get(keyId),
      checkpointPolicy: {
        origin: ORIGIN,
        quorum: 3,
        cosigners: keys.cosigners.map((vkey, i) => ({
          operator: `operator-${i}`,
          verifier: parseVerifierKey(vkey),
        })),
      },
    });
    for (const line of read('golden-log.jsonl').trimEnd().split('\n'))
      verifier.pushEntry(Buffer.from(line, 'utf8'));
    verifier.pushCheckpoint(read('golden-checkpoint.txt'));
    expect(verifier.summary()).toMatchObject({
      ok: true,
      size: 8,
      checkpoints: 1,
      root: keys.root,
    });
    expect(
      verifyCheckpoint(read('golden-checkpoint.txt'), {
        origin: ORIGIN,
        quorum: 3,
        cosigners: nodes.map((n, i) => ({
          operator: `o${i}`,
          verifier: noteVerifier(n.name, n.key.publicKey),
        })),
      }).checkpoint.size,
    ).toBe(8);
  });
});
