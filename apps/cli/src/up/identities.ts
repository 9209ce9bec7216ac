// The platform's actors on one machine and their keys: PKCS#8 PEM files (0600) under
// <dir>/keys, created on the first start and reused after. The bootstrap admin is the
// ledger's first key (configuration); it registers every other key by a `key.register`
// entry, so that the ledger and auditors learn them from the log.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LedgerClient, LedgerReceipt } from '@govx/bus';
import {
  getSuite,
  importEncryptionPublicKey,
  importSigningPrivateKey,
  importSigningPublicKey,
  type EncryptionPublicKey,
  type SigningPrivateKey,
} from '@govx/crypto';
import { createSubmission, KeyEntryType, type Role } from '@govx/ledger-core';
import { writeSecretFile } from './secret-file.js';

export interface Identity {
  readonly actor: string;
  readonly roles: readonly Role[];
  readonly department?: string;
  readonly key: SigningPrivateKey;
  readonly keyFile: string;
}

/** A key that is not a signing key of its own identity, e.g. a gateway's encryption key. */
export interface ExtraKey {
  readonly actor: string;
  readonly roles: readonly Role[];
  readonly department?: string;
  readonly publicKey: EncryptionPublicKey;
}

export const BOOTSTRAP_ADMIN = 'gov/admin/bootstrap';
export const POLICY_ENGINE = 'gov/policy-engine';

/** The signing key in `<dir>/<name>.key.pem`, created (0600) when missing. */
export function signingKeyFile(
  dir: string,
  name: string,
): { key: SigningPrivateKey; file: string } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${name}.key.pem`);
  if (!existsSync(file)) {
    writeSecretFile(file, getSuite('intl').generateSigningKey().toPem());
  }
  return { key: importSigningPrivateKey(readFileSync(file, 'utf8')), file };
}

export function identity(
  dir: string,
  actor: string,
  roles: readonly Role[],
  department?: string,
): Identity {
  const { key, file } = signingKeyFile(dir, actor.replaceAll('/', '_'));
  return { actor, roles, ...(department ? { department } : {}), key, keyFile: file };
}

/** Public keys (PEM) that `key.register` entries of the log registered, read from a node. */
export async function registeredKeys(ledgerUrl: string): Promise<Set<string>> {
  const found = new Set<string>();
  for (let after: number | null = null; ;) {
    const page = after === null ? '' : `&after=${after}`;
    const res = await fetch(`${ledgerUrl}/entries?type=key.register&limit=1000${page}`);
    if (!res.ok)
      throw new Error(`${ledgerUrl}/entries answered ${res.status}: ${await res.text()}`);
    const { entries } = (await res.json()) as {
      entries: { seq: number; entry: { body: { publicKey: string } } }[];
    };
    for (const e of entries) found.add(e.entry.body.publicKey);
    if (entries.length < 1000) return found;
    after = entries[entries.length - 1]!.seq;
  }
}

/** A `key.register` entry's body as the bootstrap step submits it (public data only). */
export interface KeyRegistration {
  readonly actor: string;
  readonly roles: readonly Role[];
  readonly department?: string;
  readonly use: 'sign' | 'encrypt';
  /** SPKI PEM. */
  readonly publicKey: string;
}

/** The registration of an identity's signing key or of an extra (encryption) key. */
export function keyRegistration(k: Identity | ExtraKey): KeyRegistration {
  const isSigning = 'key' in k;
  return {
    actor: k.actor,
    roles: [...k.roles],
    ...(k.department ? { department: k.department } : {}),
    use: isSigning ? 'sign' : 'encrypt',
    publicKey: (isSigning ? k.key.publicKey : k.publicKey).toPem(),
  };
}

export interface RegisterKeysResult {
  readonly registered: readonly LedgerReceipt[];
  /** Keys the log had already. */
  readonly present: number;
}

/**
 * Registers each key not yet registered with a `key.register` entry signed by the admin
 * (idempotency key derived from the key id). A second run registers nothing again.
 */
export async function registerKeys(
  ledger: LedgerClient,
  ledgerUrl: string,
  admin: Identity,
  keys: readonly KeyRegistration[],
): Promise<RegisterKeysResult> {
  const known = await registeredKeys(ledgerUrl);
  const missing = keys.filter((k) => !known.has(k.publicKey));
  const registered: LedgerReceipt[] = [];
  for (const k of missing) {
    const publicKey =
      k.use === 'sign'
        ? importSigningPublicKey(k.publicKey)
        : importEncryptionPublicKey(k.publicKey);
    const submission = createSubmission(
      {
        type: KeyEntryType.Register,
        actor: admin.actor,
        idem: `govx-up/key.register/${publicKey.keyId}`,
        body: {
          actor: k.actor,
          publicKey: publicKey.toPem(),
          use: k.use,
          roles: [...k.roles],
          ...(k.department ? { department: k.department } : {}),
        },
      },
      admin.key,
    );
    registered.push(await ledger.submit(submission));
  }
  return { registered, present: keys.length - missing.length };
}
