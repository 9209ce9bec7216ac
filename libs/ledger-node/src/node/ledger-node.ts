// One ledger node: the witness, the sequencer and its intake, the durability tracker and
// the checkpointer, over one NATS connection and one database. Started and stopped as one.
import { readFileSync, statSync } from 'node:fs';
import { connectBus, ensureLedgerStream, type NatsConnection } from '@govx/bus';
import { importSigningPrivateKey } from '@govx/crypto';
import { noteSigner, parseVerifierKey, treeHasher, type CheckpointPolicy } from '@govx/ledger-core';
import { LedgerStore } from '@govx/persistence';
import { jetstream } from '@nats-io/jetstream';
import { pino, type Logger } from 'pino';
import { Checkpointer } from '../checkpoint/checkpointer.js';
import { ConfigError, type LedgerNodeConfig } from '../config/ledger-node.config.js';
import { DurabilityTracker } from '../sequencer/durability-tracker.js';
import { Sequencer } from '../sequencer/sequencer.js';
import { SubmissionIntake } from '../sequencer/submission-intake.js';
import { Witness } from '../witness/witness.js';
import { loadKeyRegistry } from './keyring.js';
import { LedgerMetrics } from './ledger-metrics.js';
import { NodeHealth } from './node-health.js';
import { OwnPlacements } from './own-placements.js';

const ELECTION_INTERVAL_MS = 250;
/** Long enough to have heard every live node's once-a-second report. */
const ELECTION_GRACE_MS = 1_500;
const LIVENESS_MS = 3_000;

/** Reads the node's checkpoint key; refuses a key file others can read. */
function readNodeKey(path: string): ReturnType<typeof importSigningPrivateKey> {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (e) {
    throw new ConfigError(
      `/node/keyFile ${path}: cannot read (${(e as NodeJS.ErrnoException).code})`,
    );
  }
  if ((mode & 0o077) !== 0)
    throw new ConfigError(
      `/node/keyFile ${path}: permissions must be 0600, not ${(mode & 0o777).toString(8)}`,
    );
  return importSigningPrivateKey(readFileSync(path, 'utf8'));
}

export class LedgerNode {
  readonly metrics = new LedgerMetrics();
  readonly logger: Logger;
  readonly health: NodeHealth;
  readonly policy: CheckpointPolicy;
  private started: {
    nc: NatsConnection;
    store: LedgerStore;
    witness: Witness;
    durability: DurabilityTracker;
    intake: SubmissionIntake;
    checkpointer: Checkpointer;
  } | null = null;

  constructor(
    readonly config: LedgerNodeConfig,
    logger?: Logger,
  ) {
    this.logger = (logger ?? pino({ level: 'info' })).child({ node: config.node.id });
    this.health = new NodeHealth(this.logger, this.metrics);
    this.policy = {
      origin: config.origin,
      quorum: config.cluster.quorum,
      cosigners: config.cluster.nodes.map((n) => ({
        operator: n.operator,
        verifier: parseVerifierKey(n.vkey),
      })),
    };
  }

  private electionTimer: NodeJS.Timeout | null = null;

  /** True while this node takes submissions. */
  get sequencing(): boolean {
    return this.started?.intake.active ?? false;
  }

  /**
   * One sequencer at a time, by preference: the first node in /cluster/nodes order that is
   * live (reported within LIVENESS_MS and not halted) takes submissions; the others stand by.
   * Safety never rests on this: appends stay conditional, so two nodes that both believe
   * they are preferred (during a failover) only cost each other retries.
   */
  private elect(since: number): void {
    const s = this.started;
    if (!s) return;
    const now = Date.now();
    const nodes = this.config.cluster.nodes;
    if (this.config.cluster.sequencers === 'all') return s.intake.setActive(!this.health.halted);
    if (nodes.length > 1 && now - since < ELECTION_GRACE_MS) return;
    const live = nodes.filter((n) =>
      n.id === this.config.node.id
        ? !this.health.halted
        : now - s.durability.lastSeen(n.id) < LIVENESS_MS,
    );
    s.intake.setActive(live[0]?.id === this.config.node.id);
  }

  get store(): LedgerStore {
    if (!this.started) throw new Error('ledger node not started');
    return this.started.store;
  }

  get witness(): Witness {
    if (!this.started) throw new Error('ledger node not started');
    return this.started.witness;
  }

  get durability(): DurabilityTracker {
    if (!this.started) throw new Error('ledger node not started');
    return this.started.durability;
  }

  async start(): Promise<void> {
    const { config, logger, metrics, health } = this;
    const key = readNodeKey(config.node.keyFile);
    const signer = noteSigner(config.node.noteName, key);
    const own = this.policy.cosigners.find((c) => c.verifier.name === config.node.noteName);
    if (!own || own.verifier.keyHash !== signer.keyHash) {
      throw new ConfigError(
        `/node/keyFile: the key does not match the verifier key of ${config.node.noteName} in /cluster/nodes`,
      );
    }
    const hasher = treeHasher(config.hash);
    const store = await LedgerStore.open({
      url: config.database.url,
      createDatabase: config.database.createDatabase,
      hash: config.hash,
    });
    const nc = await connectBus({
      servers: config.nats.servers,
      name: `govx-${config.node.id}`,
      ...(config.nats.user ? { user: config.nats.user, pass: config.nats.pass ?? '' } : {}),
    });
    await ensureLedgerStream(nc, {
      replicas: config.nats.replicas,
      maxMsgSize: config.limits.maxEntryBytes,
    });
    const registry = await loadKeyRegistry(store, config.keys, (await store.state()).size, hasher);
    const js = jetstream(nc);
    const placements = new OwnPlacements();
    const witness = new Witness(
      nc,
      store,
      registry,
      health,
      metrics,
      logger,
      {
        nodeId: config.node.id,
        hasher,
        maxEntryBytes: config.limits.maxEntryBytes,
        maxBatch: config.limits.maxBatch,
      },
      placements,
    );
    const durability = new DurabilityTracker(
      nc,
      config.cluster.nodes.map((n) => n.id),
      config.cluster.quorum,
      metrics,
    );
    const sequencer = new Sequencer(
      nc,
      js,
      store,
      witness,
      durability,
      health,
      metrics,
      logger,
      {
        hasher,
        maxBatch: config.limits.maxBatch,
        ackTimeoutMs: config.limits.ackTimeoutMs,
      },
      placements,
    );
    const intake = new SubmissionIntake(
      nc,
      sequencer,
      witness,
      metrics,
      logger,
      config.limits.maxEntryBytes,
    );
    const checkpointer = new Checkpointer(nc, store, health, metrics, logger, {
      origin: config.origin,
      everyEntries: config.checkpoint.everyEntries,
      everyMs: config.checkpoint.everyMs,
      signer,
      policy: this.policy,
    });
    durability.start();
    await witness.start();
    witness.onStored((size) => checkpointer.onStored(size));
    await checkpointer.start(witness.stored);
    this.started = { nc, store, witness, durability, intake, checkpointer };
    health.onAlarm(() => intake.setActive(false));
    const since = Date.now();
    const elect = (): void => this.elect(since);
    elect();
    this.electionTimer = setInterval(elect, ELECTION_INTERVAL_MS);
    logger.info({ size: witness.stored }, 'ledger node started');
  }

  async stop(): Promise<void> {
    const s = this.started;
    if (!s) return;
    this.started = null;
    if (this.electionTimer) clearInterval(this.electionTimer);
    s.intake.setActive(false);
    await s.checkpointer.stop();
    await s.witness.stop();
    s.durability.stop();
    await s.nc.drain();
    await s.store.close();
  }
}
