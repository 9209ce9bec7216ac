// `govx audit verify / export` against a real ledger: 3 NATS servers, 3 ledger nodes, their
// PostgreSQL databases. Then, with the nodes stopped, 1,000 single-byte changes to a node's
// database rows (its append-only triggers disabled, as a superuser attacker would), each
// detected at the right first bad seq; and the bad inputs, each refused with where and what.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuditInputError, type AuditTrust } from '@govx/audit';
import { getSuite } from '@govx/crypto';
import { verifierKeyString } from '@govx/ledger-core';
import pg from 'pg';
import { verifySource } from '../apps/cli/src/audit/audit-verify.js';
import { loadTrust } from '../apps/cli/src/audit/trust-file.js';
import { runGovx as govx } from './support/cli.js';
import { POSTGRES, startHarness, waitFor, type Harness } from './support/ledger-harness.js';

const ENTRIES = 130;

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('govx audit against a ledger cluster', () => {
  let h: Harness;
  let trustFile: string;
  let trust: AuditTrust;
  let dbUrl: string;

  beforeAll(async () => {
    h = await startHarness('audit_sources');
    for (let i = 0; i < ENTRIES; i += 26) {
      const replies = await h.submitBatch(
        Array.from({ length: 26 }, (_, j) => h.submission(i + j, { n: i + j })),
      );
      expect(replies.every((r) => r.ok)).toBe(true);
    }
    await waitFor('a final checkpoint over every entry', async () => {
      const res = await fetch(`${h.ledger.nodes[0]!.url}/checkpoints/latest`);
      return res.ok && ((await res.json()) as { size: number }).size === ENTRIES;
    });
    trustFile = h.ledger.nodes[0]!.configPath;
    trust = await loadTrust(trustFile);
    dbUrl = `${POSTGRES}/${h.prefix}_1`;
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  });

  it('verifies a node database, the NATS stream and an export of each to the same root', async () => {
    const db = await govx('audit', 'verify', '--source', dbUrl, '--trust', trustFile, '--json');
    expect(db.code).toBe(0);
    const dbVerdict = JSON.parse(db.stdout) as Record<string, unknown>;
    expect(Object.keys(dbVerdict)).toEqual([
      'ok',
      'entries',
      'size',
      'root',
      'checkpoints',
      'firstBad',
      'violations',
    ]);
    expect(dbVerdict).toMatchObject({ ok: true, entries: ENTRIES, size: ENTRIES, firstBad: null });
    expect(dbVerdict['checkpoints']).toBeGreaterThanOrEqual(1);

    const nats = await govx(
      'audit',
      'verify',
      '--source',
      h.nats.urls[0]!,
      '--trust',
      trustFile,
      '--checkpoints',
      h.ledger.nodes[1]!.url,
      '--json',
    );
    expect(nats.code).toBe(0);
    expect(JSON.parse(nats.stdout)).toMatchObject({
      ok: true,
      entries: ENTRIES,
      root: dbVerdict['root'],
      checkpoints: 1,
    });

    for (const [name, source, extra] of [
      ['db.jsonl', dbUrl, []],
      ['nats.jsonl', h.nats.urls[0]!, ['--checkpoints', h.ledger.nodes[2]!.url]],
    ] as const) {
      const out = join(h.dir, name);
      const exported = await govx(
        'audit',
        'export',
        '--source',
        source,
        '--trust',
        trustFile,
        '--out',
        out,
        ...extra,
      );
      expect(exported.code).toBe(0);
      const again = await govx('audit', 'verify', '--source', out, '--trust', trustFile, '--json');
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({
        ok: true,
        entries: ENTRIES,
        root: dbVerdict['root'],
      });
    }
    const text = await govx(
      'audit',
      'verify',
      '--source',
      join(h.dir, 'db.jsonl'),
      '--trust',
      trustFile,
    );
    expect(text.stdout).toMatch(new RegExp(`^ok: ${ENTRIES} entries, root [0-9a-f]{64}`));
    expect(text.stderr).toBe(''); // not a terminal: no progress bar

    const html = join(h.dir, 'report.html');
    const report = await govx(
      'audit',
      'report',
      '--source',
      dbUrl,
      '--trust',
      trustFile,
      '--out',
      html,
    );
    expect(report.code).toBe(0);
    const page = await readFile(html, 'utf8');
    // (booleans: a failed match would print the whole inlined chart.js)
    expect(page.includes('<h2 id="compliance">')).toBe(true);
    expect(page.includes('every check holds')).toBe(true);
    expect(page.includes('window.Chart')).toBe(true);
    expect(/<script[^>]+src=|<link[^>]+href=/.test(page)).toBe(false); // self-contained
  }, 120_000);

  it('refuses bad input with exit 2 (or 1 for a wrong log), saying what and where', async () => {
    const file = join(h.dir, 'db.jsonl');
    const lines = (await readFile(file, 'utf8')).split('\n');
    const truncated = join(h.dir, 'truncated.jsonl');
    await writeFile(truncated, lines.slice(0, 60).join('\n') + '\n');
    const reordered = join(h.dir, 'reordered.jsonl');
    const swapped = [...lines];
    [swapped[20], swapped[30]] = [swapped[30]!, swapped[20]!];
    await writeFile(reordered, swapped.join('\n'));
    const other = join(h.dir, 'other-trust.json');
    await writeFile(
      other,
      JSON.stringify({
        ...JSON.parse(await readFile(trustFile, 'utf8')),
        origin: 'govx.other/ledger',
      }),
    );

    const cases: [string[], number, RegExp][] = [
      [['--source', truncated], 2, /truncated\.jsonl:60: truncated: no end line/],
      [['--source', reordered], 1, /FAILED at seq \d+: seq-gap/],
      [['--source', join(h.dir, 'missing.jsonl')], 2, /missing\.jsonl: cannot read the file/],
      [['--source', 'postgres://postgres@127.0.0.1:1/x'], 2, /127\.0\.0\.1:1\/x: cannot connect/],
      [['--source', `${POSTGRES}/postgres`], 2, /not a govx ledger database/],
      [['--source', 'nats://127.0.0.1:1'], 2, /nats:\/\/127\.0\.0\.1:1: cannot connect/],
    ];
    for (const [args, code, message] of cases) {
      const run = await govx('audit', 'verify', '--trust', trustFile, ...args);
      expect([args, run.code]).toEqual([args, code]);
      expect(run.stdout + run.stderr).toMatch(message);
    }
    // A verdict found early: the NATS reader stops in the middle of the stream, and exits.
    const keyless = join(h.dir, 'keyless-trust.json');
    await writeFile(
      keyless,
      JSON.stringify({ ...JSON.parse(await readFile(trustFile, 'utf8')), keys: [] }),
    );
    for (const workers of ['0', '2']) {
      const early = await govx(
        'audit',
        'verify',
        '--trust',
        keyless,
        '--source',
        h.nats.urls[0]!,
        '--workers',
        workers,
        '--json',
      );
      expect(early.code).toBe(1);
      expect(JSON.parse(early.stdout)).toMatchObject({
        ok: false,
        firstBad: { seq: 0, reason: 'unknown-key' },
      });
    }
    // The database of another log: its checkpoints name another origin and other nodes.
    const stranger = getSuite('intl').generateSigningKey();
    const otherNodes = join(h.dir, 'other-nodes-trust.json');
    await writeFile(
      otherNodes,
      JSON.stringify({
        origin: 'govx.other/ledger',
        quorum: 1,
        cosigners: [
          { operator: 'x', vkey: verifierKeyString('ledger-9.other', stranger.publicKey) },
        ],
        keys: (JSON.parse(await readFile(trustFile, 'utf8')) as { keys: unknown[] }).keys,
      }),
    );
    const otherDb = await govx('audit', 'verify', '--trust', otherNodes, '--source', dbUrl);
    expect(otherDb.code).toBe(2);
    expect(otherDb.stderr).toMatch(
      /ledger_checkpoints size=\d+: another log: its checkpoints are for govx\.local\/ledger/,
    );
    const otherLog = await govx('audit', 'verify', '--trust', other, '--source', file);
    expect(otherLog.code).toBe(2);
    expect(otherLog.stderr).toMatch(
      /db\.jsonl:1: another log: the export is of govx\.local\/ledger/,
    );
  }, 120_000);

  it('detects 1,000 single-byte changes to database rows, each at the right first bad seq', async () => {
    await h.ledger.stop();
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    try {
      await db.query('ALTER TABLE ledger_entries DISABLE TRIGGER USER');
      const { rows } = await db.query<{ seq: string; bytes: Buffer }>(
        'SELECT seq, bytes FROM ledger_entries ORDER BY seq',
      );
      const random = prng(20261130);
      const textColumns = ['type', 'actor', 'key_id', 'idem'] as const;
      let detected = 0;
      for (let i = 0; i < 1000; i++) {
        const seq = Math.floor(random() * rows.length);
        const pick = random();
        const column =
          pick < 0.7 ? 'bytes' : pick < 0.8 ? 'leaf_hash' : textColumns[Math.floor(random() * 4)]!;
        const before = await db.query<Record<string, Buffer | string>>(
          `SELECT ${column} AS v FROM ledger_entries WHERE seq = $1`,
          [seq],
        );
        const original = before.rows[0]!['v']!;
        const at = Math.floor(random() * original.length);
        let changed: Buffer | string;
        if (Buffer.isBuffer(original)) {
          changed = Buffer.from(original);
          changed[at] = (original[at]! + 1 + Math.floor(random() * 255)) % 256;
        } else {
          const code = original.charCodeAt(at);
          const next = 0x21 + ((code - 0x21 + 1 + Math.floor(random() * 93)) % 94);
          changed = original.slice(0, at) + String.fromCharCode(next) + original.slice(at + 1);
        }
        await db.query(`UPDATE ledger_entries SET ${column} = $1 WHERE seq = $2`, [changed, seq]);
        try {
          const verdict = await verifySource({ source: dbUrl, trust, progress: false, workers: 0 });
          const label = `seq ${seq} ${column}[${at}]`;
          expect([label, verdict.ok, verdict.firstBad?.seq]).toEqual([label, false, seq]);
          detected++;
        } finally {
          await db.query(`UPDATE ledger_entries SET ${column} = $1 WHERE seq = $2`, [
            original,
            seq,
          ]);
        }
      }
      expect(detected).toBe(1000);
      const clean = await verifySource({ source: dbUrl, trust, progress: false, workers: 0 });
      expect(clean).toMatchObject({ ok: true, entries: ENTRIES });
      // A deleted row: the entries after it no longer follow.
      await db.query('DELETE FROM ledger_entries WHERE seq = 77');
      const gap = await verifySource({ source: dbUrl, trust, progress: false, workers: 0 });
      expect(gap.firstBad).toMatchObject({ seq: 77, reason: 'seq-gap' });
    } finally {
      await db.end();
    }
    await expect(
      verifySource({ source: `${POSTGRES}/${h.prefix}_none`, trust, progress: false }),
    ).rejects.toBeInstanceOf(AuditInputError);
  }, 600_000);
});
