// `govx audit report` as an auditor runs it: the built CLI on an export file, the page opened
// in Chromium: it draws without error, fetches nothing, and says what the verification found.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  exportCheckpointLine,
  exportEndLine,
  exportEntryLine,
  exportHeaderLine,
} from '@govx/audit';
import { getSuite } from '@govx/crypto';
import {
  createSubmission,
  formatCheckpoint,
  LogAppender,
  noteSigner,
  signNote,
  verifierKeyString,
} from '@govx/ledger-core';
import { chromium, type Browser } from 'playwright-core';
import { runGovx as govx } from './support/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const ORIGIN = 'govx.test/report';

describe('govx audit report', () => {
  let dir: string;
  let browser: Browser;
  let log: Buffer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'govx-audit-report-'));
    const key = getSuite('intl').generateSigningKey();
    const node = getSuite('intl').generateSigningKey();
    const appender = new LogAppender();
    const lines: (string | Buffer)[] = [exportHeaderLine({ origin: ORIGIN, hash: 'sha256' })];
    for (let i = 0; i < 40; i++) {
      const e = appender.append(
        createSubmission(
          { type: 'test.event', actor: 'dept/a/gateway', idem: `r-${i}`, body: { i } },
          key,
        ),
        Date.UTC(2026, 10, 25) + i,
      );
      lines.push(exportEntryLine(e.bytes, e.leafHash));
    }
    const text = formatCheckpoint({ origin: ORIGIN, size: 40, root: appender.root() });
    lines.push(exportCheckpointLine(signNote(text, [noteSigner('n1.report', node)])));
    lines.push(exportEndLine({ entries: 40, checkpoints: 1 }));
    log = Buffer.concat(lines.map((l) => (typeof l === 'string' ? Buffer.from(l) : l)));
    await writeFile(join(dir, 'log.jsonl'), log);
    await writeFile(
      join(dir, 'trust.json'),
      JSON.stringify({
        origin: ORIGIN,
        quorum: 1,
        cosigners: [{ operator: 'ops', vkey: verifierKeyString('n1.report', node.publicKey) }],
        keys: [{ actor: 'dept/a/gateway', publicKeyPem: key.publicKey.toPem() }],
      }),
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function open(file: string): Promise<{ errors: string[]; status: string }> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    page.on(
      'request',
      (r) => void (!r.url().startsWith('file:') && errors.push(`request ${r.url()}`)),
    );
    await page.goto(`file://${file}`);
    const status = (await page.textContent('.status')) ?? '';
    await page.close();
    return { errors, status };
  }

  it('writes a self-contained page that says every check holds', async () => {
    const out = join(dir, 'report.html');
    const run = await govx(
      'audit',
      'report',
      '--source',
      join(dir, 'log.jsonl'),
      '--trust',
      join(dir, 'trust.json'),
      '--out',
      out,
    );
    expect(run.code).toBe(0);
    expect(await open(out)).toEqual({ errors: [], status: 'every check holds' });
    expect(await readFile(out, 'utf8')).toContain('test.event');
  }, 60_000);

  it('says where a tampered log fails, and exits 1', async () => {
    const tampered = Buffer.from(log);
    const at = tampered.indexOf('"i":10');
    tampered[at + 5] = '9'.charCodeAt(0);
    await writeFile(join(dir, 'tampered.jsonl'), tampered);
    const out = join(dir, 'tampered.html');
    const run = await govx(
      'audit',
      'report',
      '--source',
      join(dir, 'tampered.jsonl'),
      '--trust',
      join(dir, 'trust.json'),
      '--out',
      out,
    );
    expect(run.code).toBe(1);
    const { errors, status } = await open(out);
    expect(errors).toEqual([]);
    expect(status).toMatch(/^FAILED at seq 10: leaf-mismatch/);
  }, 60_000);
});
