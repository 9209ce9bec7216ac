import { describe, expect, it } from '@jest/globals';
import { getSuite, signingKeyFromSeed } from '@govx/crypto';
import { NoteError } from '../errors.js';
import {
  addSignatures,
  noteSigner,
  noteVerifier,
  openNote,
  parseVerifierKey,
  signNote,
  verifierKeyString,
} from './note.js';

// golang.org/x/mod/sumdb/note, note.go package documentation and note_test.go: the signer
// key "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
// (base64: 0x01 ‖ Ed25519 seed), its verifier key and the note it signs.
const PETER_SEED = Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64').subarray(
  1,
);
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_TEXT =
  'If you think cryptography is the answer to your problem,\n' +
  "then you don't know what your problem is.\n";
const PETER_NOTE =
  PETER_TEXT +
  '\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';

describe('signed notes', () => {
  const peter = signingKeyFromSeed('ed25519', new Uint8Array(PETER_SEED));

  describe('verifierKeyString()', () => {
    it('matches the Go sumdb/note verifier key of the reference signer', () => {
      expect(verifierKeyString('PeterNeumann', peter.publicKey)).toBe(PETER_VKEY);
    });
  });

  describe('signNote()', () => {
    it('reproduces the Go sumdb/note signed note byte for byte', () => {
      expect(signNote(PETER_TEXT, [noteSigner('PeterNeumann', peter)])).toBe(PETER_NOTE);
    });

    it('refuses text that does not end in a newline or holds control characters', () => {
      const signer = noteSigner('PeterNeumann', peter);
      expect(() => signNote('no newline', [signer])).toThrow(NoteError);
      expect(() => signNote('tab\there\n', [signer])).toThrow(NoteError);
    });
  });

  describe('openNote()', () => {
    const verifier = parseVerifierKey(PETER_VKEY);

    it('opens the reference note', () => {
      const opened = openNote(PETER_NOTE, [verifier]);
      expect(opened.text).toBe(PETER_TEXT);
      expect(opened.verified).toEqual([{ name: 'PeterNeumann', keyHash: 0xc74f20a3 }]);
    });

    it('rejects a note whose text was changed', () => {
      expect(() =>
        openNote(PETER_NOTE.replace('cryptography', 'cryptographY'), [verifier]),
      ).toThrow(/does not verify/);
    });

    it('rejects a note with no trusted signature, and ignores unknown ones', () => {
      const other = getSuite('intl').generateSigningKey();
      expect(() => openNote(PETER_NOTE, [noteVerifier('Other', other.publicKey)])).toThrow(
        /no signature from a trusted key/,
      );
      const both = addSignatures(PETER_NOTE, [noteSigner('Other', other)]);
      expect(openNote(both, [verifier]).unknown).toBe(1);
      expect(
        openNote(both, [verifier, noteVerifier('Other', other.publicKey)]).verified,
      ).toHaveLength(2);
    });

    it('rejects malformed notes with a NoteError, never a crash', () => {
      for (const bad of [
        '',
        PETER_TEXT,
        PETER_TEXT + '\n',
        PETER_TEXT + '\n— PeterNeumann\n',
        PETER_TEXT + '\n— PeterNeumann !!!\n',
        PETER_TEXT + '\n— PeterNeumann AAAA\n',
        PETER_NOTE.slice(0, -1),
        PETER_NOTE + 'garbage\n',
      ]) {
        expect(() => openNote(bad, [verifier])).toThrow(NoteError);
      }
    });
  });

  describe('parseVerifierKey()', () => {
    it('refuses every mangling of a verifier key', () => {
      // Every proper substring and every single-character change (as Go's TestNewVerifier).
      let refused = 0;
      for (let i = 0; i < PETER_VKEY.length; i++) {
        for (let j = i + 1; j <= PETER_VKEY.length; j++) {
          if (i === 0 && j === PETER_VKEY.length) continue;
          expect(() => parseVerifierKey(PETER_VKEY.slice(i, j))).toThrow();
          refused++;
        }
        const mangled =
          PETER_VKEY.slice(0, i) +
          String.fromCharCode(PETER_VKEY.charCodeAt(i) + 1) +
          PETER_VKEY.slice(i + 1);
        expect(() => parseVerifierKey(mangled)).toThrow();
      }
      expect(refused).toBeGreaterThan(2000);
    });
  });

  describe.each(['intl', 'sm'] as const)('suite %s', (suite) => {
    it('signs and verifies plain notes and round-trips the verifier key', () => {
      const key = getSuite(suite).generateSigningKey();
      const note = signNote('govx.test/log\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n', [
        noteSigner('node-1', key),
      ]);
      const verifier = parseVerifierKey(verifierKeyString('node-1', key.publicKey));
      expect(openNote(note, [verifier]).verified).toHaveLength(1);
      expect(() => openNote(note.replace('\n1\n', '\n2\n'), [verifier])).toThrow(NoteError);
    });
  });

  describe('cosignature/v1 (type 0x04)', () => {
    const key = getSuite('intl').generateSigningKey();
    const text = 'govx.test/log\n7\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n';

    it('signs the c2sp.org/tlog-cosignature message and reports its timestamp', () => {
      const signer = noteSigner('witness.test/w1', key, {
        cosignature: true,
        clock: () => 1679315147,
      });
      const note = signNote(text, [signer]);
      const verifier = parseVerifierKey(verifierKeyString('witness.test/w1', key.publicKey, true));
      expect(openNote(note, [verifier]).verified[0]?.timestamp).toBe(1679315147);
      // The signed bytes are "cosignature/v1\ntime 1679315147\n" ‖ text, checked independently.
      const sig = Buffer.from(note.trim().split(' ').pop()!, 'base64');
      expect(sig.readBigUInt64BE(4)).toBe(1679315147n);
      const message = Buffer.from(`cosignature/v1\ntime 1679315147\n${text}`);
      expect(key.publicKey.verify(message, sig.subarray(12))).toBe(true);
    });

    it('is not accepted by a plain Ed25519 verifier of the same key (distinct key hash)', () => {
      const note = signNote(text, [noteSigner('witness.test/w1', key, { cosignature: true })]);
      expect(() => openNote(note, [noteVerifier('witness.test/w1', key.publicKey)])).toThrow(
        NoteError,
      );
    });
  });
});
