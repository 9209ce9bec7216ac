// The built govx CLI run as an outsider runs it: a child process, its exit code and output.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const GOVX_BIN = fileURLToPath(new URL('../../apps/cli/bin/govx.js', import.meta.url));

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `govx …args` to its end; never rejects (a failing exit is `code`). */
export function runGovx(...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [GOVX_BIN, ...args], (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}
