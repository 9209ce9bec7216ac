import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { fromHex, toHex } from '@govx/crypto';
import fc from 'fast-check';
import {
  LEAF_PREFIX,
  NODE_PREFIX,
  RFC9162_SHA256,
  SM3_TREE_HASHER,
  treeHasher,
  type TreeHasher,
} from './tree-hasher.js';
import { LEAF_INPUTS, NODE_HASHES } from './testonly/ct-vectors.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

function nodeCrypto(name: string, ...parts: Uint8Array[]): string {
  const h = createHash(name);
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

describe('TreeHasher', () => {
  it('uses the RFC 9162 §2.1.1 domain separation prefixes', () => {
    expect(LEAF_PREFIX).toBe(0x00);
    expect(NODE_PREFIX).toBe(0x01);
  });

  describe(`RFC9162_SHA256`, () => {
    const h = RFC9162_SHA256;

    // transparency-dev/merkle rfc6962/rfc6962_test.go TestRFC6962Hasher; the command that
    // regenerates each value is beside it.
    it('matches the RFC 6962 hasher known answers', () => {
      // printf '' | sha256sum
      expect(toHex(h.emptyRoot())).toBe(
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      );
      // printf '\x00' | sha256sum
      expect(toHex(h.hashLeaf(new Uint8Array(0)))).toBe(
        '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      );
      // echo -n 004C313233343536 | xxd -r -p | sha256sum
      expect(toHex(h.hashLeaf(utf8('L123456')))).toBe(
        '395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56',
      );
      // echo -n 014E3132334E343536 | xxd -r -p | sha256sum
      expect(toHex(h.hashChildren(utf8('N123'), utf8('N456')))).toBe(
        'aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb',
      );
    });

    it('hashes the CT test leaves and level-1 nodes (testonly/constants.go NodeHashes)', () => {
      const leaves = LEAF_INPUTS.map((hex) => h.hashLeaf(fromHex(hex)));
      expect(leaves.map(toHex)).toEqual(NODE_HASHES[0]);
      const level1 = [0, 2, 4, 6].map((i) => toHex(h.hashChildren(leaves[i]!, leaves[i + 1]!)));
      expect(level1).toEqual(NODE_HASHES[1]);
    });

    it('keeps leaves, nodes and child order apart (second preimage)', () => {
      const a = h.hashLeaf(utf8('Hello'));
      const b = h.hashLeaf(utf8('World'));
      const node = h.hashChildren(a, b);
      expect(toHex(node)).not.toBe(toHex(h.hashLeaf(new Uint8Array([...a, ...b]))));
      expect(toHex(node)).not.toBe(toHex(h.hashChildren(b, a)));
    });

    it('returns fresh plain Uint8Arrays', () => {
      const root = h.emptyRoot();
      root[0] = 0;
      expect(h.emptyRoot()[0]).toBe(0xe3);
      expect(Object.getPrototypeOf(h.hashLeaf(utf8('x')))).toBe(Uint8Array.prototype);
    });
  });

  describe('SM3_TREE_HASHER', () => {
    it('matches the SM3 known answers (GB/T 32905) behind the same prefixes', () => {
      // printf '' | openssl dgst -sm3
      expect(toHex(SM3_TREE_HASHER.emptyRoot())).toBe(
        '1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b',
      );
      // printf '\x00' | openssl dgst -sm3
      expect(toHex(SM3_TREE_HASHER.hashLeaf(new Uint8Array(0)))).toBe(
        '2daef60e7a0b8f5e024c81cd2ab3109f2b4f155cf83adeb2ae5532f74a157fdf',
      );
      // printf '\x01N123N456' | openssl dgst -sm3
      expect(toHex(SM3_TREE_HASHER.hashChildren(utf8('N123'), utf8('N456')))).toBe(
        'ceaddc3c5fbab603a1aa11181127a75c34acfd1a0bcd1ac67e3fa9ed55a5d5b6',
      );
    });
  });

  describe.each([
    ['sha256', RFC9162_SHA256],
    ['sm3', SM3_TREE_HASHER],
  ] as const)('%s (differential against node:crypto)', (name: string, h: TreeHasher) => {
    it('hashLeaf() = HASH(0x00 || leaf)', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), (leaf) => {
          expect(toHex(h.hashLeaf(leaf))).toBe(nodeCrypto(name, Uint8Array.of(0), leaf));
        }),
      );
    });

    it('hashChildren() = HASH(0x01 || left || right), for hashes and other lengths', () => {
      const bytes = fc.oneof(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 40 }),
      );
      fc.assert(
        fc.property(bytes, bytes, (l, r) => {
          expect(toHex(h.hashChildren(l, r))).toBe(nodeCrypto(name, Uint8Array.of(1), l, r));
        }),
      );
    });

    it('rejects non-byte inputs naming the argument', () => {
      expect(() => h.hashLeaf('ab' as unknown as Uint8Array)).toThrow(/^leaf:/);
      expect(() => h.hashChildren(new Uint8Array(32), [1] as unknown as Uint8Array)).toThrow(
        /^right:/,
      );
    });
  });
});

describe(treeHasher.name, () => {
  it('returns the hasher of each name', () => {
    expect(treeHasher('sha256')).toBe(RFC9162_SHA256);
    expect(treeHasher('sm3')).toBe(SM3_TREE_HASHER);
    expect(RFC9162_SHA256.name).toBe('sha256');
    expect(SM3_TREE_HASHER.size).toBe(32);
  });

  it('rejects an unknown name', () => {
    expect(() => treeHasher('md5' as 'sha256')).toThrow(RangeError);
  });
});
