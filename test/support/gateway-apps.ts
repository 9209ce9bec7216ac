// Department gateway apps (apps/department bootstrap: the Nest HTTP API, demo data, key files,
// the access database) on a real 3-node NATS cluster and 3 ledger nodes, each with one calling
// system's API key provisioned as `govx gateway key create` does. For the gateway e2e tests.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectBus, NatsCluster, type NatsConnection } from '@govx/bus';
import { getSuite, type SigningPrivateKey, type SuiteId } from '@govx/crypto';
import {
  createSystemKey,
  loadGatewayKeys,
  openGatewayAccess,
  parseGatewayConfig,
  type GatewayAccess,
  type GatewayKeys,
} from '@govx/gateway';
import { bootstrap } from '../../apps/department/src/main.js';
import { LocalLedgerCluster } from '../../apps/cli/src/up/ledger-cluster.js';
import { dropDatabases, numberedDatabases, POSTGRES } from './databases.js';
import { waitFor } from './ledger-harness.js';

export { POSTGRES, waitFor };

export type GatewayApp = Awaited<ReturnType<typeof bootstrap>>;

export interface GatewayAppsOptions {
  /** Unique per test file: databases are `<prefix>_…`. */
  readonly prefix: string;
  readonly departments: readonly { readonly id: string; readonly suite: SuiteId }[];
  /** Departments without a gateway whose encryption key the gateways know (`peers`). */
  readonly peersOnly?: readonly string[];
}

export interface GatewayApps {
  readonly dir: string;
  readonly nats: NatsCluster;
  readonly ledger: LocalLedgerCluster;
  readonly nc: NatsConnection;
  readonly engine: SigningPrivateKey;
  readonly apps: GatewayApp[];
  readonly keys: GatewayKeys[];
  /** Per gateway: the provisioned API key of its system `registration`. */
  readonly apiKeys: string[];
  /** Per gateway: its access database, for provisioning in tests (closed by stop()). */
  readonly access: GatewayAccess[];
  readonly peerKeys: Record<string, GatewayKeys>;
  stop(): Promise<void>;
}

export async function startGatewayApps(o: GatewayAppsOptions): Promise<GatewayApps> {
  const dir = await mkdtemp(join(tmpdir(), 'govx-gateway-apps-'));
  const engine = getSuite('intl').generateSigningKey();
  const keyFiles = o.departments.map((d) => ({
    signingKeyFile: join(dir, d.id, 'signing.pem'),
    encryptionKeyFile: join(dir, d.id, 'encryption.pem'),
  }));
  const keys = o.departments.map((d, i) => loadGatewayKeys(d.suite, keyFiles[i]!));
  const peerKeys = Object.fromEntries(
    (o.peersOnly ?? []).map((d) => [
      d,
      loadGatewayKeys('intl', {
        signingKeyFile: join(dir, d, 'signing.pem'),
        encryptionKeyFile: join(dir, d, 'encryption.pem'),
      }),
    ]),
  );
  const nats = await NatsCluster.start({ size: 3, dir: join(dir, 'nats') });
  const ledger = await LocalLedgerCluster.start({
    dir: join(dir, 'ledger'),
    natsServers: nats.urls,
    postgresUrl: POSTGRES,
    databasePrefix: o.prefix,
    keys: [
      ...o.departments.map((d, i) => ({
        actor: `dept/${d.id}/gateway`,
        publicKeyPem: keys[i]!.signing.publicKey.toPem(),
      })),
      { actor: 'gov/policy-engine', publicKeyPem: engine.publicKey.toPem() },
    ],
    checkpoint: { everyEntries: 10, everyMs: 200 },
  });
  const nc = await connectBus({ servers: nats.urls, name: `${o.prefix}-e2e` });
  const peers = Object.fromEntries([
    ...o.departments.map((d, i) => [d.id, keys[i]!.encryption.publicKey.toPem()]),
    ...Object.entries(peerKeys).map(([d, k]) => [d, k.encryption.publicKey.toPem()]),
  ]);
  const apps: GatewayApp[] = [];
  const apiKeys: string[] = [];
  const access: GatewayAccess[] = [];
  const db = (d: string): string => `${o.prefix}_${d.replaceAll('-', '_')}`;
  for (const [i, d] of o.departments.entries()) {
    const configPath = join(dir, `${d.id}.json`);
    const raw = {
      department: d.id,
      suite: d.suite,
      keys: keyFiles[i],
      nats: { servers: nats.urls, replicas: 3 },
      ledger: { httpUrl: ledger.nodes[0]!.url },
      dataSource: { url: `${POSTGRES}/${db(d.id)}`, demo: true },
      access: {
        databaseUrl: `${POSTGRES}/${db(d.id)}_gw`,
        tokenSecretFile: join(dir, d.id, 'access.secret'),
      },
      peers,
    };
    await writeFile(configPath, JSON.stringify(raw));
    const a = await openGatewayAccess(parseGatewayConfig(raw));
    access.push(a);
    apiKeys.push((await createSystemKey(a, 'registration')).key);
    apps.push(await bootstrap(configPath));
  }
  return {
    dir,
    nats,
    ledger,
    nc,
    engine,
    apps,
    keys,
    apiKeys,
    access,
    peerKeys,
    async stop() {
      for (const a of apps) await a.close();
      for (const a of access) await a.close();
      await nc.drain();
      await ledger.stop();
      await nats.stop();
      await dropDatabases([
        ...numberedDatabases(o.prefix),
        ...o.departments.flatMap((d) => [db(d.id), `${db(d.id)}_gw`]),
      ]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** JSON over HTTP: `{status, body}`; `auth` are the request's credential headers. */
export async function call(
  base: string,
  method: string,
  path: string,
  auth: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...auth },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
