// The console's browser-side checks, run in Debian's headless Chromium and compared with the
// Node reference implementations in @govx/ledger-core: RFC 9162 inclusion (every index of
// trees up to 70 leaves, and tampered proofs), RFC 8785 against the `canonicalize` package
// (fast-check), submissions signed in the browser verified by ledger-core, checkpoint notes
// signed by ledger-core (signatures and cosignatures v1) verified in the browser, and pasted
// receipts fuzzed (a TypeError naming the field, nothing else).
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { getSuite, toHex } from '@govx/crypto';
import {
  inclusionProof,
  noteSigner,
  RFC9162_SHA256,
  rootFromLeafHashes,
  signNote,
  verifierKeyString,
  verifySubmissionSignature,
  type Submission,
} from '@govx/ledger-core';

const DIST = fileURLToPath(new URL('../apps/console/dist/', import.meta.url));
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- values crossing into the page
type Json = any;

describe('console checks in the browser (e2e, Chromium)', () => {
  let dir: string;
  let server: Server;
  let browser: BrowserContext;
  let page: Page;

  /** Runs `fn(module, arg)` in the page with the console module `name` imported. */
  const inPage = async <T>(name: string, fn: string, arg: unknown): Promise<T> =>
    page.evaluate(
      async ([n, f, a]) => {
        const m = await import(`/js/${n}.js`);
        return (0, eval)(f)(m, a);
      },
      [name, fn, arg] as const,
    ) as Promise<T>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'govx-console-verify-'));
    server = createServer((req, res) => {
      const m = /^\/js\/([a-z0-9-]+\.js)$/.exec(req.url ?? '');
      if (req.url === '/') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>t</title>');
        return;
      }
      if (!m) return void res.writeHead(404).end();
      readFile(join(DIST, m[1]!)).then(
        (b) => res.writeHead(200, { 'content-type': 'text/javascript' }).end(b),
        () => res.writeHead(404).end(),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    browser = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_FLAGS,
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(`http://127.0.0.1:${port}/`);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('recomputes RFC 9162 inclusion roots as ledger-core does, and refuses tampered proofs', async () => {
    const leaves = Array.from({ length: 70 }, (_, i) =>
      RFC9162_SHA256.hashLeaf(new TextEncoder().encode(`leaf ${i}`)),
    );
    const cases: Json[] = [];
    for (let size = 1; size <= leaves.length; size += size < 20 ? 1 : 7) {
      const root = toHex(rootFromLeafHashes(RFC9162_SHA256, leaves.slice(0, size)));
      for (let index = 0; index < size; index++) {
        const proof = inclusionProof(RFC9162_SHA256, leaves, index, size).map(toHex);
        cases.push({ index, size, leaf: toHex(leaves[index]!), proof, root });
      }
    }
    const results = await inPage<Json[]>(
      'merkle',
      `async (m, cases) => {
        const hex = (s) => Uint8Array.from(s.match(/../g) ?? [], (b) => parseInt(b, 16));
        const toHex = (u) => u === null ? null : [...u].map((b) => b.toString(16).padStart(2, '0')).join('');
        const root = async (c, i, s, leaf, proof) =>
          toHex(await m.rootFromInclusionProof(i, s, hex(leaf), proof.map(hex)));
        const out = [];
        for (const c of cases) {
          const flipped = (c.leaf[0] === '0' ? '1' : '0') + c.leaf.slice(1);
          out.push({
            good: (await root(c, c.index, c.size, c.leaf, c.proof)) === c.root,
            forged: (await root(c, c.index, c.size, flipped, c.proof)) === c.root,
            otherIndex: c.size > 1 && (await root(c, (c.index + 1) % c.size, c.size, c.leaf, c.proof)) === c.root,
            short: c.proof.length > 0 && (await root(c, c.index, c.size, c.leaf, c.proof.slice(1))) === c.root,
            long: (await root(c, c.index, c.size, c.leaf, [...c.proof, c.root])) === c.root,
            outOfRange: await root(c, c.size, c.size, c.leaf, c.proof),
          });
        }
        return out;
      }`,
      cases,
    );
    expect(results).toHaveLength(cases.length);
    for (const r of results)
      expect(r).toEqual({
        good: true,
        forged: false,
        otherIndex: false,
        short: false,
        long: false,
        outOfRange: null,
      });
  });

  it('writes RFC 8785 exactly as the canonicalize package does (fast-check)', async () => {
    const value = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.maxSafeInteger(),
        fc.string({ unit: 'binary', maxLength: 8 }),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(
          fc.string({ unit: 'binary', maxLength: 6 }).filter((k) => k !== '__proto__'),
          tie('value'),
          { maxKeys: 4 },
        ),
      ),
    })).value;
    const samples = fc.sample(value, 300);
    const browser = await inPage<string[]>(
      'jcs',
      '(m, values) => values.map((v) => m.canonicalJson(v))',
      samples,
    );
    expect(browser).toEqual(samples.map((v) => canonicalize(v)));
  });

  it('signs submissions that ledger-core verifies, with the key id of the SPKI', async () => {
    const key = getSuite('intl').generateSigningKey();
    const bodies = [
      { request: { seq: 7, leaf: 'ab'.repeat(32) }, fields: ['a', 'b'], final: true },
      { request: { seq: 0, leaf: '00'.repeat(32) }, reasons: ['不予共享 §15', 'line\nbreak'] },
      { é: { z: 1, a: [null, false, -9007199254740991] } },
    ];
    const submissions = await inPage<Submission[]>(
      'signing',
      `async (m, a) => {
        const key = await m.importOfficerKey(a.pem);
        const out = [];
        for (const [i, body] of a.bodies.entries())
          out.push(await m.createSubmission({ type: 'decision.approve', actor: 'dept/t/officer/a', idem: 'i-' + i, body }, key));
        return out;
      }`,
      { pem: key.toPem(), bodies },
    );
    for (const s of submissions) {
      expect(s.keyId).toBe(key.publicKey.keyId);
      expect(verifySubmissionSignature(s, key.publicKey)).toBe(true);
      expect(verifySubmissionSignature({ ...s, idem: 'other' }, key.publicKey)).toBe(false);
    }
    const refused = await inPage<string>(
      'signing',
      `(m, pem) => m.importOfficerKey(pem).then(() => 'accepted', (e) => e.name + ': ' + e.message)`,
      key.publicKey.toPem(),
    );
    expect(refused).toMatch(/^TypeError: key: /);
  });

  it('verifies checkpoint signatures and cosignatures made by ledger-core, and catches a forgery', async () => {
    const keys = [1, 2, 3].map(() => getSuite('intl').generateSigningKey());
    const names = ['ledger-1.test', 'ledger-2.test', 'ledger-3.test'];
    const text = `govx.test/ledger\n12\n${Buffer.alloc(32, 7).toString('base64')}\n`;
    const note = signNote(text, [
      noteSigner(names[0]!, keys[0]!),
      noteSigner(names[1]!, keys[1]!, { cosignature: true, clock: () => 1_764_000_000 }),
      noteSigner(names[2]!, keys[2]!, { cosignature: true }),
    ]);
    const vkeys = names.map((n, i) => verifierKeyString(n, keys[i]!.publicKey)).join('\n') + '\n';
    const check = (n: string, v: string): Promise<Json[]> =>
      inPage<Json[]>(
        'note',
        `async (m, a) => m.checkSignatures(m.parseCheckpoint(a.note), m.parseVerifierKeys(a.vkeys))`,
        { note: n, vkeys: v },
      );
    expect(await check(note, vkeys)).toEqual([
      { name: names[0], status: 'verified' },
      { name: names[1], status: 'verified', timestamp: 1_764_000_000 },
      expect.objectContaining({ name: names[2], status: 'verified' }),
    ]);
    const forged = note.replace('\n12\n', '\n13\n');
    expect((await check(forged, vkeys)).map((c) => c.status)).toEqual([
      'failed',
      'failed',
      'failed',
    ]);
    const onlyFirst = verifierKeyString(names[0]!, keys[0]!.publicKey) + '\n';
    expect((await check(note, onlyFirst)).map((c) => c.status)).toEqual([
      'verified',
      'unknown-key',
      'unknown-key',
    ]);
  });

  it('reads a pasted receipt or names the field it refuses (fuzz)', async () => {
    const inputs = [
      ...fc.sample(fc.string({ unit: 'binary', maxLength: 80 }), 200),
      ...fc.sample(fc.json({ maxDepth: 2 }), 200),
      ...fc
        .sample(
          fc.record({ seq: fc.anything({ maxDepth: 1 }), leafHash: fc.anything({ maxDepth: 1 }) }),
          100,
        )
        .map((r) => JSON.stringify(r) ?? ''),
      JSON.stringify({ seq: 3, leafHash: 'AB'.repeat(32) }),
      `7 ${'cd'.repeat(32)}`,
    ];
    const results = await inPage<Json[]>(
      'receipt',
      `(m, inputs) => inputs.map((t) => {
        try { return { ok: m.parseReceipt(t) }; } catch (e) { return { error: e.name, message: e.message }; }
      })`,
      inputs,
    );
    for (const r of results) {
      if (r.ok) {
        expect(Number.isSafeInteger(r.ok.seq)).toBe(true);
        expect(r.ok.leafHash).toMatch(/^[0-9a-f]{64}$/);
      } else {
        expect(r.error).toBe('TypeError');
        expect(r.message).toMatch(/^receipt(\.seq|\.leafHash)?: /);
      }
    }
    expect(results.at(-2)).toEqual({ ok: { seq: 3, leafHash: 'ab'.repeat(32) } });
    expect(results.at(-1)).toEqual({ ok: { seq: 7, leafHash: 'cd'.repeat(32) } });
  });
});
