// docs/ledger-format.md is implementable from the page alone: an independent Python
// verifier (docs/examples/verify_log.py, standard library only) accepts the golden log and
// rejects a tampered copy.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

const root = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const SCRIPT = root('docs/examples/verify_log.py');
const LOG = root('libs/ledger-core/src/testdata/golden-log.jsonl');
const CHECKPOINT = root('libs/ledger-core/src/testdata/golden-checkpoint.txt');

function python(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('python3', [SCRIPT, ...args], (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'govx-outsider-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('an outsider verifier written from docs/ledger-format.md', () => {
  it('accepts the golden log and its checkpoint, with the same root', async () => {
    const keys = JSON.parse(
      await readFile(root('libs/ledger-core/src/testdata/golden-keys.json'), 'utf8'),
    ) as { root: string };
    const run = await python(LOG, CHECKPOINT);
    expect(run.stderr).toBe('');
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toContain(`root ${keys.root}`);
  });

  it('rejects a log with one entry changed', async () => {
    const lines = (await readFile(LOG, 'utf8')).split('\n');
    lines[3] = lines[3]!.replace('"received":true', '"received":false');
    const tampered = join(dir, 'tampered.jsonl');
    await writeFile(tampered, lines.join('\n'));
    const run = await python(tampered, CHECKPOINT);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/entry 4: broken chain/);
  });
});
