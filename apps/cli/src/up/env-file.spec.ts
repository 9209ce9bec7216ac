import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { EnvFileError, readEnvFile, writeEnvFile } from './env-file.js';

const dir = mkdtempSync(join(tmpdir(), 'govx-env-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeEnvFile()', () => {
  it("writes NAME='value' lines (0600) that readEnvFile reads back, multi-line values included", () => {
    const file = join(dir, 'a.env');
    const vars = {
      GOVX_PEM: '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----\n',
      GOVX_URL: 'postgres://u:p@postgres:5432/db',
      GOVX_EMPTY: '',
      GOVX_DOLLAR: '$HOME `x` "y"',
    };
    writeEnvFile(file, vars, 'test');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe('# test');
    expect(readEnvFile(file)).toEqual(vars);
  });

  it('refuses a value with a single quote and a bad name, writing nothing', () => {
    const file = join(dir, 'b.env');
    expect(() => writeEnvFile(file, { GOVX_A: "it's" }, 'x')).toThrow(EnvFileError);
    expect(() => writeEnvFile(file, { 'bad-name': 'v' }, 'x')).toThrow(/bad variable name/);
    expect(() => statSync(file)).toThrow(/ENOENT/);
  });
});

describe('readEnvFile()', () => {
  it("refuses lines that are not NAME='value'", () => {
    const file = join(dir, 'c.env');
    writeFileSync(file, "# ok\nGOVX_A='1'\nGOVX_B=2\n");
    expect(() => readEnvFile(file)).toThrow(/not NAME='value' lines: "GOVX_B=2"/);
  });
});
