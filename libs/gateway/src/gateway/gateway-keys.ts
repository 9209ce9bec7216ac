// The department's signing and encryption keys: PKCS#8 PEM files, mode 0600, created on
// first start when missing. A file readable by group or others is refused.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  getSuite,
  importEncryptionPrivateKey,
  importSigningPrivateKey,
  type EncryptionPrivateKey,
  type SigningPrivateKey,
  type SuiteId,
} from '@govx/crypto';

export interface GatewayKeys {
  readonly signing: SigningPrivateKey;
  readonly encryption: EncryptionPrivateKey;
}

export class KeyFileError extends Error {
  override readonly name = 'KeyFileError';
}

function readOrCreate(path: string, create: () => string): string {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, create(), { mode: 0o600, flag: 'wx' });
  }
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new KeyFileError(`${path}: key file mode ${mode.toString(8)}, expected 600`);
  }
  return readFileSync(path, 'utf8');
}

/** Loads both keys, creating missing files with fresh keys of `suite`. */
export function loadGatewayKeys(
  suite: SuiteId,
  files: { readonly signingKeyFile: string; readonly encryptionKeyFile: string },
): GatewayKeys {
  const s = getSuite(suite);
  const signing = importSigningPrivateKey(
    readOrCreate(files.signingKeyFile, () => s.generateSigningKey().toPem()),
  );
  const encryption = importEncryptionPrivateKey(
    readOrCreate(files.encryptionKeyFile, () => s.generateEncryptionKey().toPem()),
  );
  if (signing.publicKey.algorithm !== s.signatureAlgorithm) {
    throw new KeyFileError(`${files.signingKeyFile}: not a ${suite} signing key`);
  }
  if (encryption.publicKey.algorithm !== s.encryptionAlgorithm) {
    throw new KeyFileError(`${files.encryptionKeyFile}: not a ${suite} encryption key`);
  }
  return { signing, encryption };
}

/** The office key (`dept/<department>/office`), created when missing like the others. */
export function loadOfficeKey(suite: SuiteId, file: string): SigningPrivateKey {
  const key = importSigningPrivateKey(
    readOrCreate(file, () => getSuite(suite).generateSigningKey().toPem()),
  );
  if (key.publicKey.algorithm !== getSuite(suite).signatureAlgorithm) {
    throw new KeyFileError(`${file}: not a ${suite} signing key`);
  }
  return key;
}
