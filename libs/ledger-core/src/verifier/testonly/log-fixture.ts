// A small signed log with cosigned checkpoints, shared by the verifier specs.
import { getSuite, type SigningPrivateKey, type SigningPublicKey } from '@govx/crypto';
import { formatCheckpoint, type CheckpointPolicy } from '../../checkpoint/checkpoint.js';
import { noteSigner, noteVerifier, signNote } from '../../checkpoint/note.js';
import { createSubmission, type Entry } from '../../entry/entry.js';
import { LogAppender } from '../../entry/log-appender.js';
import { rootFromLeafHashes, RFC9162_SHA256 } from '../../merkle/index.js';
import type { KeyResolver } from '../streaming-verifier.js';

const intl = getSuite('intl');
const sm = getSuite('sm');
export const signers: SigningPrivateKey[] = [
  intl.generateSigningKey(),
  sm.generateSigningKey(),
  intl.generateSigningKey(),
];
const keyring = new Map<string, SigningPublicKey>(
  signers.map((k) => [k.publicKey.keyId, k.publicKey]),
);
export const keys: KeyResolver = (keyId) => keyring.get(keyId);

export const nodes = ['tax', 'land', 'police'].map((operator, i) => ({
  operator,
  name: `ledger-${i + 1}.govx.test`,
  key: intl.generateSigningKey(),
}));

export const policy: CheckpointPolicy = {
  origin: 'govx.test/ledger',
  quorum: 2,
  cosigners: nodes.map((n) => ({
    operator: n.operator,
    verifier: noteVerifier(n.name, n.key.publicKey),
  })),
};

/** n entries signed in turn by the signers (Ed25519, SM2, Ed25519). */
export function buildLog(n: number): Entry[] {
  const appender = new LogAppender();
  const entries: Entry[] = [];
  for (let i = 0; i < n; i++) {
    const submission = createSubmission(
      {
        type: 'test.event',
        actor: `dept/d${i % 3}/gateway`,
        idem: `idem-${i}`,
        body: { i, note: `entry ${i}` },
      },
      signers[i % signers.length]!,
    );
    entries.push(appender.append(submission, Date.UTC(2026, 10, 25, 10, 0, 0, i)));
  }
  return entries;
}

/** A checkpoint note for the first `size` entries, signed by the nodes at `signedBy`. */
export function checkpointNote(entries: readonly Entry[], size: number, signedBy = [0, 1]): string {
  const root = rootFromLeafHashes(
    RFC9162_SHA256,
    entries.slice(0, size).map((e) => e.leafHash),
  );
  const text = formatCheckpoint({ origin: policy.origin, size, root });
  return signNote(
    text,
    signedBy.map((i) => noteSigner(nodes[i]!.name, nodes[i]!.key)),
  );
}
