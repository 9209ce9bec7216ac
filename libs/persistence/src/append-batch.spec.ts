import { describe, expect, it } from '@jest/globals';
import { getSuite, toHex } from '@govx/crypto';
import {
  ChainBrokenError,
  LogAppender,
  RFC9162_SHA256,
  SM3_TREE_HASHER,
  createSubmission,
  rootFromLeafHashes,
  type Entry,
} from '@govx/ledger-core';
import {
  checkBase,
  checkBatch,
  packHashes,
  prepareAppend,
  unpackSubtrees,
} from './append-batch.js';
import { compactRangeIds } from './merkle-nodes.js';

const hasher = RFC9162_SHA256;
const key = getSuite('intl').generateSigningKey();
const submission = (i: number) =>
  createSubmission({ type: 'request', actor: 'dept/a', idem: `i-${i}`, body: { i } }, key);

function log(n: number, h = hasher): Entry[] {
  const appender = new LogAppender(h);
  return Array.from({ length: n }, (_, i) => appender.append(submission(i), i * 1000));
}

const SIZE = 70;
const entries = log(SIZE);
const leaves = entries.map((e) => e.leafHash);

describe('prepareAppend()', () => {
  it('emits every perfect subtree exactly once, whatever the batches, with its naive hash', () => {
    for (const cut of [1, 2, 3, 7, 16, 33, 69]) {
      const appender = new LogAppender(hasher);
      const seen = new Map<string, string>();
      for (const batch of [entries.slice(0, cut), entries.slice(cut)]) {
        const base = appender.state();
        batch.forEach((e) => appender.append(submission(e.seq), e.seq * 1000));
        const { rows, next } = prepareAppend(hasher, base, batch);
        expect(next).toEqual(appender.state());
        const hashes = unpackSubtrees(rows.nodeHashes);
        rows.nodeLevel.forEach((level, i) => {
          const id = `${level}/${rows.nodeIndex[i]}`;
          expect(seen.has(id)).toBe(false);
          seen.set(id, toHex(hashes[i]!));
        });
      }
      const expected = new Map<string, string>();
      for (let level = 0; 2 ** level <= SIZE; level++) {
        const width = 2 ** level;
        for (let index = 0; (index + 1) * width <= SIZE; index++) {
          const subtree = leaves.slice(index * width, (index + 1) * width);
          expected.set(`${level}/${index}`, toHex(rootFromLeafHashes(hasher, subtree)));
        }
      }
      expect(seen).toEqual(expected);
    }
  });

  it('lays out the entry columns and byte blobs in order', () => {
    const batch = entries.slice(5, 9);
    const { rows } = prepareAppend(hasher, new LogAppender(hasher).state(), []);
    expect(rows.seq).toEqual([]);
    const base = (() => {
      const a = new LogAppender(hasher);
      entries.slice(0, 5).forEach((e) => a.append(submission(e.seq), e.seq * 1000));
      return a.state();
    })();
    const prepared = prepareAppend(hasher, base, batch).rows;
    expect(prepared.seq).toEqual([5, 6, 7, 8]);
    expect(prepared.time).toEqual(batch.map((e) => e.fields.time));
    batch.forEach((e, i) => {
      const from = prepared.bytesOffset[i]!;
      expect(toHex(prepared.bytes.subarray(from, from + prepared.bytesLength[i]!))).toBe(
        toHex(e.bytes),
      );
      expect(toHex(prepared.leafHashes.subarray(32 * i, 32 * i + 32))).toBe(e.leafHashHex);
    });
  });
});

describe('checkBatch()', () => {
  it('accepts a consecutive chain', () => {
    expect(() => checkBatch(hasher, entries)).not.toThrow();
    expect(() => checkBatch(hasher, [])).not.toThrow();
  });

  it('refuses non-entries, gaps, broken links and leaf hashes of another hasher', () => {
    expect(() => checkBatch(hasher, [{} as Entry])).toThrow(TypeError);
    expect(() => checkBatch(hasher, [entries[0]!, entries[2]!])).toThrow(
      /entries\[1\]\.seq: expected 1, got 2/,
    );
    const other = new LogAppender(hasher);
    other.append(submission(99), 0);
    const stranger = other.append(submission(1), 1000);
    expect(() => checkBatch(hasher, [entries[0]!, stranger])).toThrow(ChainBrokenError);
    expect(() => checkBatch(hasher, log(1, SM3_TREE_HASHER))).toThrow(/not the sha256 leaf hash/);
  });

  it('checkBase() refuses a first entry that does not continue the stored tip', () => {
    const state = new LogAppender(hasher).state();
    expect(() => checkBase(state, entries[0]!)).not.toThrow();
    expect(() => checkBase({ ...state, tip: 'ab'.repeat(32) }, entries[0]!)).toThrow(
      ChainBrokenError,
    );
  });
});

describe('compactRangeIds()', () => {
  it('covers [0, size) left to right with one perfect subtree per one bit', () => {
    for (const size of [0, 1, 2, 3, 5, 64, 70, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER]) {
      const ids = compactRangeIds(size);
      let offset = 0;
      for (const id of ids) {
        expect(id.index * 2 ** id.level).toBe(offset);
        offset += 2 ** id.level;
      }
      expect(offset).toBe(size);
      expect(ids.map((id) => id.level)).toEqual(
        [...ids.map((id) => id.level)].sort((a, b) => b - a),
      );
    }
    expect(compactRangeIds(Number.MAX_SAFE_INTEGER)).toHaveLength(53);
  });
});

describe('packHashes() / unpackSubtrees()', () => {
  it('round-trips and refuses a partial hash', () => {
    const hashes = leaves.slice(0, 3);
    expect(unpackSubtrees(packHashes(hashes))).toEqual(hashes);
    expect(unpackSubtrees(new Uint8Array(0))).toEqual([]);
    expect(() => unpackSubtrees(new Uint8Array(33))).toThrow(RangeError);
  });
});
