// Wires one gateway from its configuration: keys, NATS, ledger client, payload store, data
// source (with the demo tables when configured), the follower, the catalogue, and the
// retention timer. apps/department calls this, then serves the HTTP API over the result.
import { connectBus, LedgerClient, type NatsConnection } from '@govx/bus';
import { DepartmentSubjects } from '@govx/contracts';
import { getSuite } from '@govx/crypto';
import type { GatewayConfig } from '../config/gateway.config.js';
import { PgTableSource } from '../data-source/pg-table.source.js';
import { DEMO_DEPARTMENT_IDS, demoBindings, demoDepartment } from '../demo/demo-departments.js';
import { ensureDatabase, loadDemoDepartment } from '../demo/demo-loader.js';
import { generateDemoWorld } from '../demo/demo-world.js';
import { PayloadStore } from '../payload-store/payload-store.js';
import { Gateway } from './gateway.js';
import { loadGatewayKeys, loadOfficeKey } from './gateway-keys.js';
import { LedgerHttp } from './ledger-http.js';

export interface GatewayRuntime {
  readonly gateway: Gateway;
  readonly ledgerHttp: LedgerHttp;
  readonly config: GatewayConfig;
  close(): Promise<void>;
}

export type Log = (msg: string, fields?: Record<string, unknown>) => void;

/** Splits a postgres URL into server URL and database name. */
function splitDatabaseUrl(url: string): { server: string; database: string } {
  const u = new URL(url);
  const database = u.pathname.replace(/^\//, '');
  u.pathname = '';
  return { server: u.toString().replace(/\/$/, ''), database };
}

export async function startGatewayRuntime(
  config: GatewayConfig,
  log: Log = () => undefined,
): Promise<GatewayRuntime> {
  const suite = getSuite(config.suite);
  const keys = loadGatewayKeys(config.suite, config.keys);
  const isDemo = (DEMO_DEPARTMENT_IDS as readonly string[]).includes(config.department);
  const demo = isDemo ? demoDepartment(config.department) : null;
  if (config.dataSource.demo) {
    if (!demo) throw new Error(`dataSource.demo: ${config.department} is not a demo department`);
    const { server, database } = splitDatabaseUrl(config.dataSource.url);
    await ensureDatabase(server, database);
    const world = generateDemoWorld(config.dataSource.seed ? { seed: config.dataSource.seed } : {});
    const loaded = await loadDemoDepartment(config.dataSource.url, demo, world);
    log('demo data', { ...loaded });
  }
  const dataSource = PgTableSource.connect(
    config.dataSource.url,
    demo ? demoBindings(demo) : [],
    (e) =>
      log('data source connection lost; it is replaced on the next read', { error: e.message }),
  );
  let nc: NatsConnection | null = null;
  try {
    nc = await connectBus({
      servers: config.nats.servers,
      name: `govx-gateway-${config.department}`,
      inboxPrefix: DepartmentSubjects.inboxPrefix(config.department),
      ...(config.nats.user ? { user: config.nats.user } : {}),
      ...(config.nats.pass ? { pass: config.nats.pass } : {}),
    });
    const ledgerHttp = new LedgerHttp(config.ledger.httpUrl);
    const store = await PayloadStore.open(nc, {
      department: config.department,
      replicas: config.nats.replicas,
      suite,
      retentionCeilingMs: config.payloads.retentionCeilingMs,
    });
    const gateway = new Gateway({
      department: config.department,
      suite,
      keys,
      // The department's own submit subject: the ledger checks every actor belongs to it.
      ledger: new LedgerClient(nc, { submitSubject: DepartmentSubjects.submit(config.department) }),
      store,
      dataSource,
      catalogue: demo?.catalogue ?? [],
      retentionMs: config.payloads.retentionMs,
      tipAtStart: () => ledgerHttp.durableSize(),
      peerKeys: config.peers,
      ...(config.keys.officeKeyFile
        ? { officeKey: loadOfficeKey(config.suite, config.keys.officeKeyFile) }
        : {}),
      autoEndorse: config.autoEndorse,
      log,
    });
    await gateway.start();
    await gateway.caughtUp();
    if (demo) await gateway.publishCatalogue();
    const timer = setInterval(() => {
      gateway
        .eraseExpired()
        .catch((e: Error) => log('retention sweep failed', { error: e.message }));
    }, config.payloads.eraseEveryMs);
    timer.unref();
    const connection = nc;
    return {
      gateway,
      ledgerHttp,
      config,
      async close() {
        clearInterval(timer);
        await gateway.stop();
        await connection.drain();
        await dataSource.close();
      },
    };
  } catch (e) {
    await nc?.close();
    await dataSource.close();
    throw e;
  }
}
