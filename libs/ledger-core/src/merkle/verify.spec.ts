import { describe, expect, it } from '@jest/globals';
import { fromHex, toHex } from '@govx/crypto';
import { consistencyProof, inclusionProof } from './leaf-list.js';
import { ProofError, type ProofErrorCode } from './proof.error.js';
import { consistencyPlan, inclusionPlan, type ProofPlan } from './proof-plan.js';
import { RFC9162_SHA256 } from './tree-hasher.js';
import { rootFromInclusionProof, verifyConsistency, verifyInclusion } from './verify.js';
import {
  CONSISTENCY_PROOFS,
  INCLUSION_PROOFS,
  LEAF_INPUTS,
  ROOT_HASHES,
} from './testonly/ct-vectors.js';

const h = RFC9162_SHA256;
const leafHashes = LEAF_INPUTS.map((hex) => h.hashLeaf(fromHex(hex)));
const roots = ROOT_HASHES.map((hex) => fromHex(hex, 'root', 32));
const hashes = (hex: readonly string[]): Uint8Array[] => hex.map((x) => fromHex(x, 'proof', 32));
// proof/verify_test.go: sha256SomeHash, and a value that is not 32 bytes.
const someHash = fromHex('abacaba000000000000000000000000000000000000000000060061e00123456');
const wrong = new TextEncoder().encode('WrongRoot');

/** The code a call fails with; 'ok' when it succeeds. Anything but a ProofError fails the test. */
function outcome(call: () => unknown): ProofErrorCode | 'ok' {
  try {
    call();
    return 'ok';
  } catch (error) {
    if (!(error instanceof ProofError)) throw error;
    return error.code;
  }
}

const proofLength = (plan: ProofPlan): number =>
  plan.ids.length - (plan.ephemeral ? plan.ephemeral.end - plan.ephemeral.begin - 1 : 0);

/** The code verifyInclusion owes a well-typed probe with 32-byte hashes. */
function inclusionCode(index: number, size: number, proof: readonly Uint8Array[]): ProofErrorCode {
  if (index >= size) return 'index-out-of-range';
  if (proof.length !== proofLength(inclusionPlan(index, size))) return 'proof-length';
  if (proof.some((p) => p.length !== 32)) return 'hash-length';
  return 'root-mismatch';
}

/** The code verifyConsistency owes a well-typed probe with 32-byte roots. */
function consistencyCode(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
): ProofErrorCode {
  if (size1 > size2) return 'size-order';
  if (proof.length !== proofLength(consistencyPlan(size1, size2))) return 'proof-length';
  if (proof.some((p) => p.length !== 32)) return 'hash-length';
  return 'root-mismatch';
}

/** Each proof with one bit flipped, for every bit of every hash. */
function* bitFlips(proof: readonly Uint8Array[]): Generator<Uint8Array[]> {
  for (let i = 0; i < proof.length; i++) {
    for (let bit = 0; bit < 8 * proof[i]!.length; bit++) {
      const copy = proof.map((p) => p.slice());
      copy[i]![bit >> 3]! ^= 1 << (bit & 7);
      yield copy;
    }
  }
}

