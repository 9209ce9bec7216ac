// A 3-node NATS cluster and 3 ledger nodes (own databases) whose key registry holds the
// given actors' keys, a client that follows the whole log into `entries`, and stop(), which
// also drops the test's other databases. For the governance e2e tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  connectBus,
  LedgerClient,
  NatsCluster,
  type FollowedEntry,
  type NatsConnection,
} from '@govx/bus';
import { LocalLedgerCluster } from '../../apps/cli/src/up/ledger-cluster.js';
import { dropDatabases, numberedDatabases, POSTGRES, testDatabaseName } from './databases.js';

export interface ActorLedger {
  readonly dir: string;
  readonly nats: NatsCluster;
  readonly ledger: LocalLedgerCluster;
  readonly client: NatsConnection;
  readonly ledgerClient: LedgerClient;
  /** Every entry followed from seq 0, by seq (empty with `follow: false`). */
  readonly entries: Map<number, FollowedEntry>;
  ofType(type: string): FollowedEntry[];
  /** Stops everything started here, drops the ledger's and `alsoDrop` databases. */
  stop(alsoDrop?: readonly string[]): Promise<void>;
}

export interface ActorLedgerOptions {
  /** The ledger nodes' checkpoint cadence; default every 50 entries or 300 ms. */
  readonly checkpoint?: { readonly everyEntries: number; readonly everyMs: number };
  /** Follow the log from seq 0 into `entries`; default true. */
  readonly follow?: boolean;
}

/** `name`: unique per test file; the ledger databases are `govx_test_<name>_ledger_<pid>_<n>`. */
export async function startActorLedger(
  name: string,
  registry: readonly { actor: string; publicKeyPem: string }[],
  options: ActorLedgerOptions = {},
): Promise<ActorLedger> {
  const dir = await mkdtemp(join(tmpdir(), `govx-${name.replace(/_/g, '-')}-`));
  const prefix = testDatabaseName(`${name}_ledger`);
  const parts: Partial<{
    nats: NatsCluster;
    ledger: LocalLedgerCluster;
    client: NatsConnection;
  }> = {};
  const stop = async (alsoDrop: readonly string[] = []): Promise<void> => {
    await parts.client?.drain();
    await parts.ledger?.stop();
    await parts.nats?.stop();
    await dropDatabases([...alsoDrop, ...numberedDatabases(prefix)]);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    parts.nats = await NatsCluster.start({ size: 3, dir: join(dir, 'nats') });
    parts.ledger = await LocalLedgerCluster.start({
      dir: join(dir, 'ledger'),
      natsServers: parts.nats.urls,
      postgresUrl: POSTGRES,
      databasePrefix: prefix,
      keys: [...registry],
      checkpoint: options.checkpoint ?? { everyEntries: 50, everyMs: 300 },
    });
    await parts.ledger.waitForSequencer();
    parts.client = await connectBus({ servers: parts.nats.urls, name: `${name}-e2e` });
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  const ledgerClient = new LedgerClient(parts.client);
  const entries = new Map<number, FollowedEntry>();
  if (options.follow ?? true) ledgerClient.follow(0, async (e) => void entries.set(e.seq, e));
  return {
    dir,
    nats: parts.nats,
    ledger: parts.ledger,
    client: parts.client,
    ledgerClient,
    entries,
    ofType: (type) => [...entries.values()].filter((e) => e.entry.type === type),
    stop,
  };
}
