// A small signed log with cosigned checkpoints and its trust document, for the audit specs,
// the tamper tests and the verify benchmark.
import { getSuite, type SigningPrivateKey } from '@govx/crypto';
import {
  createSubmission,
  formatCheckpoint,
  LogAppender,
  noteSigner,
  signNote,
  verifierKeyString,
  type Entry,
  type Submission,
} from '@govx/ledger-core';
import {
  exportCheckpointLine,
  exportEndLine,
  exportEntryLine,
  exportHeaderLine,
} from '../export-format.js';
import { parseAuditTrust, type AuditTrust } from '../trust.js';

export const ORIGIN = 'govx.test/audit';

export interface Actor {
  readonly actor: string;
  readonly key: SigningPrivateKey;
}

export const departments: readonly Actor[] = [
  { actor: 'dept/land/gateway', key: getSuite('intl').generateSigningKey() },
  { actor: 'dept/tax/gateway', key: getSuite('sm').generateSigningKey() },
  { actor: 'dept/police/gateway', key: getSuite('intl').generateSigningKey() },
];

export const nodes = ['land', 'tax', 'police'].map((operator, i) => ({
  operator,
  name: `ledger-${i + 1}.govx.test`,
  key: getSuite('intl').generateSigningKey(),
}));

/** The trust document an auditor would be given for the fixture log. */
export function trustDocument(origin = ORIGIN): Record<string, unknown> {
  return {
    origin,
    hash: 'sha256',
    quorum: 2,
    cosigners: nodes.map((n) => ({
      operator: n.operator,
      vkey: verifierKeyString(n.name, n.key.publicKey),
    })),
    keys: departments.map((d) => ({ actor: d.actor, publicKeyPem: d.key.publicKey.toPem() })),
  };
}

export const trust: AuditTrust = parseAuditTrust(trustDocument());

export interface FixtureLog {
  readonly entries: Entry[];
  /** Final checkpoints, ascending by size. */
  readonly checkpoints: { readonly size: number; readonly note: string }[];
}

/** A checkpoint note over the appender's current tree, signed by nodes 0 and 1. */
export function cosign(appender: LogAppender, origin = ORIGIN): string {
  const text = formatCheckpoint({ origin, size: appender.size, root: appender.root() });
  return signNote(
    text,
    [0, 1].map((i) => noteSigner(nodes[i]!.name, nodes[i]!.key)),
  );
}

export function submission(i: number, by = i % departments.length): Submission {
  const d = departments[by]!;
  return createSubmission(
    {
      type: 'test.event',
      actor: d.actor,
      idem: `audit-${i}`,
      body: { requestId: `r-${i}`, purpose: 'audit fixture', fields: ['status', 'year'] },
    },
    d.key,
  );
}

/** n entries with a final checkpoint every `every` entries and one at the end. */
export function buildLog(n: number, every = 16): FixtureLog {
  const appender = new LogAppender();
  const entries: Entry[] = [];
  const checkpoints: { size: number; note: string }[] = [];
  for (let i = 0; i < n; i++) {
    entries.push(appender.append(submission(i), Date.UTC(2026, 10, 25, 8, 0, 0, i)));
    if ((i + 1) % every === 0 || i === n - 1)
      checkpoints.push({ size: appender.size, note: cosign(appender) });
  }
  return { entries, checkpoints };
}

/** The export file of a fixture log. */
export function exportBytes(log: FixtureLog, origin = ORIGIN): Buffer {
  const parts: (string | Buffer)[] = [exportHeaderLine({ origin, hash: 'sha256' })];
  let c = 0;
  for (const [i, e] of log.entries.entries()) {
    while (c < log.checkpoints.length && log.checkpoints[c]!.size === i)
      parts.push(exportCheckpointLine(log.checkpoints[c++]!.note));
    parts.push(exportEntryLine(e.bytes, e.leafHash));
  }
  while (c < log.checkpoints.length) parts.push(exportCheckpointLine(log.checkpoints[c++]!.note));
  parts.push(exportEndLine({ entries: log.entries.length, checkpoints: log.checkpoints.length }));
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
}