describe(verifyInclusion.name, () => {
  describe.each(INCLUSION_PROOFS)(
    'leaf $index of $size ($source)',
    ({ index, size, proof: hex }) => {
      const proof = hashes(hex);
      const leaf = leafHashes[index]!;
      const root = roots[size]!;

      it('is what inclusionProof() builds, and verifies', () => {
        expect(inclusionProof(h, leafHashes, index, size).map(toHex)).toEqual(hex);
        expect(outcome(() => verifyInclusion(h, index, size, leaf, proof, root))).toBe('ok');
        expect(toHex(rootFromInclusionProof(h, index, size, leaf, proof))).toBe(ROOT_HASHES[size]);
      });

      it('rejects every single bit flip, with root-mismatch', () => {
        for (const bad of bitFlips(proof)) {
          expect(outcome(() => verifyInclusion(h, index, size, leaf, bad, root))).toBe(
            'root-mismatch',
          );
        }
      });

      it('rejects corrupted probes (proof/verify_test.go corruptInclusionProof) with the right code', () => {
        const probes: [number, number, Uint8Array[]][] = [
          [index - 1, size, proof],
          [index + 1, size, proof],
          [index ^ 2, size, proof],
          [index, size * 2, proof],
          [index, size >> 1, proof],
          [index, size, [...proof, new Uint8Array(0)]],
          [index, size, [...proof, root]],
          [index, size, [new Uint8Array(0), ...proof]],
          [index, size, [root, ...proof]],
          [index, size, proof.slice(0, -1)],
          [index, size, proof.slice(1)],
          [index, size, [proof[0] ?? root, someHash, ...proof.slice(1)]],
        ];
        for (const [i, s, p] of probes) {
          const same =
            i === index &&
            s === size &&
            p.length === proof.length &&
            p.every((x, k) => x === proof[k]);
          if (i < 0 || same) continue;
          expect([i, s, outcome(() => verifyInclusion(h, i, s, leaf, p, root))]).toEqual([
            i,
            s,
            inclusionCode(i, s, p),
          ]);
        }
        expect(outcome(() => verifyInclusion(h, index, size, someHash, proof, root))).toBe(
          'root-mismatch',
        );
        expect(outcome(() => verifyInclusion(h, index, size, leaf, proof, someHash))).toBe(
          'root-mismatch',
        );
        expect(outcome(() => verifyInclusion(h, index, size, leaf, proof, roots[0]!))).toBe(
          'root-mismatch',
        );
        expect(outcome(() => verifyInclusion(h, index, size, wrong, proof, root))).toBe(
          'hash-length',
        );
        expect(outcome(() => verifyInclusion(h, index, size, leaf, proof, wrong))).toBe(
          'hash-length',
        );
      });
    },
  );

  it('verifies a one-leaf tree only against its own hash (TestVerifyInclusionSingleEntry)', () => {
    const hash = h.hashLeaf(new TextEncoder().encode('data'));
    const empty = new Uint8Array(0);
    expect(outcome(() => verifyInclusion(h, 0, 1, hash, [], hash))).toBe('ok');
    expect(outcome(() => verifyInclusion(h, 0, 1, empty, [], hash))).toBe('hash-length');
    expect(outcome(() => verifyInclusion(h, 0, 1, hash, [], empty))).toBe('hash-length');
    expect(outcome(() => verifyInclusion(h, 0, 1, empty, [], empty))).toBe('hash-length');
  });

  it('never accepts index >= size (TestVerifyInclusion probes)', () => {
    for (const [index, size] of [
      [0, 0],
      [1, 0],
      [2, 1],
      [8, 8],
      [2 ** 40, 2 ** 40],
    ] as const) {
      expect(outcome(() => verifyInclusion(h, index, size, someHash, [], roots[0]!))).toBe(
        'index-out-of-range',
      );
    }
    expect(outcome(() => verifyInclusion(h, 0, 1, someHash, [], roots[0]!))).toBe('root-mismatch');
  });

  it('turns malformed arguments into bad-argument, naming the argument', () => {
    const leaf = leafHashes[0]!;
    const [index, size, proof, root] = [0, 8, hashes(INCLUSION_PROOFS[5]!.proof), roots[8]!];
    for (const bad of [-1, NaN, 1.5, Infinity, 2 ** 53, '0' as unknown as number]) {
      expect(outcome(() => verifyInclusion(h, bad, size, leaf, proof, root))).toBe('bad-argument');
      expect(outcome(() => verifyInclusion(h, index, bad, leaf, proof, root))).toBe('bad-argument');
    }
    expect(() => verifyInclusion(h, -1, size, leaf, proof, root)).toThrow(/^index: /);
    expect(outcome(() => verifyInclusion(h, index, size, leaf, 'x' as unknown as [], root))).toBe(
      'bad-argument',
    );
    expect(
      outcome(() => verifyInclusion(h, index, size, null as unknown as Uint8Array, proof, root)),
    ).toBe('bad-argument');
    expect(outcome(() => verifyInclusion({} as typeof h, index, size, leaf, proof, root))).toBe(
      'bad-argument',
    );
    const short = [proof[0]!, proof[1]!.subarray(1), proof[2]!];
    expect(outcome(() => verifyInclusion(h, index, size, leaf, short, root))).toBe('hash-length');
    expect(outcome(() => verifyInclusion(h, index, size, leaf.subarray(1), proof, root))).toBe(
      'hash-length',
    );
    expect(outcome(() => verifyInclusion(h, index, size, leaf, [...proof, 7 as never], root))).toBe(
      'proof-length',
    );
  });

  it('carries the cause and the expected and actual values', () => {
    const error = (() => {
      try {
        verifyInclusion(h, 0, 1, leafHashes[0]!, [], someHash);
      } catch (e) {
        return e as ProofError;
      }
      throw new Error('accepted');
    })();
    expect(error.name).toBe('ProofError');
    expect(error.expected).toBe(toHex(someHash));
    expect(error.actual).toBe(ROOT_HASHES[1]);
    try {
      verifyInclusion(h, NaN, 1, leafHashes[0]!, [], someHash);
    } catch (e) {
      expect((e as ProofError).cause).toBeInstanceOf(RangeError);
    }
  });
});

