// Known-answer data of the RFC 6962 / RFC 9162 SHA-256 tree, as published by Certificate
// Transparency: the 8 test leaves of google/certificate-transparency (merkletree) and of
// transparency-dev/merkle. Test-only; not exported from the library. Each table names the file it
// is copied from in github.com/transparency-dev/merkle; the values are copied verbatim from:
//   testonly/constants.go       @ 582a6ad190b6848f1d26f8bf08ddef29955d9db1
//   proof/verify_test.go        @ 02194e9afb6c1d95b5381350007963aa70fff472
//   testonly/reference_test.go  @ 141d627eab770a7e9a2514f46a8b6338e6d90874
// To regenerate: copy them again from those files (they are fixed by RFC 6962 and never change).

/** testonly/constants.go `LeafInputs()`: leaf data, hex. */
export const LEAF_INPUTS: readonly string[] = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];

/** testonly/constants.go `NodeHashes()`: [level][index] of every perfect subtree of the 8 leaves. */
export const NODE_HASHES: readonly (readonly string[])[] = [
  [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
    '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
    'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
    '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
  ],
  [
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  ],
  [
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
  ],
  ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
];

/** testonly/constants.go `RootHashes()` / `EmptyRootHash()`: the root at each size 0..8. */
export const ROOT_HASHES: readonly string[] = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

/** testonly/constants.go `CompactTrees()`: the compact range [0, size) at each size 0..8. */
export const COMPACT_TREES: readonly (readonly string[])[] = [
  [],
  [NODE_HASHES[0]![0]!],
  [NODE_HASHES[1]![0]!],
  [NODE_HASHES[1]![0]!, NODE_HASHES[0]![2]!],
  [NODE_HASHES[2]![0]!],
  [NODE_HASHES[2]![0]!, NODE_HASHES[0]![4]!],
  [NODE_HASHES[2]![0]!, NODE_HASHES[1]![2]!],
  [NODE_HASHES[2]![0]!, NODE_HASHES[1]![2]!, NODE_HASHES[0]![6]!],
  [NODE_HASHES[3]![0]!],
];

export interface InclusionVector {
  readonly index: number;
  readonly size: number;
  readonly proof: readonly string[];
  readonly source: string;
}

const VERIFY_TEST = 'proof/verify_test.go inclusionProofs';
const REFERENCE_TEST = 'testonly/reference_test.go TestRefInclusionProof';

/**
 * Inclusion proofs over LEAF_INPUTS. verify_test.go numbers leaves from 1 (`p.leaf-1`); the
 * indexes here are 0-based.
 */
export const INCLUSION_PROOFS: readonly InclusionVector[] = [
  { index: 0, size: 1, proof: [], source: REFERENCE_TEST },
  {
    index: 0,
    size: 2,
    proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7'],
    source: REFERENCE_TEST,
  },
  {
    index: 1,
    size: 2,
    proof: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d'],
    source: REFERENCE_TEST,
  },
  {
    index: 2,
    size: 3,
    proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'],
    source: `${VERIFY_TEST}, ${REFERENCE_TEST}`,
  },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
    source: `${VERIFY_TEST}, ${REFERENCE_TEST}`,
  },
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
    source: `${VERIFY_TEST}, ${REFERENCE_TEST}`,
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
    source: `${VERIFY_TEST}, ${REFERENCE_TEST}`,
  },
];

export interface ConsistencyVector {
  readonly size1: number;
  readonly size2: number;
  readonly proof: readonly string[];
  readonly source: string;
}

const VERIFY_TEST_C = 'proof/verify_test.go consistencyProofs';
const REFERENCE_TEST_C = 'testonly/reference_test.go TestRefConsistencyProof';

/** Consistency proofs over LEAF_INPUTS. */
export const CONSISTENCY_PROOFS: readonly ConsistencyVector[] = [
  { size1: 1, size2: 1, proof: [], source: `${VERIFY_TEST_C}, ${REFERENCE_TEST_C}` },
  {
    size1: 1,
    size2: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
    source: `${VERIFY_TEST_C}, ${REFERENCE_TEST_C}`,
  },
  {
    size1: 6,
    size2: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
    source: `${VERIFY_TEST_C}, ${REFERENCE_TEST_C}`,
  },
  {
    size1: 2,
    size2: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
    source: `${VERIFY_TEST_C}, ${REFERENCE_TEST_C}`,
  },
  {
    size1: 6,
    size2: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
    source: VERIFY_TEST_C,
  },
];
