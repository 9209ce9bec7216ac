// Onward transfer (§29 of the 2025 regulation) on real NATS, ledger nodes and PostgreSQL: the
// land registry's gateway passes taxation's delivery on to social security only under
// taxation's recorded consent for that department and purpose; refusals are answered with
// `no-consent` and recorded as rejections, nothing is stored or sent; the third department
// opens what was sealed to it; the auditor reports onward transfers that no consent allows.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LedgerClient } from '@govx/bus';
import { getSuite } from '@govx/crypto';
import { createPersonAccount, generateDemoWorld, openPayload, PayloadStore } from '@govx/gateway';
import { createSubmission, Role } from '@govx/ledger-core';
import { verifySource } from '../apps/cli/src/audit/audit-verify.js';
import { loadTrust } from '../apps/cli/src/audit/trust-file.js';
import {
  call,
  POSTGRES,
  startGatewayApps,
  waitFor,
  type GatewayApps,
} from './support/gateway-apps.js';

const PREFIX = `govx_test_gateway_o_${process.pid}`;
const HOLDER = 0; // natural-resources: asked taxation, holds the delivery
const PROVIDER = 1; // taxation
const THIRD = 'social-security'; // no gateway here: its encryption key is a peer key
const PURPOSE = 'social assistance eligibility';

interface ExchangeView {
  state: string;
  transfer: { seq: number; leaf: string } | null;
  rejections: { code: string; field: string | null }[];
}

