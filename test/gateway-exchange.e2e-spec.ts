// A full exchange between department gateways on a real 3-node NATS cluster and 3 ledger nodes:
// catalogue, request, approval (signed here as the policy engine, until governance runs in
// tests), transfer, receipt, use, destruction and erasure, verification-only queries, refusals
// recorded as `rejection` entries, and an erased payload whose exchange still proves.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connectBus, LedgerClient, type NatsConnection } from '@govx/bus';
import { getSuite, type SigningPrivateKey } from '@govx/crypto';
import {
  demoBindings,
  demoDepartment,
  ensureDatabase,
  Gateway,
  GatewayError,
  generateDemoWorld,
  LedgerHttp,
  loadDemoDepartment,
  PayloadStore,
  PgTableSource,
  sealPayload,
  type DemoWorld,
} from '@govx/gateway';
import { policyMaskingProfileId, type EntryRef } from '@govx/contracts';
import { checkProofDocument, createSubmission } from '@govx/ledger-core';
import { startActorLedger, type ActorLedger } from './support/actor-ledger.js';
import { POSTGRES, testDatabaseName } from './support/databases.js';
import { waitFor } from './support/ledger-harness.js';
import { signedApproval, signedPolicy } from './support/signer.js';

const DATA_DB = testDatabaseName('gateway_x_data');
const DEPTS = [
  { id: 'natural-resources', suite: 'intl' },
  { id: 'taxation', suite: 'sm' },
  { id: 'public-security', suite: 'intl' },
] as const;

interface ApprovalExtra {
  maskingProfile?: string;
  expires?: string;
  signer?: SigningPrivateKey;
  actor?: string;
}

