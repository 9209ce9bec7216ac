// Two department gateway apps (the Nest HTTP API, demo data, key files, the retention timer)
// on a real 3-node NATS cluster and 3 ledger nodes; an exchange driven over HTTP only.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connectBus, LedgerClient, NatsCluster, type NatsConnection } from '@govx/bus';
import { getSuite } from '@govx/crypto';
import { generateDemoWorld, loadGatewayKeys, parseGatewayConfig } from '@govx/gateway';
import { checkProofDocument, createSubmission } from '@govx/ledger-core';
import pg from 'pg';
import { bootstrap } from '../apps/department/src/main.js';
import { LocalLedgerCluster } from '../apps/cli/src/up/ledger-cluster.js';
import { waitFor } from './support/ledger-harness.js';

const POSTGRES = 'postgres://postgres@127.0.0.1:5432';
const PREFIX = `govx_test_gateway_h_${process.pid}`;
const TOKEN = 'registration-system-token-0123456789';

describe('department gateway HTTP API', () => {
  let dir: string;
  let nats: NatsCluster;
  let ledger: LocalLedgerCluster;
  let nc: NatsConnection;
  const engine = getSuite('intl').generateSigningKey();
  const apps: Awaited<ReturnType<typeof bootstrap>>[] = [];
  const url = (i: number, path: string): string => `${apps[i]!.url}${path}`;
  const call = async (i: number, method: string, path: string, body?: unknown, token = TOKEN) => {
    const res = await fetch(url(i, path), {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'govx-gateway-h-'));
    const depts = [
      { id: 'natural-resources', suite: 'intl' as const },
      { id: 'taxation', suite: 'sm' as const },
    ];
    const keyFiles = depts.map((d) => ({
      signingKeyFile: join(dir, d.id, 'signing.pem'),
      encryptionKeyFile: join(dir, d.id, 'encryption.pem'),
    }));
    const keys = depts.map((d, i) => loadGatewayKeys(d.suite, keyFiles[i]!));
    nats = await NatsCluster.start({ size: 3, dir: join(dir, 'nats') });
    ledger = await LocalLedgerCluster.start({
      dir: join(dir, 'ledger'),
      natsServers: nats.urls,
      postgresUrl: POSTGRES,
      databasePrefix: PREFIX,
      keys: [
        ...depts.map((d, i) => ({
          actor: `dept/${d.id}/gateway`,
          publicKeyPem: keys[i]!.signing.publicKey.toPem(),
        })),
        { actor: 'gov/policy-engine', publicKeyPem: engine.publicKey.toPem() },
      ],
      checkpoint: { everyEntries: 10, everyMs: 200 },
    });
    nc = await connectBus({ servers: nats.urls, name: 'gateway-http-e2e' });
    const peers = Object.fromEntries(
      depts.map((d, i) => [d.id, keys[i]!.encryption.publicKey.toPem()]),
    );
    for (const [i, d] of depts.entries()) {
      const configPath = join(dir, `${d.id}.json`);
      const raw = {
        department: d.id,
        suite: d.suite,
        keys: keyFiles[i],
        nats: { servers: nats.urls, replicas: 3 },
        ledger: { httpUrl: ledger.nodes[0]!.url },
        dataSource: { url: `${POSTGRES}/${PREFIX}_${d.id.replace('-', '_')}`, demo: true },
        systems: [{ id: 'registration', token: TOKEN }],
        peers,
      };
      parseGatewayConfig(raw);
      await writeFile(configPath, JSON.stringify(raw));
      apps.push(await bootstrap(configPath));
    }
    await waitFor(
      'the catalogue at the requester',
      async () => apps[0]!.runtime.gateway.index.catalogue.size >= 5,
    );
  }, 180_000);

  afterAll(async () => {
    for (const a of apps) await a.close();
    await nc?.drain();
    await ledger?.stop();
    await nats?.stop();
    const admin = new pg.Client({ connectionString: `${POSTGRES}/postgres` });
    await admin.connect();
    for (const db of ['1', '2', '3', 'natural_resources', 'taxation'])
      await admin.query(`DROP DATABASE IF EXISTS ${PREFIX}_${db} WITH (FORCE)`);
    await admin.end();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('creates key files 0600 and serves OpenAPI at /docs', async () => {
    expect((await stat(join(dir, 'taxation', 'signing.pem'))).mode & 0o777).toBe(0o600);
    const res = await fetch(url(0, '/docs-json'));
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/requests',
        '/requests/{requestId}/delivery',
        '/requests/{requestId}/receipts',
        '/catalogue',
      ]),
    );
  });

  it('refuses a caller without a valid token, and names the field of a bad request', async () => {
    expect((await call(0, 'GET', '/requests', undefined, '')).status).toBe(401);
    expect(
      (await call(0, 'GET', '/requests', undefined, 'wrong-token-wrong-token-wrong')).status,
    ).toBe(401);
    expect((await fetch(url(0, '/health'))).status).toBe(200);
    const bad = await call(0, 'POST', '/requests', {
      provider: 'taxation',
      datasetId: 'tx.tax-clearance',
      fields: ['status', 'x'],
      subject: 's',
    });
    expect(bad).toEqual({
      status: 422,
      body: expect.objectContaining({ code: 'field-not-in-catalogue', field: 'fields/1' }),
    });
  });

  it('runs an exchange over HTTP: request, approval, delivery, receipts with proofs', async () => {
    const world = generateDemoWorld();
    const person = world.people[123]!;
    const tax = world.personTax[123]!;
    const created = await call(0, 'POST', '/requests', {
      provider: 'taxation',
      datasetId: 'tx.tax-clearance',
      fields: ['status', 'arrearsCny'],
      subject: person.idNumber,
      purpose: 'land parcel transfer registration',
      legalBasis: 'Deed Tax Law art. 11',
      scenario: 'a citizen sells a land parcel',
      scope: 'the seller only',
      timeLimit: '2099-12-31',
      duty: 'use only for this registration',
    });
    expect(created.status).toBe(201);
    const { requestId, receipt } = created.body as {
      requestId: string;
      receipt: { seq: number; leafHash: string };
    };
    await waitFor('the request at the provider', async () => {
      const { body } = await call(1, 'GET', '/requests?direction=received');
      return (body['requests'] as { requestId: string }[]).some((r) => r.requestId === requestId);
    });
    await new LedgerClient(nc).submit(
      createSubmission(
        {
          type: 'decision.approve',
          actor: 'gov/policy-engine',
          idem: `approve-http-${process.pid}`,
          body: {
            request: { seq: receipt.seq, leaf: receipt.leafHash },
            fields: ['status', 'arrearsCny'],
            final: true,
            expires: new Date(Date.now() + 3_600_000).toISOString(),
            policy: { id: 'e2e', version: 1 },
            traceHash: 'cd'.repeat(32),
          },
        },
        engine,
      ),
    );
    await waitFor(
      'the receipt',
      async () => (await call(0, 'GET', `/requests/${requestId}`)).body['state'] === 'received',
    );
    const delivery = await call(0, 'GET', `/requests/${requestId}/delivery`);
    expect(delivery.status).toBe(200);
    expect((delivery.body['payload'] as { record: unknown }).record).toEqual({
      status: tax.status,
      arrearsCny: tax.arrearsCny,
    });
    await waitFor('proofs for every entry', async () => {
      const r = await call(0, 'GET', `/requests/${requestId}/receipts`);
      return (r.body['entries'] as { proof: unknown }[]).every((e) => e.proof !== null);
    });
    const { body } = await call(0, 'GET', `/requests/${requestId}/receipts`);
    const entries = body['entries'] as {
      type: string;
      proof: Parameters<typeof checkProofDocument>[0];
    }[];
    expect(entries.map((e) => e.type)).toEqual([
      'request',
      'decision.approve',
      'transfer',
      'receipt',
    ]);
    for (const e of entries) expect(checkProofDocument(e.proof).ok).toBe(true);
  });
});
