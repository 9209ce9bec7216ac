// `govx proof verify` as an outside auditor runs it: the built CLI in a child process.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  consistencyProof,
  consistencyProofDocument,
  inclusionProof,
  inclusionProofDocument,
  rootFromLeafHashes,
  RFC9162_SHA256,
  SM3_TREE_HASHER,
} from '@govx/ledger-core';
import { runGovx as govx } from './support/cli.js';

const leaves = Array.from({ length: 13 }, (_, i) =>
  RFC9162_SHA256.hashLeaf(new Uint8Array([i, i + 1])),
);
const rootAt = (n: number) => rootFromLeafHashes(RFC9162_SHA256, leaves.slice(0, n));
const inclusion = inclusionProofDocument(
  leaves[5]!,
  5,
  13,
  inclusionProof(RFC9162_SHA256, leaves, 5, 13),
  rootAt(13),
);
const consistency = consistencyProofDocument(
  6,
  13,
  consistencyProof(RFC9162_SHA256, leaves, 6, 13),
  rootAt(6),
  rootAt(13),
);

let dir: string;
async function file(name: string, content: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'govx-proof-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('govx proof verify', () => {
  it('prints help after npm ci, with no build step by hand', async () => {
    const run = await govx('--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/proof/);
  });

  it('exits 0 for a valid inclusion proof and a valid consistency proof', async () => {
    const a = await govx('proof', 'verify', await file('inc.json', inclusion));
    expect(a).toMatchObject({ code: 0 });
    expect(a.stdout).toMatch(/verified: inclusion of leaf 5 in a tree of 13/);
    const b = await govx('proof', 'verify', '--json', await file('con.json', consistency));
    expect(b.code).toBe(0);
    expect(JSON.parse(b.stdout)).toEqual({ ok: true, reason: null });
  });

  it('verifies SM3 trees with --hash sm3, and not with the default', async () => {
    const sm = leaves.map((_, i) => SM3_TREE_HASHER.hashLeaf(new Uint8Array([i])));
    const doc = inclusionProofDocument(
      sm[2]!,
      2,
      13,
      inclusionProof(SM3_TREE_HASHER, sm, 2, 13),
      rootFromLeafHashes(SM3_TREE_HASHER, sm),
    );
    const path = await file('sm3.json', doc);
    expect((await govx('proof', 'verify', '--hash', 'sm3', path)).code).toBe(0);
    expect((await govx('proof', 'verify', path)).code).toBe(1);
  });

  it('exits 1 with a reason when the proof does not verify', async () => {
    const flipped = { ...inclusion, proof: [...inclusion.proof] };
    flipped.proof[1] = flipped.proof[1]!.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const run = await govx('proof', 'verify', '--json', await file('bad.json', flipped));
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout) as { ok: boolean; reason: string };
    expect(out.ok).toBe(false);
    expect(out.reason).toMatch(/root-mismatch/);
    const wrongRoot = { ...consistency, root1: consistency.root2 };
    expect((await govx('proof', 'verify', await file('bad2.json', wrongRoot))).code).toBe(1);
    const short = { ...inclusion, proof: inclusion.proof.slice(1) };
    expect((await govx('proof', 'verify', await file('bad3.json', short))).code).toBe(1);
  });

  it.each([
    ['not JSON', '{"type":', /not JSON/],
    ['an unknown type', { ...inclusion, type: 'audit' }, /"type" must be/],
    ['malformed hex', { ...inclusion, root: 'xyz' }, /"root" must be lowercase hex/],
    ['uppercase hex', { ...inclusion, root: inclusion.root.toUpperCase() }, /lowercase hex/],
    [
      'a short hash',
      { ...inclusion, leafHash: inclusion.leafHash.slice(2) },
      /"leafHash" must be 32 bytes/,
    ],
    ['index ≥ size', { ...inclusion, index: 13 }, /"index" 13 must be less than "treeSize" 13/],
    ['a negative index', { ...inclusion, index: -1 }, /"index" must be a non-negative integer/],
    [
      'a fractional size',
      { ...inclusion, treeSize: 1.5 },
      /"treeSize" must be a non-negative integer/,
    ],
    ['size1 > size2', { ...consistency, size1: 14 }, /"size1" 14 must not exceed "size2" 13/],
    [
      'a missing field',
      { type: 'consistency', size1: 1, size2: 2, proof: [], root1: consistency.root1 },
      /missing field "root2"/,
    ],
    ['an unknown field', { ...inclusion, extra: 1 }, /unknown field\(s\): extra/],
    ['a proof that is not an array', { ...inclusion, proof: 'abc' }, /"proof" must be an array/],
    [
      'a bad proof element',
      { ...inclusion, proof: [inclusion.proof[0], 7] },
      /"proof\[1\]" must be a hex string/,
    ],
  ])('exits 2 with a clear message for %s', async (_what, content, message) => {
    const path = await file('malformed.json', content);
    const human = await govx('proof', 'verify', path);
    expect(human.code).toBe(2);
    expect(human.stderr).toMatch(message);
    expect(human.stderr).not.toMatch(/\n\s+at /); // never a stack trace
    const json = await govx('proof', 'verify', '--json', path);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(message),
    });
  });

  it('exits 2 for a missing file and for bad usage', async () => {
    const missing = await govx('proof', 'verify', join(dir, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.json: ENOENT/);
    expect((await govx('proof', 'verify')).code).toBe(2);
    expect((await govx('proof', 'verify', '--hash', 'md5', 'x')).code).toBe(2);
  });
});