describe(verifyConsistency.name, () => {
  describe.each(CONSISTENCY_PROOFS)('$size1 → $size2 ($source)', ({ size1, size2, proof: hex }) => {
    const proof = hashes(hex);
    const [root1, root2] = [roots[size1]!, roots[size2]!];

    it('is what consistencyProof() builds, and verifies', () => {
      expect(consistencyProof(h, leafHashes, size1, size2).map(toHex)).toEqual(hex);
      expect(outcome(() => verifyConsistency(h, size1, size2, proof, root1, root2))).toBe('ok');
    });

    it('rejects every single bit flip, with root-mismatch', () => {
      for (const bad of bitFlips(proof)) {
        expect(outcome(() => verifyConsistency(h, size1, size2, bad, root1, root2))).toBe(
          'root-mismatch',
        );
      }
    });

    it('rejects corrupted probes (proof/verify_test.go corruptConsistencyProof) with the right code', () => {
      if (proof.length === 0) return;
      const probes: [number, number, Uint8Array[]][] = [
        [size1 - 1, size2, proof],
        [size1 + 1, size2, proof],
        [size1 ^ 2, size2, proof],
        [size1, size2 * 2, proof],
        [size1, size2 >> 1, proof],
        [size1, size2, []],
        [size1, size2, [...proof, new Uint8Array(0)]],
        [size1, size2, [...proof, root1]],
        [size1, size2, [...proof, root2]],
        [size1, size2, [new Uint8Array(0), ...proof]],
        [size1, size2, [root1, ...proof]],
        [size1, size2, [root2, ...proof]],
        [size1, size2, [proof[0]!, ...proof]],
        [size1, size2, proof.slice(0, -1)],
      ];
      for (const [s1, s2, p] of probes) {
        expect([s1, s2, outcome(() => verifyConsistency(h, s1, s2, p, root1, root2))]).toEqual([
          s1,
          s2,
          consistencyCode(s1, s2, p),
        ]);
      }
      expect(outcome(() => verifyConsistency(h, size1, size2, proof, root2, root1))).toBe(
        'root-mismatch',
      );
      expect(outcome(() => verifyConsistency(h, size1, size2, proof, someHash, root2))).toBe(
        'root-mismatch',
      );
      expect(outcome(() => verifyConsistency(h, size1, size2, proof, root1, someHash))).toBe(
        'root-mismatch',
      );
      expect(outcome(() => verifyConsistency(h, size1, size2, proof, wrong, root2))).toBe(
        'hash-length',
      );
      expect(outcome(() => verifyConsistency(h, size1, size2, proof, root1, wrong))).toBe(
        'hash-length',
      );
    });
  });

  // proof/verify_test.go TestVerifyConsistency, with one deliberate difference: from the empty
  // tree, root1 MUST be the empty root (Go ignores it), and "don't care" roots are not hashes.
  it('handles the degenerate sizes', () => {
    const empty = h.emptyRoot();
    const [r1, r2] = [roots[1]!, roots[2]!];
    expect(outcome(() => verifyConsistency(h, 0, 0, [], empty, empty))).toBe('ok');
    expect(outcome(() => verifyConsistency(h, 0, 5, [], empty, roots[5]!))).toBe('ok');
    expect(outcome(() => verifyConsistency(h, 1, 1, [], r1, r1))).toBe('ok');
    expect(outcome(() => verifyConsistency(h, 0, 0, [], r1, r2))).toBe('root-mismatch');
    expect(outcome(() => verifyConsistency(h, 0, 1, [], r1, r1))).toBe('root-mismatch');
    expect(outcome(() => verifyConsistency(h, 1, 1, [], r1, r2))).toBe('root-mismatch');
    expect(outcome(() => verifyConsistency(h, 1, 0, [], r1, r2))).toBe('size-order');
    expect(outcome(() => verifyConsistency(h, 2, 1, [], r1, r2))).toBe('size-order');
    expect(outcome(() => verifyConsistency(h, 1, 2, [], r1, r2))).toBe('proof-length');
    expect(outcome(() => verifyConsistency(h, 0, 0, [empty], empty, empty))).toBe('proof-length');
    expect(outcome(() => verifyConsistency(h, 0, 1, [empty], empty, empty))).toBe('proof-length');
    expect(outcome(() => verifyConsistency(h, 1, 1, [empty], empty, empty))).toBe('proof-length');
    expect(outcome(() => verifyConsistency(h, 1, 1, [], wrong, wrong))).toBe('hash-length');
  });

  it('turns malformed arguments into bad-argument', () => {
    const proof = hashes(CONSISTENCY_PROOFS[2]!.proof);
    const [r6, r8] = [roots[6]!, roots[8]!];
    for (const bad of [-1, NaN, 0.5, 2 ** 53, null as unknown as number]) {
      expect(outcome(() => verifyConsistency(h, bad, 8, proof, r6, r8))).toBe('bad-argument');
      expect(outcome(() => verifyConsistency(h, 6, bad, proof, r6, r8))).toBe('bad-argument');
    }
    expect(() => verifyConsistency(h, 6, -8, proof, r6, r8)).toThrow(/^size2: /);
    expect(outcome(() => verifyConsistency(h, 6, 8, {} as [], r6, r8))).toBe('bad-argument');
    expect(outcome(() => verifyConsistency(h, 6, 8, proof, 'r6' as never, r8))).toBe(
      'bad-argument',
    );
    const short = [proof[0]!.subarray(0, 31), proof[1]!, proof[2]!];
    expect(outcome(() => verifyConsistency(h, 6, 8, short, r6, r8))).toBe('hash-length');
  });
});
