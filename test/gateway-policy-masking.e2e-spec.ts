// A sharing policy with a masking profile drives an exchange end to end, on a real 3-node NATS
// cluster, 3 ledger nodes, governance (the policy engine) and two department gateways: the
// provider's office publishes the policy, the requester's gateway submits and endorses a request,
// governance auto-approves it naming the profile `<policyId>@<version>:<name>`, the provider
// resolves that profile from the policy.publish entry on the ledger and delivers the record masked.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connectBus, LedgerClient, type NatsConnection } from '@govx/bus';
import { getSuite } from '@govx/crypto';
import {
  demoBindings,
  demoDepartment,
  ensureDatabase,
  Gateway,
  generateDemoWorld,
  LedgerHttp,
  loadDemoDepartment,
  PayloadStore,
  PgTableSource,
  type DemoWorld,
} from '@govx/gateway';
import { bootstrap } from '../apps/governance/src/main.js';
import { startActorLedger, type ActorLedger } from './support/actor-ledger.js';
import { POSTGRES, testDatabaseName } from './support/databases.js';
import { waitFor } from './support/ledger-harness.js';
import { signedPolicy } from './support/signer.js';

const DATA_DB = testDatabaseName('gateway_pm_data');
const GOV_DB = testDatabaseName('gateway_pm_gov');
const DEPTS = ['natural-resources', 'public-security'] as const;

const policy = {
  policyId: 'ps-identity-sharing',
  version: 1,
  provider: 'public-security',
  dataset: 'ps.identity',
  rules: [
    {
      id: 'registry',
      when: {
        requesters: ['natural-resources'],
        purposes: ['real-estate registration'],
        fields: ['name', 'gender', 'birthDate', 'address'],
      },
      then: { decision: 'approve', maskingProfile: 'registry' },
    },
  ],
  maskingProfiles: { registry: { name: 'hash', gender: 'none', address: 'redact' } },
};

describe('a policy masking profile drives an exchange (e2e)', () => {
  let net: ActorLedger;
  let world: DemoWorld;
  let governance: Awaited<ReturnType<typeof bootstrap>> | undefined;
  const engine = getSuite('intl').generateSigningKey();
  const offices = DEPTS.map(() => getSuite('intl').generateSigningKey());
  const keys = DEPTS.map(() => ({
    signing: getSuite('intl').generateSigningKey(),
    encryption: getSuite('intl').generateEncryptionKey(),
  }));
  const gateways: Gateway[] = [];
  const sources: PgTableSource[] = [];
  const connections: NatsConnection[] = [];
  const nr = (): Gateway => gateways[0]!;
  const ps = (): Gateway => gateways[1]!;

  beforeAll(async () => {
    world = generateDemoWorld();
    await ensureDatabase(POSTGRES, DATA_DB);
    await loadDemoDepartment(`${POSTGRES}/${DATA_DB}`, demoDepartment('public-security'), world);
    net = await startActorLedger(
      'gateway_pm',
      [
        ...DEPTS.flatMap((d, i) => [
          { actor: `dept/${d}/gateway`, publicKeyPem: keys[i]!.signing.publicKey.toPem() },
          { actor: `dept/${d}/office`, publicKeyPem: offices[i]!.publicKey.toPem() },
        ]),
        { actor: 'gov/policy-engine', publicKeyPem: engine.publicKey.toPem() },
      ],
      { checkpoint: { everyEntries: 10, everyMs: 200 }, follow: false },
    );
    governance = await bootstrap({
      natsServers: net.nats.urls,
      databaseUrl: `${POSTGRES}/${GOV_DB}`,
      http: { host: '127.0.0.1', port: 0 },
      engineKey: engine,
      calendar: {},
      approvalValidityDays: 20,
      tokenSecret: new Uint8Array(randomBytes(32)),
    });
    const http = new LedgerHttp(net.ledger.nodes[0]!.url);
    const peerKeys = Object.fromEntries(
      DEPTS.map((d, i) => [d, keys[i]!.encryption.publicKey.toPem()]),
    );
    for (const [i, d] of DEPTS.entries()) {
      const source = PgTableSource.connect(
        `${POSTGRES}/${DATA_DB}`,
        d === 'public-security' ? demoBindings(demoDepartment(d)) : [],
      );
      sources.push(source);
      const gnc = await connectBus({ servers: net.nats.urls, name: `gateway-${d}` });
      connections.push(gnc);
      const g = new Gateway({
        department: d,
        suite: getSuite('intl'),
        keys: keys[i]!,
        ledger: new LedgerClient(gnc),
        store: await PayloadStore.open(gnc, {
          department: d,
          replicas: 3,
          suite: getSuite('intl'),
        }),
        dataSource: source,
        catalogue: demoDepartment(d).catalogue,
        tipAtStart: () => http.durableSize(),
        peerKeys,
        officeKey: offices[i]!,
        autoEndorse: d === 'natural-resources',
      });
      await g.start();
      gateways.push(g);
    }
    await ps().publishCatalogue();
  }, 180_000);

  afterAll(async () => {
    for (const g of gateways) await g.stop();
    for (const s of sources) await s.close();
    for (const c of connections) await c.drain();
    await governance?.close();
    await net?.stop([DATA_DB, GOV_DB]);
  }, 60_000);

  it('auto-approves under the policy and delivers the record masked by its profile', async () => {
    await waitFor('the catalogue at the requester', async () =>
      nr().index.catalogue.has('ps.identity'),
    );
    await net.ledgerClient.submit(
      signedPolicy(offices[1]!, 'dept/public-security/office', `pm-policy-${process.pid}`, policy),
    );
    await waitFor('the policy at the provider', async () =>
      ps().index.policies.has('ps-identity-sharing@1'),
    );
    const person = world.people[3]!;
    const { requestId } = await nr().createRequest({
      provider: 'public-security',
      datasetId: 'ps.identity',
      fields: ['name', 'gender', 'birthDate', 'address'],
      subject: person.idNumber,
      purpose: 'real-estate registration',
      legalBasis: 'Civil Code art. 209',
      scenario: 'a citizen registers a parcel',
      scope: 'one person per request',
      timeLimit: '2099-12-31',
      duty: 'use only for this registration; destroy after',
    });
    await waitFor('the receipt', async () => nr().request(requestId).state === 'received', 60_000);
    const x = nr().index.exchanges.get(requestId)!;
    expect(x.approval!.actor).toBe('gov/policy-engine');
    expect(x.approval!.body.policy).toEqual({ id: 'ps-identity-sharing', version: 1 });
    expect(x.approval!.body.maskingProfile).toBe('ps-identity-sharing@1:registry');
    expect(x.transfer!.body.maskingProfile).toBe('ps-identity-sharing@1:registry');
    const { payload } = await nr().delivery(requestId);
    expect(payload?.maskingProfile).toBe('ps-identity-sharing@1:registry');
    // name: hash (stricter than the catalogue's partial); gender: none; birthDate: not in the
    // profile, so the catalogue's rule (birth year); address: redact.
    expect(payload?.record).toEqual({
      name: expect.stringMatching(/^hmac-sha256:[0-9a-f]{64}$/),
      gender: person.gender,
      birthDate: person.birthDate.slice(0, 4),
      address: '***',
    });
  }, 90_000);
});
