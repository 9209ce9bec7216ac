// Every single-byte change to an exported file is detected, at the right first bad seq.
import { describe, expect, it } from '@jest/globals';
import { AuditInputError } from './errors.js';
import { readExport } from './export-format.js';
import { auditLog, type AuditVerdict } from './log-auditor.js';
import { buildLog, exportBytes, trust } from './testonly/audit-fixture.js';

/** Deterministic PRNG (mulberry32), so a failure names a reproducible change. */
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

async function audit(bytes: Uint8Array): Promise<AuditVerdict | AuditInputError> {
  try {
    return await auditLog(
      readExport([bytes], 'log.jsonl', () => undefined),
      trust,
    );
  } catch (e) {
    if (e instanceof AuditInputError) return e;
    throw e;
  }
}

/** What each line of the export is: header, entry k, a checkpoint before entry k, end. */
function lineRoles(file: Buffer): { start: number; end: number; seq: number | null }[] {
  const roles: { start: number; end: number; seq: number | null }[] = [];
  let start = 0;
  let position = 0;
  while (start < file.length) {
    const end = file.indexOf(0x0a, start);
    const text = file.subarray(start, end).toString('latin1');
    let seq: number | null = null;
    if (text.startsWith('{"leaf":')) seq = position++;
    else if (text.startsWith('{"checkpoint":')) seq = position;
    roles.push({ start, end: end + 1, seq });
    start = end + 1;
  }
  return roles;
}

describe('export tampering', () => {
  const log = buildLog(40, 8);
  const file = exportBytes(log);

  it('verifies the untouched export', async () => {
    const verdict = await audit(file);
    expect(verdict).toMatchObject({
      ok: true,
      entries: 40,
      size: 40,
      checkpoints: 5,
      firstBad: null,
    });
  });

  it('detects 1,200 random single-byte changes, each at the right first bad seq', async () => {
    const random = prng(8);
    const roles = lineRoles(file);
    let counted = 0;
    for (let i = 0; i < 1200; i++) {
      const at = Math.floor(random() * file.length);
      const old = file[at]!;
      const value = (old + 1 + Math.floor(random() * 255)) % 256;
      const copy = Buffer.from(file);
      copy[at] = value;
      const role = roles.find((r) => at >= r.start && at < r.end)!;
      const verdict = await audit(copy);
      const label = `byte ${at} ${old}→${value}`;
      if (verdict instanceof AuditInputError) {
        expect([label, role.seq]).toEqual([label, null]);
      } else {
        expect([label, verdict.ok]).toEqual([label, false]);
        if (role.seq !== null) expect([label, verdict.firstBad?.seq]).toEqual([label, role.seq]);
      }
      counted++;
    }
    expect(counted).toBe(1200);
  }, 300_000);
});
