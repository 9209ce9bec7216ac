import { describe, expect, it } from '@jest/globals';
import { getSuite } from '@govx/crypto';
import { createSubmission, Entry, GENESIS_PREV, treeHasher } from '@govx/ledger-core';
import { OwnPlacements } from './own-placements.js';

const hasher = treeHasher('sha256');
const key = getSuite('intl').generateSigningKey();

function placed(seq: number): Entry {
  const submission = createSubmission(
    { type: 'note', actor: 'dept/tax/gateway', idem: `i-${seq}`, body: { n: seq } },
    key,
  );
  return Entry.place(
    submission,
    { seq, prev: GENESIS_PREV, time: '2026-12-01T00:00:00.000Z' },
    hasher,
  );
}

describe(OwnPlacements.name, () => {
  describe('take()', () => {
    it('gives back the placed entry once, by the leaf hash of its bytes', () => {
      const own = new OwnPlacements();
      const entry = placed(0);
      own.add(entry);
      const leaf = Buffer.from(hasher.hashLeaf(entry.bytes)).toString('hex');
      expect(own.take(leaf)).toBe(entry);
      expect(own.take(leaf)).toBeUndefined();
      expect(own.size).toBe(0);
    });

    it('knows nothing of bytes it did not place', () => {
      const own = new OwnPlacements();
      own.add(placed(0));
      expect(own.take(placed(1).leafHashHex)).toBeUndefined();
      expect(own.size).toBe(1);
    });
  });

  describe('add()', () => {
    it('forgets the oldest past its bound, keeping the newest', () => {
      const own = new OwnPlacements();
      const first = placed(0);
      own.add(first);
      const others = Array.from({ length: 10_000 }, (_, i) => placed(i + 1));
      for (const e of others) own.add(e);
      expect(own.size).toBe(10_000);
      expect(own.take(first.leafHashHex)).toBeUndefined();
      expect(own.take(others[9_999]!.leafHashHex)).toBe(others[9_999]);
    });
  });
});
