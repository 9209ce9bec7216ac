import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { getSuite } from '@govx/crypto';
import {
  KeystoreError,
  openPrivateKey,
  readSigningKeyFile,
  sealPrivateKey,
  writeKeyFile,
} from './keystore.js';

const dir = mkdtempSync(join(tmpdir(), 'govx-access-keystore-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cheap = { N: 2 ** 10, r: 8, p: 1 };
const PASS = 'a long passphrase';

describe(sealPrivateKey.name, () => {
  it('round-trips Ed25519 and SM2 keys through a keystore file', () => {
    for (const suite of ['intl', 'sm'] as const) {
      const key = getSuite(suite).generateSigningKey();
      const path = join(dir, `${suite}.json`);
      writeKeyFile(path, sealPrivateKey(key.toPem(), PASS, cheap));
      expect(readSigningKeyFile(path, PASS).publicKey.keyId).toBe(key.publicKey.keyId);
      expect(() => readSigningKeyFile(path, 'another passphrase')).toThrow(KeystoreError);
      expect(() => readSigningKeyFile(path)).toThrow('needs its passphrase');
    }
  });

  it('refuses a changed keystore, and keeps the PEM out of it', () => {
    const pem = getSuite('intl').generateSigningKey().toPem();
    const file = sealPrivateKey(pem, PASS, cheap);
    expect(JSON.stringify(file)).not.toContain('PRIVATE');
    const c = file.ciphertext;
    const flipped = { ...file, ciphertext: `${c[0] === 'A' ? 'B' : 'A'}${c.slice(1)}` };
    expect(() => openPrivateKey(flipped, PASS)).toThrow(KeystoreError);
    expect(() => openPrivateKey({ ...file, N: 2 ** 30 }, PASS)).toThrow('not a govx keystore');
    expect(openPrivateKey(file, PASS)).toBe(pem);
  });

  it('refuses key files others can read', () => {
    const path = join(dir, 'plain.pem');
    writeKeyFile(path, getSuite('intl').generateSigningKey().toPem());
    expect(readSigningKeyFile(path).publicKey.algorithm).toBe('ed25519');
    chmodSync(path, 0o644);
    expect(() => readSigningKeyFile(path)).toThrow('permissions must be 0600, not 644');
    expect(() => sealPrivateKey('x', PASS)).toThrow(TypeError);
    expect(() => sealPrivateKey(getSuite('intl').generateSigningKey().toPem(), 'short')).toThrow(
      'passphrase',
    );
  });
});
