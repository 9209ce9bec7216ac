// Payload store isolation (decision 0011) on a real 3-node NATS cluster running the generated
// users and permissions (@govx/access), with 3 ledger nodes and three department gateways
// connected as their own NATS users: two real exchanges (taxation → natural-resources,
// taxation → public-security) and a retention erasure work, while natural-resources cannot
// read, consume, overwrite or delete public-security's payloads or keys — the server refuses.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { natsAuthorizationConfig, natsUsers, type NatsUser } from '@govx/access';
import { LedgerClient, NatsCluster, type NatsConnection } from '@govx/bus';
import { DepartmentSubjects, PayloadStoreSubjects as S } from '@govx/contracts';
import { getSuite, toHex, utf8 } from '@govx/crypto';
import { Gateway, PayloadStore, type CatalogueEntry, type DataSource } from '@govx/gateway';
import { AckPolicy, jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { LocalLedgerCluster } from '../apps/cli/src/up/ledger-cluster.js';
import { dropDatabases, numberedDatabases, POSTGRES } from './support/databases.js';
import { waitFor } from './support/ledger-harness.js';
import { userConnections } from './support/nats-users.js';
import { signedApproval } from './support/signer.js';

const PREFIX = `govx_test_payload_iso_${process.pid}`;
const TX = 'taxation';
const NR = 'natural-resources';
const PS = 'public-security';
const DEPTS = [TX, NR, PS] as const;
const SUITE = getSuite('intl');
const FIELDS = ['id', 'status'];
const DATASET: CatalogueEntry = {
  datasetId: 'tx.isolation',
  version: 1,
  department: TX,
  name: 'isolation record',
  description: 'a small record',
  category: 'unconditional',
  mode: 'transfer',
  frequency: 'realtime',
  subjectField: 'id',
  fields: FIELDS.map((name) => ({
    name,
    type: 'string',
    grade: 'general',
    classification: 'public',
    description: name,
  })),
};
const source: DataSource = {
  read: async (_d, subject, fields) =>
    Object.fromEntries(fields.map((f) => [f, f === 'id' ? subject : 'cleared'])),
  close: async () => undefined,
};

/** A department with a NATS user whose payload streams the platform has not created. */
const LATE = 'social-security';
const users = natsUsers({
  ledgerNodes: ['ledger-1', 'ledger-2', 'ledger-3'],
  departments: [...DEPTS, LATE],
  services: [{ name: 'governance' }],
});
const userOf = (name: string): NatsUser => users.find((u) => u.name === name)!;

describe('payload store isolation under the generated NATS permissions', () => {
  let dir: string;
  let nats: NatsCluster;
  let ledger: LocalLedgerCluster;
  const keys = Object.fromEntries(
    DEPTS.map((d) => [
      d,
      { signing: SUITE.generateSigningKey(), encryption: SUITE.generateEncryptionKey() },
    ]),
  );
  const engineKey = SUITE.generateSigningKey();
  const gateways = new Map<string, Gateway>();
  const stores = new Map<string, PayloadStore>();
  const conns = new Map<string, NatsConnection>();
  let engineStop: (() => Promise<void>) | null = null;

  const { connectAs, expectViolation, violations, closeAll } = userConnections(
    users,
    () => nats.urls,
    'payload-isolation',
  );

  /** A request from `requester`, auto-approved, transferred and received; its payload id. */
  const exchange = async (requester: string, subject: string): Promise<string> => {
    const g = gateways.get(requester)!;
    const { requestId } = await g.createRequest({
      provider: TX,
      datasetId: DATASET.datasetId,
      fields: FIELDS,
      subject,
      purpose: 'isolation test',
      legalBasis: 'test',
      scenario: 'test',
      scope: 'test',
      timeLimit: '2099-12-31',
      duty: 'test',
    });
    await waitFor(
      `the receipt of ${requestId}`,
      async () => g.request(requestId).state === 'received',
    );
    const delivery = await g.delivery(requestId);
    expect(delivery.payload?.record).toEqual({ id: subject, status: 'cleared' });
    return g.index.exchanges.get(requestId)!.transfer!.body.payloadId;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'govx-payload-iso-'));
    const node = userOf('ledger-1');
    nats = await NatsCluster.start({
      size: 3,
      dir: join(dir, 'nats'),
      users: natsAuthorizationConfig(users),
      probe: { user: node.user, pass: node.password },
    });
    // The platform creates the payload streams; departments may not.
    const platform = await connectAs('ledger-1');
    await PayloadStore.createStreams(platform, DEPTS, { replicas: 3 });
    ledger = await LocalLedgerCluster.start({
      dir: join(dir, 'ledger'),
      natsServers: nats.urls,
      postgresUrl: POSTGRES,
      databasePrefix: PREFIX,
      keys: [
        ...DEPTS.map((d) => ({
          actor: `dept/${d}/gateway`,
          publicKeyPem: keys[d]!.signing.publicKey.toPem(),
        })),
        { actor: 'gov/policy-engine', publicKeyPem: engineKey.publicKey.toPem() },
      ],
      natsCredentials: (id) => ({ user: userOf(id).user, pass: userOf(id).password }),
    });
    const peerKeys = Object.fromEntries(
      DEPTS.map((d) => [d, keys[d]!.encryption.publicKey.toPem()]),
    );
    for (const d of DEPTS) {
      const nc = await connectAs(d);
      conns.set(d, nc);
      const store = await PayloadStore.open(nc, { department: d, replicas: 3, suite: SUITE });
      stores.set(d, store);
      const g = new Gateway({
        department: d,
        suite: SUITE,
        keys: keys[d]!,
        ledger: new LedgerClient(nc, { submitSubject: DepartmentSubjects.submit(d) }),
        store,
        dataSource: source,
        catalogue: d === TX ? [DATASET] : [],
        tipAtStart: async () => 0,
        peerKeys,
      });
      await g.start();
      gateways.set(d, g);
    }
    await gateways.get(TX)!.publishCatalogue();
    // The policy engine, as governance's NATS user: approves every request.
    const engineClient = new LedgerClient(await connectAs('governance'));
    const follower = engineClient.follow(0, async (e) => {
      if (e.entry.type !== 'request') return;
      await engineClient.submit(
        signedApproval(engineKey, `approve/${e.leafHash}`, e, FIELDS, {
          expires: '2099-01-01T00:00:00.000Z',
          policy: { id: 'isolation', version: 1 },
          traceHash: toHex(SUITE.hash(utf8(e.leafHash))),
        }),
      );
    });
    engineStop = () => follower.stop();
    await waitFor('the catalogue at the requesters', async () =>
      [NR, PS].every((d) => gateways.get(d)!.index.catalogue.has(DATASET.datasetId)),
    );
  }, 240_000);

  afterAll(async () => {
    await engineStop?.();
    for (const g of gateways.values()) await g.stop().catch(() => undefined);
    await closeAll();
    await ledger?.stop();
    await nats?.stop();
    await dropDatabases(numberedDatabases(PREFIX));
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  let nrPayload = '';
  let psPayload = '';

  it('lets the real exchange run: each requester gets its payload from its own stream', async () => {
    nrPayload = await exchange(NR, 'person-nr');
    psPayload = await exchange(PS, 'person-ps');
    const seen = [...violations.entries()]
      .filter(([nc]) => [...conns.values()].includes(nc))
      .flatMap(([, v]) => v);
    expect(seen).toEqual([]);
  });

  it("refuses a department reading, consuming, overwriting or deleting another's payloads and keys", async () => {
    const nc = conns.get(NR)!;
    const jsm: JetStreamManager = await jetstreamManager(nc, { timeout: 3_000 });
    const js = jetstream(nc, { timeout: 3_000 });
    const psData = S.dataStream(PS);
    const txKeys = S.keyStream(TX);
    const attempts: [string, () => Promise<unknown>][] = [
      // read public-security's ciphertext, by the leader or any replica
      [
        `$JS.API.STREAM.MSG.GET.${psData}`,
        () => jsm.streams.getMessage(psData, { last_by_subj: S.data(PS, TX, psPayload) }),
      ],
      [
        `$JS.API.DIRECT.GET.${psData}.${S.data(PS, TX, psPayload)}`,
        () => jsm.direct.getMessage(psData, { last_by_subj: S.data(PS, TX, psPayload) }),
      ],
      // read public-security's data key, or any key of the provider
      [
        `$JS.API.DIRECT.GET.${txKeys}.${S.key(TX, PS, psPayload)}`,
        () => jsm.direct.getMessage(txKeys, { last_by_subj: S.key(TX, PS, psPayload) }),
      ],
      [`$JS.API.DIRECT.GET.${txKeys}`, () => jsm.direct.getMessage(txKeys, { seq: 1 })],
      [
        `$JS.API.STREAM.MSG.GET.${txKeys}`,
        () => jsm.streams.getMessage(txKeys, { last_by_subj: S.key(TX, PS, psPayload) }),
      ],
      // consume public-security's stream
      [
        `$JS.API.CONSUMER.CREATE.${psData}.sniff`,
        () => jsm.consumers.add(psData, { name: 'sniff', ack_policy: AckPolicy.None }),
      ],
      // delete or purge: theirs, the provider's keys, or even its own ciphertexts
      [`$JS.API.STREAM.MSG.DELETE.${psData}`, () => jsm.streams.deleteMessage(psData, 1)],
      [`$JS.API.STREAM.MSG.DELETE.${txKeys}`, () => jsm.streams.deleteMessage(txKeys, 1)],
      [
        `$JS.API.STREAM.MSG.DELETE.${S.dataStream(NR)}`,
        () => jsm.streams.deleteMessage(S.dataStream(NR), 1),
      ],
      [`$JS.API.STREAM.PURGE.${psData}`, () => jsm.streams.purge(psData)],
      // a stream of its own that sources theirs
      [
        `$JS.API.STREAM.CREATE.COPY`,
        () => jsm.streams.add({ name: 'COPY', subjects: [], sources: [{ name: psData }] }),
      ],
      // overwrite their ciphertext in the provider's name
      [S.data(PS, TX, psPayload), () => js.publish(S.data(PS, TX, psPayload), new Uint8Array(8))],
    ];
    for (const [subject, attempt] of attempts) {
      await expect(attempt()).rejects.toThrow();
      await expectViolation(nc, subject);
    }
    // listen to what providers publish into their stream
    const sub = nc.subscribe(`${S.Data}.${PS}.>`);
    await expectViolation(nc, `${S.Data}.${PS}.>`, 'Subscription');
    sub.unsubscribe();
    // Nothing changed: public-security still opens its payload.
    const ps = gateways.get(PS)!;
    const id = [...ps.index.exchanges.values()].find((x) => x.requester === PS)!.request.body
      .requestId;
    await expect(ps.delivery(id)).resolves.toMatchObject({
      payload: { record: { id: 'person-ps', status: 'cleared' } },
    });
    await expect(stores.get(PS)!.get(TX, psPayload)).resolves.toBeInstanceOf(Uint8Array);
  });

  it('lets no department create payload streams: open names the missing stream', async () => {
    const nc = await connectAs(LATE);
    await expect(
      PayloadStore.open(nc, { department: LATE, replicas: 3, suite: SUITE }),
    ).rejects.toMatchObject({
      code: 'no-stream',
      message: expect.stringContaining(S.dataStream(LATE)),
    });
    await expectViolation(nc, `$JS.API.STREAM.CREATE.${S.dataStream(LATE)}`);
  });

  it('lets only the provider erase (retention): key shredded, both requesters see it erased', async () => {
    const erased = await gateways.get(TX)!.eraseExpired(new Date(Date.now() + 400 * 86_400_000));
    expect(erased).toBe(2);
    for (const [d, payloadId] of [
      [NR, nrPayload],
      [PS, psPayload],
    ] as const) {
      await expect(stores.get(d)!.get(TX, payloadId)).rejects.toMatchObject({ code: 'erased' });
      await expect(stores.get(d)!.erased(TX, payloadId)).resolves.toMatchObject({
        reason: 'retention',
      });
    }
    const nr = gateways.get(NR)!;
    await waitFor('the payload.erase entry at the requester', async () =>
      nr.listRequests('sent').some((r) => r.erased),
    );
    const provider = violations.get(conns.get(TX)!)!;
    expect(provider).toEqual([]);
  });
});
