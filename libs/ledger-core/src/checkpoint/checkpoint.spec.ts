import { describe, expect, it } from '@jest/globals';
import { getSuite } from '@govx/crypto';
import { NoteError } from '../errors.js';
import {
  formatCheckpoint,
  parseCheckpoint,
  verifyCheckpoint,
  type CheckpointPolicy,
} from './checkpoint.js';
import { addSignatures, noteSigner, noteVerifier, signNote } from './note.js';

const root = new Uint8Array(32).fill(7);
const suite = getSuite('intl');
const nodes = ['tax', 'land', 'police', 'tax'].map((operator, i) => ({
  operator,
  name: `ledger-${i + 1}.govx.test`,
  key: suite.generateSigningKey(),
}));
const policy: CheckpointPolicy = {
  origin: 'govx.test/ledger',
  quorum: 2,
  cosigners: nodes.map((n) => ({
    operator: n.operator,
    verifier: noteVerifier(n.name, n.key.publicKey),
  })),
};
const signer = (i: number) => noteSigner(nodes[i]!.name, nodes[i]!.key);

describe('checkpoints', () => {
  describe('formatCheckpoint() / parseCheckpoint()', () => {
    it('writes the three C2SP lines and reads them back', () => {
      const text = formatCheckpoint({ origin: 'govx.test/ledger', size: 20852163, root });
      expect(text).toBe(`govx.test/ledger\n20852163\n${Buffer.from(root).toString('base64')}\n`);
      expect(parseCheckpoint(text)).toEqual({ origin: 'govx.test/ledger', size: 20852163, root });
    });

    it('refuses malformed checkpoint text', () => {
      const b64 = Buffer.from(root).toString('base64');
      for (const bad of [
        `o\n01\n${b64}\n`,
        `o\n-1\n${b64}\n`,
        `o\n1\n${b64}`,
        `o\n1\n${b64}\next\n`,
        `o\n1\n${b64.slice(4)}\n`,
        `o\n1e3\n${b64}\n`,
        `with space\n1\n${b64}\n`,
      ]) {
        expect(() => parseCheckpoint(bad)).toThrow(NoteError);
      }
      expect(() => formatCheckpoint({ origin: 'a+b', size: 1, root })).toThrow(TypeError);
      expect(() => formatCheckpoint({ origin: 'a', size: -1, root })).toThrow(RangeError);
    });
  });

  describe('verifyCheckpoint()', () => {
    const text = formatCheckpoint({ origin: policy.origin, size: 5, root });

    it('is final when nodes of a quorum of distinct operators signed', () => {
      const note = signNote(text, [signer(0), signer(1)]);
      const verified = verifyCheckpoint(note, policy);
      expect(verified.checkpoint.size).toBe(5);
      expect(verified.operators).toEqual(['land', 'tax']);
    });

    it('counts two nodes of one operator once', () => {
      const note = signNote(text, [signer(0), signer(3)]);
      expect(() => verifyCheckpoint(note, policy)).toThrow(
        /signed by 1 operator\(s\), quorum is 2/,
      );
    });

    it('accepts cosignatures added later by other nodes', () => {
      const note = addSignatures(signNote(text, [signer(0)]), [signer(2)]);
      expect(verifyCheckpoint(note, policy).operators).toEqual(['police', 'tax']);
    });

    it('rejects a note for another origin, and a forged cosignature', () => {
      const other = signNote(formatCheckpoint({ origin: 'other.test/log', size: 5, root }), [
        signer(0),
        signer(1),
      ]);
      expect(() => verifyCheckpoint(other, policy)).toThrow(/origin/);
      const impostor = suite.generateSigningKey();
      const forged = signNote(text, [signer(0), noteSigner(nodes[1]!.name, impostor)]);
      // Same name, other key: a different key hash, so it is an unknown signature and does not count.
      expect(() => verifyCheckpoint(forged, policy)).toThrow(/quorum/);
    });
  });
});
