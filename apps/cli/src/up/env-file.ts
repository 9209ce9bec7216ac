// A process's settings as a file of `NAME='value'` lines: what the governance service reads
// from its environment, kept in a 0600 file instead of a command line or an image. The same
// file is read by `govx up` (readEnvFile) and sourced by `sh` in its container (`set -a; .`).
import { readFileSync } from 'node:fs';
import { writeSecretFile } from './secret-file.js';

const NAME = /^[A-Z_][A-Z0-9_]*$/;

/** Thrown for a name or value the format cannot hold, or a malformed file. */
export class EnvFileError extends Error {
  override readonly name = 'EnvFileError';
}

/**
 * Writes `vars` (mode 0600), each value in single quotes (POSIX sh: taken literally, newlines
 * included). A value MUST NOT contain a single quote.
 */
export function writeEnvFile(
  path: string,
  vars: Readonly<Record<string, string>>,
  header: string,
): void {
  const lines = [`# ${header}`];
  for (const [name, value] of Object.entries(vars)) {
    if (!NAME.test(name))
      throw new EnvFileError(`${path}: bad variable name ${JSON.stringify(name)}`);
    if (value.includes("'"))
      throw new EnvFileError(`${path}: the value of ${name} holds a single quote`);
    lines.push(`${name}='${value}'`);
  }
  writeSecretFile(path, `${lines.join('\n')}\n`);
}

/** Reads a file written by writeEnvFile. */
export function readEnvFile(path: string): Record<string, string> {
  const text = readFileSync(path, 'utf8');
  const out: Record<string, string> = {};
  const re = /^([A-Z_][A-Z0-9_]*)='([^']*)'$/gm;
  let consumed = text.replace(re, (_, name: string, value: string) => {
    out[name] = value;
    return '';
  });
  consumed = consumed.replace(/^#.*$/gm, '').trim();
  if (consumed !== '')
    throw new EnvFileError(
      `${path}: not NAME='value' lines: ${JSON.stringify(consumed.slice(0, 40))}`,
    );
  return out;
}
