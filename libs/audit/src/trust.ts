// What an auditor trusts, given once: the log's origin and hash, the ledger nodes' checkpoint
// keys with their operators and the quorum, and the bootstrap entry-signing keys. Read from
// an audit trust file or from a ledger node's configuration (only its public members).
import {
  KeyRegistry,
  KeyRuleError,
  parseVerifierKey,
  type BootstrapKey,
  type CheckpointPolicy,
  type TreeHashName,
} from '@govx/ledger-core';
import { TrustConfigError } from './errors.js';

export interface AuditTrust {
  readonly origin: string;
  readonly hash: TreeHashName;
  readonly checkpointPolicy: CheckpointPolicy;
  /** Keys valid from seq 0 (the ledger's configuration); key.* entries add to them. */
  readonly bootstrap: readonly BootstrapKey[];
}

type Json = Record<string, unknown>;

function member(obj: Json, name: string, field: string): unknown {
  const v = obj[name];
  if (v === undefined) throw new TrustConfigError(field, 'missing');
  return v;
}

function str(obj: Json, name: string, field: string): string {
  const v = member(obj, name, field);
  if (typeof v !== 'string' || v.length === 0)
    throw new TrustConfigError(field, 'expected a non-empty string');
  return v;
}

function arr(obj: Json, name: string, field: string): Json[] {
  const v = member(obj, name, field);
  if (!Array.isArray(v)) throw new TrustConfigError(field, 'expected an array');
  return v.map((x, i) => {
    if (typeof x !== 'object' || x === null || Array.isArray(x))
      throw new TrustConfigError(`${field}[${i}]`, 'expected an object');
    return x as Json;
  });
}

/**
 * Parses a trust document. Accepted shapes:
 * - audit trust: `{origin, hash?, quorum, cosigners: [{operator, vkey}], keys: [BootstrapKey]}`
 *   (`keys[]`: `{actor, publicKeyPem, use?, roles?, department?}`, as the ledger nodes'),
 * - a ledger node configuration: `origin`, `hash`, `cluster.quorum`, `cluster.nodes[]`, `keys[]`
 *   (its private members, e.g. `node.keyFile`, are not read).
 */
export function parseAuditTrust(value: unknown): AuditTrust {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TrustConfigError('(trust)', 'expected a JSON object');
  const doc = value as Json;
  const origin = str(doc, 'origin', 'origin');
  const hash = doc['hash'] ?? 'sha256';
  if (hash !== 'sha256' && hash !== 'sm3')
    throw new TrustConfigError('hash', `expected sha256 or sm3, got ${JSON.stringify(hash)}`);
  const cluster = doc['cluster'];
  const isNodeConfig = typeof cluster === 'object' && cluster !== null;
  const base = isNodeConfig ? (cluster as Json) : doc;
  const prefix = isNodeConfig ? 'cluster.' : '';
  const quorum = member(base, 'quorum', `${prefix}quorum`);
  if (!Number.isSafeInteger(quorum) || (quorum as number) < 1)
    throw new TrustConfigError(`${prefix}quorum`, 'expected a positive integer');
  const listName = isNodeConfig ? 'nodes' : 'cosigners';
  const cosigners = arr(base, listName, `${prefix}${listName}`).map((c, i) => {
    const field = `${prefix}${listName}[${i}]`;
    const vkey = str(c, 'vkey', `${field}.vkey`);
    try {
      return {
        operator: str(c, 'operator', `${field}.operator`),
        verifier: parseVerifierKey(vkey),
      };
    } catch (e) {
      if (e instanceof TrustConfigError) throw e;
      throw new TrustConfigError(`${field}.vkey`, (e as Error).message);
    }
  });
  const bootstrap = arr(doc, 'keys', 'keys') as unknown as BootstrapKey[];
  try {
    new KeyRegistry(bootstrap);
  } catch (e) {
    if (e instanceof KeyRuleError) throw new TrustConfigError(`keys${e.field ?? ''}`, e.message);
    throw new TrustConfigError('keys', (e as Error).message);
  }
  return {
    origin,
    hash,
    checkpointPolicy: { origin, quorum: quorum as number, cosigners },
    bootstrap,
  };
}