describe('onward transfer (§29)', () => {
  let g: GatewayApps;
  let requestId: string;
  const world = generateDemoWorld();
  const tax = world.personTax[77]!;
  const base = (i: number): string => g.apps[i]!.url;
  const sys = (i: number): Record<string, string> => ({ 'x-api-key': g.apiKeys[i]! });
  const view = async (): Promise<ExchangeView> =>
    (await call(base(HOLDER), 'GET', `/requests/${requestId}`, sys(HOLDER)))
      .body as unknown as ExchangeView;
  const onward = (to: string, purpose: string) =>
    call(base(HOLDER), 'POST', `/requests/${requestId}/onward`, sys(HOLDER), { to, purpose });
  const transfersTo = (to: string): number =>
    g.apps[HOLDER]!.runtime.gateway.index.exchanges.get(requestId)!.onward.filter(
      (o) => o.body.to === to,
    ).length;

  beforeAll(async () => {
    g = await startGatewayApps({
      prefix: PREFIX,
      departments: [
        { id: 'natural-resources', suite: 'intl' },
        { id: 'taxation', suite: 'sm' },
      ],
      peersOnly: [THIRD],
    });
    // The platform creates every department's payload streams (govx up does the same).
    await PayloadStore.open(g.nc, { department: THIRD, suite: getSuite('intl'), replicas: 3 });
    await waitFor(
      'the catalogue at the holder',
      async () => g.apps[HOLDER]!.runtime.gateway.index.catalogue.size >= 5,
    );
    const created = await call(base(HOLDER), 'POST', '/requests', sys(HOLDER), {
      provider: 'taxation',
      datasetId: 'tx.tax-clearance',
      fields: ['status', 'arrearsCny'],
      subject: world.people[77]!.idNumber,
      purpose: 'land parcel transfer registration',
      legalBasis: 'Deed Tax Law art. 11',
      scenario: 'a citizen sells a land parcel',
      scope: 'the seller only',
      timeLimit: '2099-12-31',
      duty: 'use only for this registration',
    });
    expect(created.status).toBe(201);
    requestId = created.body['requestId'] as string;
    const receipt = created.body['receipt'] as { seq: number; leafHash: string };
    await waitFor('the request at the provider', async () =>
      g.apps[PROVIDER]!.runtime.gateway.index.exchanges.has(requestId),
    );
    await new LedgerClient(g.nc).submit(
      createSubmission(
        {
          type: 'decision.approve',
          actor: 'gov/policy-engine',
          idem: `approve-onward-${process.pid}`,
          body: {
            request: { seq: receipt.seq, leaf: receipt.leafHash },
            fields: ['status', 'arrearsCny'],
            final: true,
            expires: new Date(Date.now() + 3_600_000).toISOString(),
            policy: { id: 'e2e', version: 1 },
            traceHash: 'cd'.repeat(32),
          },
        },
        g.engine,
      ),
    );
    await waitFor('the delivery at the holder', async () => (await view()).state === 'received');
  }, 240_000);

  afterAll(async () => {
    await g?.stop();
  }, 60_000);

  it('refuses to pass data on without a consent of the provider: no-consent, recorded, nothing sent', async () => {
    const refused = await onward(THIRD, PURPOSE);
    expect(refused).toEqual({
      status: 403,
      body: {
        code: 'no-consent',
        message: `taxation has not consented to passing ${requestId} on to ${THIRD}`,
        field: 'to',
      },
    });
    await waitFor('the rejection at the holder', async () =>
      (await view()).rejections.some((r) => r.code === 'no-consent'),
    );
    expect(transfersTo(THIRD)).toBe(0);
  });

  it('passes on only what the consent covers: its department and its purpose', async () => {
    const { password } = await createPersonAccount(
      g.access[PROVIDER]!,
      'tx-office',
      Role.OfficeHead,
    );
    const session = await call(
      base(PROVIDER),
      'POST',
      '/access/sessions',
      {},
      {
        name: 'tx-office',
        password,
      },
    );
    const office = { authorization: `Bearer ${String(session.body['token'])}` };
    // The provider's system may not consent: the office decides (§29).
    const bySystem = await call(
      base(PROVIDER),
      'POST',
      `/requests/${requestId}/consent`,
      sys(PROVIDER),
      { to: THIRD, purpose: PURPOSE },
    );
    expect(bySystem.status).toBe(403);
    expect(bySystem.body['code']).toBe('forbidden');
    const consent = await call(base(PROVIDER), 'POST', `/requests/${requestId}/consent`, office, {
      to: THIRD,
      purpose: PURPOSE,
    });
    expect(consent.status).toBe(201);
    await waitFor('the consent at the holder', async () =>
      g.apps[HOLDER]!.runtime.gateway.mayPassOn(requestId, THIRD, PURPOSE),
    );
    const otherPurpose = await onward(THIRD, 'debt collection');
    expect(otherPurpose).toEqual({
      status: 403,
      body: expect.objectContaining({ code: 'no-consent', field: 'purpose' }),
    });
    const otherDepartment = await onward('public-security', PURPOSE);
    expect(otherDepartment).toEqual({
      status: 403,
      body: expect.objectContaining({ code: 'no-consent', field: 'to' }),
    });
    const back = await onward('taxation', PURPOSE);
    expect(back).toEqual({ status: 400, body: expect.objectContaining({ field: 'to' }) });
    expect(transfersTo(THIRD)).toBe(0);

    const sent = await onward(THIRD, PURPOSE);
    expect(sent.status).toBe(201);
    await waitFor('the onward transfer in the index', async () => transfersTo(THIRD) === 1);
    const t = g.apps[HOLDER]!.runtime.gateway.index.exchanges.get(requestId)!.onward[0]!;
    expect(t.actor).toBe('dept/natural-resources/gateway');
    expect(t.body.consent?.seq).toBe((consent.body as { seq: number }).seq);
    // The third department opens what was sealed to it: the approved record, the consented purpose.
    const store = await PayloadStore.open(g.nc, {
      department: THIRD,
      suite: getSuite('intl'),
      replicas: 3,
    });
    const sealed = await store.get('natural-resources', t.body.payloadId);
    const payload = openPayload(g.peerKeys[THIRD]!.encryption, sealed, {
      requestId,
      payloadId: t.body.payloadId,
      ciphertextHash: t.body.ciphertextHash,
      commitment: t.body.commitment,
    });
    expect(payload.record).toEqual({ status: tax.status, arrearsCny: tax.arrearsCny });
    expect(payload.purpose).toBe(PURPOSE);
    // One consent, one onward transfer.
    const again = await onward(THIRD, PURPOSE);
    expect(again).toEqual({ status: 409, body: expect.objectContaining({ code: 'duplicate' }) });
    expect(transfersTo(THIRD)).toBe(1);
  });

  it('the auditor reports onward transfers that no consent allows, not the one that has it', async () => {
    const x = g.apps[HOLDER]!.runtime.gateway.index.exchanges.get(requestId)!;
    const allowed = x.onward[0]!;
    const holderKey = g.keys[HOLDER]!.signing;
    const ledger = new LedgerClient(g.nc);
    // Written around the gateway, with the holder's own key: the ledger takes them (it checks
    // signatures and schemas, not §29); the auditor finds them.
    const forged = async (to: string, consent?: { seq: number; leaf: string }) =>
      ledger.submit(
        createSubmission(
          {
            type: 'transfer',
            actor: 'dept/natural-resources/gateway',
            idem: `forged-onward-${to}-${process.pid}`,
            body: {
              ...allowed.body,
              to,
              payloadId: `forged-${to}`,
              ...(consent ? { consent } : {}),
            } as never,
          },
          holderKey,
        ),
      );
    const { consent: _consent, ...withoutConsent } = allowed.body;
    void _consent;
    const unnamed = await ledger.submit(
      createSubmission(
        {
          type: 'transfer',
          actor: 'dept/natural-resources/gateway',
          idem: `forged-onward-unnamed-${process.pid}`,
          body: { ...withoutConsent, to: 'public-security', payloadId: 'forged-unnamed' } as never,
        },
        holderKey,
      ),
    );
    const elsewhere = await forged('public-security', allowed.body.consent);
    const durable = async (): Promise<number> =>
      ((await (await fetch(`${g.ledger.nodes[0]!.url}/health`)).json()) as { durable: number })
        .durable;
    await waitFor('the forged transfers stored', async () => (await durable()) > elsewhere.seq);
    const verdict = await verifySource({
      source: `${POSTGRES}/${PREFIX}_1`,
      trust: await loadTrust(g.ledger.nodes[0]!.configPath),
      progress: false,
      workers: 0,
    });
    expect(verdict.firstBad).toBeNull();
    const onwardViolations = verdict.violations.filter(
      (v) => v.rule === 'transfer.onward-without-consent',
    );
    expect(onwardViolations.map((v) => v.seq)).toEqual([unnamed.seq, elsewhere.seq]);
    expect(verdict.violations.some((v) => v.seq === allowed.ref.seq)).toBe(false);
    expect(verdict.stats?.compliance['natural-resources']?.onwardTransfersWithoutConsent).toBe(2);
  });
});
