// Re-creates the ledger stream from one node's database after a total loss of the NATS
// store. The database's log is verified first, in full (canonical form, chain, signatures,
// and the root at every final checkpoint against its cosignatures); only then are its
// entries republished, in order, each append conditional as always. A stream that already
// holds a prefix of the log (an interrupted rebuild) is checked byte for byte and continued.
import {
  connectBus,
  ensureLedgerStream,
  lastStreamSeq,
  publishEntries,
  readStreamMessage,
} from '@govx/bus';
import { equalBytes } from '@govx/crypto';
import {
  decodeEntry,
  isKeyEntryType,
  KeyRegistry,
  KeyRuleError,
  parseVerifierKey,
  StreamingVerifier,
  treeHasher,
  type CheckpointPolicy,
} from '@govx/ledger-core';
import { LedgerStore, type StoredCheckpoint } from '@govx/persistence';
import { jetstream } from '@nats-io/jetstream';
import type { LedgerNodeConfig } from '../config/ledger-node.config.js';
import { submissionMsgId } from '../sequencer/sequencer.js';

export interface RebuildReport {
  readonly entries: number;
  readonly root: string;
  /** Size of the last final checkpoint the log was verified against. */
  readonly checkpointSize: number;
  readonly alreadyInStream: number;
  readonly republished: number;
}

export class RebuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RebuildError';
  }
}

const PAGE = 1000;

async function allFinalCheckpoints(store: LedgerStore): Promise<StoredCheckpoint[]> {
  const out: StoredCheckpoint[] = [];
  for (let after = 0; ;) {
    const page = await store.checkpoints(after, PAGE);
    out.push(...page.filter((c) => c.final));
    if (page.length < PAGE) return out;
    after = page.at(-1)!.size;
  }
}

export async function rebuildStreamFromDatabase(
  config: LedgerNodeConfig,
  progress: (line: string) => void = () => undefined,
): Promise<RebuildReport> {
  const policy: CheckpointPolicy = {
    origin: config.origin,
    quorum: config.cluster.quorum,
    cosigners: config.cluster.nodes.map((n) => ({
      operator: n.operator,
      verifier: parseVerifierKey(n.vkey),
    })),
  };
  const registry = new KeyRegistry(config.keys);
  const hasher = treeHasher(config.hash);
  const store = await LedgerStore.open({
    url: config.database.url,
    createDatabase: false,
    hash: config.hash,
  });
  try {
    const state = await store.state();
    const checkpoints = await allFinalCheckpoints(store);
    if (checkpoints.length === 0)
      throw new RebuildError('the database holds no final checkpoint to verify its log against');
    progress(`verifying ${state.size} entries against ${checkpoints.length} final checkpoints…`);
    const verifier = new StreamingVerifier({
      keys: registry.resolve,
      checkpointPolicy: policy,
      hasher,
      maxEntryBytes: config.limits.maxEntryBytes,
    });
    let next = 0;
    for (let from = 0; from < state.size; from += PAGE) {
      for (const entry of await store.range(from, PAGE)) {
        while (next < checkpoints.length && checkpoints[next]!.size <= entry.seq)
          verifier.pushCheckpoint(checkpoints[next++]!.note);
        verifier.pushEntry(entry.bytes);
        // The registry follows the log, so that entry n is checked with the keys valid at n.
        if (isKeyEntryType(entry.type) && verifier.summary().ok) {
          try {
            registry.apply(decodeEntry(entry.bytes, hasher, config.limits.maxEntryBytes).fields);
          } catch (e) {
            if (!(e instanceof KeyRuleError)) throw e;
            throw new RebuildError(
              `the database's log breaks a key rule: entry ${entry.seq}: ${e.message}`,
            );
          }
        }
      }
    }
    while (next < checkpoints.length) verifier.pushCheckpoint(checkpoints[next++]!.note);
    const summary = verifier.summary();
    if (!summary.ok) {
      throw new RebuildError(
        `the database's log does not verify: entry ${summary.firstBad!.seq}: ${summary.firstBad!.reason}: ${summary.firstBad!.message}`,
      );
    }
    const nc = await connectBus({
      servers: config.nats.servers,
      name: `govx-rebuild-${config.node.id}`,
      ...(config.nats.user ? { user: config.nats.user, pass: config.nats.pass ?? '' } : {}),
    });
    try {
      await ensureLedgerStream(nc, {
        replicas: config.nats.replicas,
        maxMsgSize: config.limits.maxEntryBytes,
      });
      const present = await lastStreamSeq(nc);
      if (present > state.size)
        throw new RebuildError(
          `the stream holds ${present} entries, more than the database's ${state.size}`,
        );
      for (let seq = 0; seq < present; seq++) {
        const message = await readStreamMessage(nc, seq + 1);
        const stored = await store.getEntry(seq);
        if (!message || !stored || !equalBytes(message.data, stored.bytes)) {
          throw new RebuildError(
            `the stream's entry ${seq} differs from the database's: refusing to continue it`,
          );
        }
      }
      progress(`stream holds ${present}; republishing ${state.size - present}…`);
      const js = jetstream(nc);
      for (let from = present; from < state.size; from += 256) {
        const page = await store.range(from, Math.min(256, state.size - from));
        const { published, error } = await publishEntries(
          js,
          page.map((e) => ({ bytes: e.bytes, msgId: submissionMsgId(e.actor, e.idem) })),
          from,
        );
        if (error || published.some((p, i) => p.duplicate || p.streamSeq !== from + i + 1)) {
          throw new RebuildError(
            `republishing at entry ${from} failed: ${error?.message ?? 'unexpected duplicate'}`,
          );
        }
      }
      return {
        entries: state.size,
        root: summary.root,
        checkpointSize: summary.lastCheckpoint?.size ?? 0,
        alreadyInStream: present,
        republished: state.size - present,
      };
    } finally {
      await nc.drain();
    }
  } finally {
    await store.close();
  }
}
