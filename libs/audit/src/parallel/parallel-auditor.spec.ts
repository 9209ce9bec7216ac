import { describe, expect, it } from '@jest/globals';
import { readExport } from '../export-format.js';
import { auditLog } from '../log-auditor.js';
import { buildLog, exportBytes, trust } from '../testonly/audit-fixture.js';
import { auditLogParallel } from './parallel-auditor.js';

const open = (file: Uint8Array) => () => readExport([file], 'log.jsonl', () => undefined);

describe(auditLogParallel.name, () => {
  const log = buildLog(300, 50);
  const file = exportBytes(log);

  it.each([0, 2])('gives the streaming verdict for a good log (%i workers)', async (workers) => {
    const streaming = await auditLog(open(file)(), trust);
    const parallel = await auditLogParallel(open(file), trust, { workers, batchLevel: 4 });
    expect(parallel).toEqual(streaming);
    expect(parallel).toMatchObject({ ok: true, entries: 300, checkpoints: 6 });
  });

  it('gives the streaming verdict for 60 tampered copies', async () => {
    let seed = 7;
    for (let i = 0; i < 60; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const at = 80 + (seed % (file.length - 200));
      const copy = Buffer.from(file);
      copy[at] = (copy[at]! + 1 + (seed % 200)) % 256;
      const streaming = await auditLog(open(copy)(), trust).catch((e: Error) => e.message);
      const parallel = await auditLogParallel(open(copy), trust, {
        workers: 0,
        batchLevel: 3,
      }).catch((e: Error) => e.message);
      expect([at, parallel]).toEqual([at, streaming]);
      if (typeof parallel !== 'string') expect(parallel.ok).toBe(false);
    }
  });

  it('finds a log cut before its last checkpoint', async () => {
    const cut = exportBytes({ entries: log.entries.slice(0, 290), checkpoints: log.checkpoints });
    const verdict = await auditLogParallel(open(cut), trust, { workers: 0 });
    expect(verdict.firstBad).toMatchObject({ seq: 290, reason: 'seq-gap' });
  });
});