describe('department gateways: the exchange', () => {
  let net: ActorLedger;
  let http: LedgerHttp;
  let world: DemoWorld;
  const engine = getSuite('intl').generateSigningKey();
  const office = getSuite('intl').generateSigningKey();
  const psOffice = getSuite('intl').generateSigningKey();
  const keys = DEPTS.map((d) => ({
    signing: getSuite(d.suite).generateSigningKey(),
    encryption: getSuite(d.suite).generateEncryptionKey(),
  }));
  const gateways: Gateway[] = [];
  const sources: PgTableSource[] = [];
  const connections: NatsConnection[] = [];
  let counter = 0;
  let now = new Date();
  const nr = (): Gateway => gateways[0]!;
  const tx = (): Gateway => gateways[1]!;
  const ps = (): Gateway => gateways[2]!;

  const approve = async (request: EntryRef, fields: string[], extra: ApprovalExtra = {}) =>
    net.ledgerClient.submit(
      signedApproval(
        extra.signer ?? engine,
        `approve-${process.pid}-${counter++}`,
        request,
        fields,
        {
          actor: extra.actor,
          maskingProfile: extra.maskingProfile,
          expires: extra.expires,
          policy: { id: 'e2e-policy', version: 1 },
          traceHash: 'ab'.repeat(32),
        },
      ),
    );

  const request = (
    g: Gateway,
    provider: string,
    datasetId: string,
    fields: string[],
    subject: string,
    more = {},
  ) =>
    g.createRequest({
      provider,
      datasetId,
      fields,
      subject,
      purpose: 'land parcel transfer registration',
      legalBasis: 'Civil Code art. 209; Deed Tax Law art. 11',
      scenario: 'a citizen sells a land parcel',
      scope: 'the seller only',
      timeLimit: '2099-12-31',
      duty: 'use only for this registration; destroy after',
      ...more,
    });

  let peerKeys: Record<string, string> = {};
  /** A gateway for DEPTS[i], started (a fresh index: it replays the log). */
  const build = async (i: number): Promise<Gateway> => {
    const d = DEPTS[i]!;
    const dept = demoDepartment(d.id);
    const source = PgTableSource.connect(
      `${POSTGRES}/${DATA_DB}`,
      d.id === 'natural-resources' ? [] : demoBindings(dept),
    );
    sources.push(source);
    const gnc = await connectBus({ servers: net.nats.urls, name: `gateway-${d.id}` });
    connections.push(gnc);
    const g = new Gateway({
      department: d.id,
      suite: getSuite(d.suite),
      keys: keys[i]!,
      ledger: new LedgerClient(gnc),
      store: await PayloadStore.open(gnc, {
        department: d.id,
        replicas: 3,
        suite: getSuite(d.suite),
      }),
      dataSource: source,
      catalogue: dept.catalogue,
      tipAtStart: () => http.durableSize(),
      peerKeys,
      ...(d.id === 'natural-resources' ? { officeKey: office } : {}),
      clock: () => now,
    });
    await g.start();
    return g;
  };

  beforeAll(async () => {
    world = generateDemoWorld();
    await ensureDatabase(POSTGRES, DATA_DB);
    for (const d of ['taxation', 'public-security'] as const)
      await loadDemoDepartment(`${POSTGRES}/${DATA_DB}`, demoDepartment(d), world);
    net = await startActorLedger(
      'gateway_x',
      [
        ...DEPTS.map((d, i) => ({
          actor: `dept/${d.id}/gateway`,
          publicKeyPem: keys[i]!.signing.publicKey.toPem(),
        })),
        { actor: 'gov/policy-engine', publicKeyPem: engine.publicKey.toPem() },
        { actor: 'dept/natural-resources/office', publicKeyPem: office.publicKey.toPem() },
        { actor: 'dept/public-security/office', publicKeyPem: psOffice.publicKey.toPem() },
      ],
      { checkpoint: { everyEntries: 10, everyMs: 200 }, follow: false },
    );
    http = new LedgerHttp(net.ledger.nodes[0]!.url);
    peerKeys = Object.fromEntries(
      DEPTS.map((d, i) => [d.id, keys[i]!.encryption.publicKey.toPem()]),
    );
    for (const i of DEPTS.keys()) gateways.push(await build(i));
    await tx().publishCatalogue();
    await ps().publishCatalogue();
    await waitFor('the catalogue at the requester', async () => nr().index.catalogue.size >= 6);
  }, 180_000);

  afterAll(async () => {
    for (const g of gateways) await g.stop();
    for (const s of sources) await s.close();
    for (const c of connections) await c.drain();
    await net?.stop([DATA_DB]);
  }, 60_000);

  const owner = () => world.people.find((p) => p.idNumber === world.parcels[7]!.ownerIdNumber)!;

  it('delivers an approved record: transfer, receipt, the data checked and decrypted', async () => {
    const person = owner();
    const tax = world.personTax.find((t) => t.idNumber === person.idNumber)!;
    const { requestId, receipt } = await request(
      nr(),
      'taxation',
      'tx.tax-clearance',
      ['idNumber', 'status', 'arrearsCny'],
      person.idNumber,
    );
    await waitFor('the request at the provider', async () =>
      tx()
        .listRequests('received')
        .some((r) => r.requestId === requestId),
    );
    await approve({ seq: receipt.seq, leaf: receipt.leafHash }, [
      'idNumber',
      'status',
      'arrearsCny',
    ]);
    await waitFor('the receipt', async () => nr().request(requestId).state === 'received');
    const delivery = await nr().delivery(requestId);
    expect(delivery.payload?.record).toEqual({
      idNumber: person.idNumber,
      status: tax.status,
      arrearsCny: tax.arrearsCny,
    });
    expect(delivery.payload?.purpose).toBe('land parcel transfer registration');
    // Nothing personal on the ledger: neither the request nor the transfer names the subject.
    const entries = await (
      await fetch(`${net.ledger.nodes[0]!.url}/entries?from=0&limit=1000`)
    ).text();
    expect(entries).not.toContain(person.idNumber);
    expect(entries).not.toContain(person.name);
    expect(tx().request(requestId).state).toBe('received');
  });

  it('applies the masking profile the approval names, and records it in the transfer', async () => {
    const person = owner();
    const { requestId, receipt } = await request(
      nr(),
      'public-security',
      'ps.identity',
      ['idNumber', 'name', 'birthDate', 'address'],
      person.idNumber,
    );
    await waitFor('the request at the provider', async () =>
      ps()
        .listRequests('received')
        .some((r) => r.requestId === requestId),
    );
    await approve({ seq: receipt.seq, leaf: receipt.leafHash }, ['idNumber', 'name', 'address'], {
      maskingProfile: 'ps.identity:v1:masked',
    });
    await waitFor('the receipt', async () => nr().request(requestId).state === 'received');
    const { payload } = await nr().delivery(requestId);
    expect(payload?.maskingProfile).toBe('ps.identity:v1:masked');
    expect(payload?.record['idNumber']).toBe(
      `${person.idNumber.slice(0, 6)}********${person.idNumber.slice(14)}`,
    );
    expect(payload?.record['name']).toMatch(/^.\*+$/u);
    expect(Object.keys(payload!.record).sort()).toEqual(['address', 'idNumber', 'name']);
    expect(nr().index.exchanges.get(requestId)!.transfer!.body.maskingProfile).toBe(
      'ps.identity:v1:masked',
    );
  });

  it("applies a published policy's masking profile an engine approval names (<policyId>@<version>:<name>)", async () => {
    // The provider's office publishes a policy with a masking profile; the policy engine's
    // approval names it as governance does (contracts policyMaskingProfileId); the provider
    // resolves it from the policy.publish entry it followed on the ledger.
    const policy = {
      policyId: 'ps-identity-sharing',
      version: 2,
      provider: 'public-security',
      dataset: 'ps.identity',
      maskingProfiles: {
        registry: { idNumber: 'partial', name: 'hash', gender: 'none', address: 'redact' },
      },
      rules: [
        {
          id: 'registry',
          when: {
            requesters: ['natural-resources'],
            fields: ['idNumber', 'name', 'gender', 'address'],
          },
          then: { decision: 'approve', maskingProfile: 'registry' },
        },
      ],
    };
    await net.ledgerClient.submit(
      signedPolicy(
        psOffice,
        'dept/public-security/office',
        `policy-${process.pid}-${counter++}`,
        policy,
      ),
    );
    const profileId = policyMaskingProfileId('ps-identity-sharing', 2, 'registry');
    expect(profileId).toBe('ps-identity-sharing@2:registry');
    const person = owner();
    const fields = ['idNumber', 'name', 'gender', 'address'];
    const { requestId, receipt } = await request(
      nr(),
      'public-security',
      'ps.identity',
      fields,
      person.idNumber,
    );
    await waitFor(
      'the request and the policy at the provider',
      async () =>
        ps().index.exchanges.has(requestId) && ps().index.policies.has('ps-identity-sharing@2'),
    );
    await net.ledgerClient.submit(
      signedApproval(engine, `approve-${process.pid}-${counter++}`, receipt, fields, {
        maskingProfile: profileId,
        policy: { id: 'ps-identity-sharing', version: 2 },
        traceHash: 'ab'.repeat(32),
      }),
    );
    await waitFor('the receipt', async () => nr().request(requestId).state === 'received');
    const { payload } = await nr().delivery(requestId);
    expect(payload?.maskingProfile).toBe(profileId);
    expect(payload?.record['idNumber']).toBe(
      `${person.idNumber.slice(0, 6)}********${person.idNumber.slice(14)}`,
    );
    expect(payload?.record['name']).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(payload?.record['gender']).toBe(person.gender);
    expect(payload?.record['address']).toBe('***');
    expect(nr().index.exchanges.get(requestId)!.transfer!.body.maskingProfile).toBe(profileId);

    // A profile of a policy that is not on the ledger, or not the approving one: refused.
    for (const [maskingProfile, policyRef] of [
      ['ps-identity-sharing@9:registry', { id: 'ps-identity-sharing', version: 9 }],
      [profileId, { id: 'ps-identity-sharing', version: 1 }],
    ] as const) {
      const r = await request(nr(), 'public-security', 'ps.identity', fields, person.idNumber);
      await waitFor('the request at the provider', async () =>
        ps().index.exchanges.has(r.requestId),
      );
      await net.ledgerClient.submit(
        signedApproval(engine, `approve-${process.pid}-${counter++}`, r.receipt, fields, {
          maskingProfile,
          policy: policyRef,
          traceHash: 'ab'.repeat(32),
        }),
      );
      await waitFor('the rejection', async () =>
        nr()
          .request(r.requestId)
          .rejections.some((x) => x.code === 'approval-mismatch'),
      );
      expect(nr().request(r.requestId).state).toBe('rejected');
    }
  });

  it('answers a verification-only query with match or no-match, never the record', async () => {
    const person = owner();
    const ask = async (name: string) => {
      const { requestId, receipt } = await request(
        nr(),
        'public-security',
        'ps.identity-check',
        ['idNumber', 'name'],
        person.idNumber,
        {
          claims: { idNumber: person.idNumber, name },
        },
      );
      await waitFor('the request at the provider', async () =>
        ps()
          .listRequests('received')
          .some((r) => r.requestId === requestId),
      );
      await approve({ seq: receipt.seq, leaf: receipt.leafHash }, ['idNumber', 'name']);
      await waitFor('the answer', async () => nr().request(requestId).state === 'verified');
      return nr().delivery(requestId);
    };
    await expect(ask(person.name)).resolves.toEqual({
      payload: null,
      verification: 'match',
      transfer: null,
    });
    await expect(ask(`${person.name}X`)).resolves.toEqual({
      payload: null,
      verification: 'no-match',
      transfer: null,
    });
  });

  it('binds use to the purpose; destruction makes the provider erase; the exchange still proves', async () => {
    const person = owner();
    const { requestId, receipt } = await request(
      nr(),
      'taxation',
      'tx.tax-clearance',
      ['status'],
      person.idNumber,
    );
    await waitFor('the request at the provider', async () =>
      tx()
        .listRequests('received')
        .some((r) => r.requestId === requestId),
    );
    await approve({ seq: receipt.seq, leaf: receipt.leafHash }, ['status']);
    await waitFor('the receipt', async () => nr().request(requestId).state === 'received');
    await expect(nr().recordUse(requestId, 'something else')).rejects.toMatchObject({
      code: 'purpose-expired',
      field: 'purpose',
    });
    await nr().recordUse(requestId, 'land parcel transfer registration');
    await tx().giveConsent(requestId, 'public-security', 'identity register update');
    await waitFor('the consent', async () => nr().mayPassOn(requestId, 'public-security'));
    expect(nr().mayPassOn(requestId, 'social-security')).toBe(false);
    await nr().recordDestruction(requestId, 'deleted from the registration case file');
    await waitFor('the erasure', async () => nr().request(requestId).erased);
    const x = nr().index.exchanges.get(requestId)!;
    // The requester's own stream now holds a tombstone where the ciphertext was.
    await expect(
      nr()['deps'].store.get('taxation', x.transfer!.body.payloadId),
    ).rejects.toMatchObject({ code: 'erased' });
    await expect(nr().delivery(requestId)).rejects.toMatchObject({ code: 'payload-erased' });
    // The transfer entry and its hash, size and commitment stay, and prove against a cosigned checkpoint.
    await waitFor(
      'a checkpoint covering the transfer',
      async () => (await http.inclusionProof(x.transfer!.ref.seq)) !== null,
    );
    const proof = (await http.inclusionProof(x.transfer!.ref.seq))!;
    expect(proof.leafHash).toBe(x.transfer!.ref.leaf);
    expect(checkProofDocument(proof)).toEqual({ ok: true, reason: null });
    expect(
      nr()
        .entriesOf(requestId)
        .map((e) => e.type),
    ).toEqual([
      'request',
      'decision.approve',
      'transfer',
      'receipt',
      'use',
      'consent',
      'destruction',
      'payload.erase',
    ]);
  });

  it('erases payloads past their retention (crypto-shredding) and records payload.erase', async () => {
    const person = owner();
    const { requestId, receipt } = await request(
      nr(),
      'taxation',
      'tx.tax-clearance',
      ['lastFiledYear'],
      person.idNumber,
    );
    await waitFor('the request at the provider', async () =>
      tx()
        .listRequests('received')
        .some((r) => r.requestId === requestId),
    );
    await approve({ seq: receipt.seq, leaf: receipt.leafHash }, ['lastFiledYear']);
    await waitFor('the receipt', async () => nr().request(requestId).state === 'received');
    now = new Date(Date.now() + 31 * 24 * 3600 * 1000);
    try {
      expect(await tx().eraseExpired()).toBeGreaterThanOrEqual(1);
    } finally {
      now = new Date();
    }
    await waitFor('the erasure', async () => nr().request(requestId).erased);
    await expect(nr().delivery(requestId)).rejects.toMatchObject({ code: 'payload-erased' });
  });

  it('a restarted provider replays without repeating work and answers what it missed, once', async () => {
    await tx().stop();
    const person = owner();
    const { requestId, receipt } = await request(
      nr(),
      'taxation',
      'tx.tax-clearance',
      ['taxOffice'],
      person.idNumber,
    );
    await approve({ seq: receipt.seq, leaf: receipt.leafHash }, ['taxOffice']);
    const answeredBefore = [...nr().index.exchanges.values()].filter((x) => x.transfer).length;
    gateways[1] = await build(1);
    await tx().caughtUp();
    await waitFor('the receipt', async () => nr().request(requestId).state === 'received');
    const all = [...nr().index.exchanges.values()];
    expect(all.filter((x) => x.transfer).length).toBe(answeredBefore + 1);
    // Nothing answered twice, and no refusal from the replay.
    const res = await fetch(
      `${net.ledger.nodes[0]!.url}/entries?type=transfer&actor=dept/taxation/gateway&limit=1000`,
    );
    const transfers = (
      (await res.json()) as { entries: { entry: { body: { approval: { seq: number } } } }[] }
    ).entries;
    const approvals = transfers.map((t) => t.entry.body.approval.seq);
    expect(new Set(approvals).size).toBe(approvals.length);
    expect(tx().request(requestId).rejections).toEqual([]);
  });

  it("the requesting department's office endorses a request (§20); another department's cannot", async () => {
    const { requestId } = await request(
      nr(),
      'taxation',
      'tx.tax-clearance',
      ['status'],
      owner().idNumber,
    );
    await waitFor('the request indexed', async () => nr().index.exchanges.has(requestId));
    const receipt = await nr().endorse(requestId);
    await waitFor('the endorsement', async () =>
      nr()
        .entriesOf(requestId)
        .some((e) => e.type === 'request.endorse' && e.ref.seq === receipt.seq),
    );
    await waitFor('the request at the provider', async () => tx().index.exchanges.has(requestId));
    await expect(tx().endorse(requestId)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('the requester refuses a transfer whose hash differs or that answers another approval', async () => {
    await tx().stop();
    const store = await PayloadStore.open(net.client, {
      department: 'taxation',
      replicas: 3,
      suite: getSuite('sm'),
    });
    const forge = async (
      mutate: (body: Record<string, unknown>) => Record<string, unknown>,
      code: string,
    ): Promise<void> => {
      const { requestId, receipt } = await request(
        nr(),
        'taxation',
        'tx.tax-clearance',
        ['status'],
        owner().idNumber,
      );
      const approval = await approve({ seq: receipt.seq, leaf: receipt.leafHash }, ['status']);
      const payloadId = `forged${counter++}`;
      const sealed = sealPayload(
        getSuite('intl'),
        keys[0]!.encryption.publicKey,
        {
          requestId,
          datasetId: 'tx.tax-clearance',
          record: { status: 'cleared' },
          maskingProfile: null,
          purpose: 'land parcel transfer registration',
          useUntil: '2099-12-31T23:59:59.999Z',
        },
        payloadId,
      );
      await store.put('natural-resources', payloadId, sealed.sealed, '2099-01-01T00:00:00.000Z');
      const body = mutate({
        request: { seq: receipt.seq, leaf: receipt.leafHash },
        approval: { seq: approval.seq, leaf: approval.leafHash },
        requestId,
        to: 'natural-resources',
        ciphertextHash: sealed.ciphertextHash,
        size: sealed.size,
        commitment: sealed.commitment,
        payloadId,
        expires: '2099-01-01T00:00:00.000Z',
      });
      await net.ledgerClient.submit(
        createSubmission(
          {
            type: 'transfer',
            actor: 'dept/taxation/gateway',
            idem: `forged-${payloadId}`,
            body: body as never,
          },
          keys[1]!.signing,
        ),
      );
      await waitFor(`the ${code} rejection`, async () =>
        nr()
          .request(requestId)
          .rejections.some((r) => r.code === code),
      );
      expect(nr().request(requestId).state).toBe('rejected');
      expect(nr().request(requestId).receipt).toBeNull();
    };
    try {
      await forge((b) => ({ ...b, ciphertextHash: 'ee'.repeat(32) }), 'hash-mismatch');
      await forge((b) => ({ ...b, approval: b['request'] }), 'transfer-mismatch');
      await forge((b) => ({ ...b, commitment: 'ab'.repeat(32) }), 'commitment-mismatch');
    } finally {
      gateways[1] = await build(1);
    }
  });

  describe('refusals: an error to the caller and a rejection entry', () => {
    it('unknown department, unknown dataset, a field outside the catalogue, a not-shared dataset, a replayed id', async () => {
      const id = owner().idNumber;
      await expect(request(nr(), 'ndrc', 'x.y', ['a'], id)).rejects.toMatchObject({
        code: 'unknown-department',
        field: 'provider',
      });
      await expect(request(nr(), 'taxation', 'tx.nothing', ['status'], id)).rejects.toMatchObject({
        code: 'unknown-dataset',
        field: 'datasetId',
      });
      await expect(
        request(nr(), 'taxation', 'tx.tax-clearance', ['status', 'photo'], id),
      ).rejects.toMatchObject({
        code: 'field-not-in-catalogue',
        field: 'fields/1',
      });
      await expect(
        request(nr(), 'taxation', 'tx.income', ['annualIncomeCny'], id),
      ).rejects.toMatchObject({ code: 'not-shared' });
      const first = await request(nr(), 'taxation', 'tx.tax-clearance', ['status'], id, {
        requestId: `replay-${process.pid}`,
      });
      await waitFor('the request indexed', async () => nr().index.exchanges.has(first.requestId));
      const replay = request(nr(), 'taxation', 'tx.tax-clearance', ['status'], id, {
        requestId: `replay-${process.pid}`,
      });
      await expect(replay).rejects.toBeInstanceOf(GatewayError);
      await expect(replay).rejects.toMatchObject({ code: 'replayed-request', field: 'requestId' });
      await waitFor('the rejection entries', async () => {
        const res = await fetch(
          `${net.ledger.nodes[0]!.url}/entries?type=rejection&actor=dept/natural-resources/gateway&limit=100`,
        );
        const list = (await res.json()) as
          | { entry: { body: { code: string } } }[]
          | { entries: { entry: { body: { code: string } } }[] };
        const rows = Array.isArray(list) ? list : list.entries;
        const codes = rows.map((r) => r.entry.body.code);
        return [
          'unknown-department',
          'unknown-dataset',
          'field-not-in-catalogue',
          'not-shared',
          'replayed-request',
        ].every((c) => codes.includes(c));
      });
    });

    it('an approval of fields not requested, an expired approval, an approval not by an approver: no transfer', async () => {
      const id = owner().idNumber;
      const cases: [string[], Parameters<typeof approve>[2], string][] = [
        [['status', 'taxOffice'], {}, 'approval-mismatch'],
        [['status'], { expires: '2020-01-01T00:00:00.000Z' }, 'approval-expired'],
        [
          ['status'],
          { actor: 'dept/natural-resources/gateway', signer: keys[0]!.signing },
          'approval-mismatch',
        ],
      ];
      for (const [fields, extra, code] of cases) {
        const { requestId, receipt } = await request(
          nr(),
          'taxation',
          'tx.tax-clearance',
          ['status'],
          id,
        );
        await waitFor('the request at the provider', async () =>
          tx()
            .listRequests('received')
            .some((r) => r.requestId === requestId),
        );
        await approve({ seq: receipt.seq, leaf: receipt.leafHash }, fields, extra);
        await waitFor(`the ${code} rejection`, async () =>
          tx()
            .request(requestId)
            .rejections.some((r) => r.code === code),
        );
        expect(tx().request(requestId).transfer).toBeNull();
        expect(tx().request(requestId).state).toBe('rejected');
        // A refused approval (expired, or not by an approver) does not block the request: a
        // valid approval after it is answered with the transfer.
        await approve({ seq: receipt.seq, leaf: receipt.leafHash }, ['status']);
        await waitFor('the transfer after a valid approval', async () =>
          Boolean(tx().request(requestId).transfer),
        );
        expect(tx().request(requestId).state).not.toBe('rejected');
      }
    });
  });
});
