// Onward transfer (§29 of the 2025 regulation) on real NATS, ledger nodes and PostgreSQL: the
// land registry's gateway passes taxation's delivery on to social security only under
// taxation's recorded consent for that department and purpose; refusals are answered with
// `no-consent` and recorded as rejections, nothing is stored or sent; social security's
// gateway checks the consent, opens what was sealed to it and acknowledges it; the auditor
// reports onward transfers that no consent allows.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LedgerClient } from '@govx/bus';
import { createPersonAccount, generateDemoWorld } from '@govx/gateway';
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
import { gatewayRequest } from './support/fixtures.js';
import { signedApproval } from './support/signer.js';

const PREFIX = `govx_test_gateway_o_${process.pid}`;
const HOLDER = 0; // natural-resources: asked taxation, holds the delivery
const PROVIDER = 1; // taxation
const THIRD_APP = 2;
const THIRD = 'social-security';
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
        { id: THIRD, suite: 'intl' },
      ],
    });
    await waitFor(
      'the catalogue at the holder',
      async () => g.apps[HOLDER]!.runtime.gateway.index.catalogue.size >= 5,
    );
    const created = await call(
      base(HOLDER),
      'POST',
      '/requests',
      sys(HOLDER),
      gatewayRequest(world.people[77]!.idNumber),
    );
    expect(created.status).toBe(201);
    requestId = created.body['requestId'] as string;
    const receipt = created.body['receipt'] as { seq: number; leafHash: string };
    await waitFor('the request at the provider', async () =>
      g.apps[PROVIDER]!.runtime.gateway.index.exchanges.has(requestId),
    );
    await new LedgerClient(g.nc).submit(
      signedApproval(g.engine, `approve-onward-${process.pid}`, receipt, ['status', 'arrearsCny']),
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
    // Social security's gateway checks the consent, opens what was sealed to it, acknowledges.
    const listed = async () =>
      (await call(base(THIRD_APP), 'GET', '/onward', sys(THIRD_APP))).body['onward'] as {
        requestId: string;
        from: string;
        state: string;
        transfer: { seq: number };
      }[];
    await waitFor('the receipt of the onward delivery', async () =>
      (await listed()).some((o) => o.requestId === requestId && o.state === 'received'),
    );
    expect((await listed()).find((o) => o.requestId === requestId)).toMatchObject({
      from: 'natural-resources',
      transfer: { seq: t.ref.seq },
    });
    const delivered = await call(
      base(THIRD_APP),
      'GET',
      `/onward/${requestId}/delivery`,
      sys(THIRD_APP),
    );
    expect(delivered.status).toBe(200);
    const payload = delivered.body['payload'] as { record: unknown; purpose: string };
    expect(payload.record).toEqual({ status: tax.status, arrearsCny: tax.arrearsCny });
    expect(payload.purpose).toBe(PURPOSE);
    // Nobody else sees it: the holder's own gateway has no onward delivery of it.
    expect(
      (await call(base(HOLDER), 'GET', `/onward/${requestId}/delivery`, sys(HOLDER))).status,
    ).toBe(404);
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
    const forged = async (to: string, consent: { seq: number; leaf: string }) =>
      ledger.submit(
        createSubmission(
          {
            type: 'transfer',
            actor: 'dept/natural-resources/gateway',
            idem: `forged-onward-${to}-${consent.seq}-${process.pid}`,
            body: { ...allowed.body, to, payloadId: `forged-${to}`, consent } as never,
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
    const elsewhere = await forged('public-security', allowed.body.consent!);
    // The holder consenting to itself does not count, for the recipient's gateway nor the auditor.
    const selfConsent = await ledger.submit(
      createSubmission(
        {
          type: 'consent',
          actor: 'dept/natural-resources/gateway',
          idem: `self-consent-${process.pid}`,
          body: { transfer: { ...x.transfer!.ref }, to: THIRD, purpose: PURPOSE },
        },
        holderKey,
      ),
    );
    const toThird = await forged(THIRD, { seq: selfConsent.seq, leaf: selfConsent.leafHash });
    await waitFor('the third gateway refuses it', async () =>
      g.apps[THIRD_APP]!.runtime.gateway.listOnward().some(
        (o) => o.transfer.seq === toThird.seq && o.state === 'rejected',
      ),
    );
    const refusal = g.apps[THIRD_APP]!.runtime.gateway.index.exchanges.get(
      requestId,
    )!.rejections.find((r) => r.body.attempt.ref?.seq === toThird.seq);
    expect(refusal?.body).toMatchObject({ code: 'no-consent', field: 'consent' });
    // The audit reads node 1's own database: wait for what that node stored, not for the
    // quorum (2 of 3 may hold the last entries before node 1 does).
    const stored = async (): Promise<number> =>
      ((await (await fetch(`${g.ledger.nodes[0]!.url}/health`)).json()) as { stored: number })
        .stored;
    await waitFor(
      'the forged transfers stored by node 1',
      async () => (await stored()) > toThird.seq,
    );
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
    expect(onwardViolations.map((v) => v.seq)).toEqual([unnamed.seq, elsewhere.seq, toThird.seq]);
    expect(verdict.violations.some((v) => v.seq === allowed.ref.seq)).toBe(false);
    expect(verdict.stats?.compliance['natural-resources']?.onwardTransfersWithoutConsent).toBe(2);
  });

  it("erases what was passed on at the original delivery's retention: the recipient gets payload-erased", async () => {
    const holder = g.apps[HOLDER]!.runtime.gateway;
    expect(await holder.eraseExpired(new Date('2026-01-01T00:00:00Z'))).toBe(0);
    expect(await holder.eraseExpired(new Date('2100-01-01T00:00:00Z'))).toBeGreaterThanOrEqual(1);
    const onwardTo = (): { erased: boolean }[] =>
      g.apps[THIRD_APP]!.runtime.gateway.listOnward().filter((o) => o.requestId === requestId);
    await waitFor('the erasure at the recipient', async () => onwardTo()[0]?.erased === true);
    const gone = await call(
      base(THIRD_APP),
      'GET',
      `/onward/${requestId}/delivery`,
      sys(THIRD_APP),
    );
    expect(gone).toEqual({
      status: 410,
      body: expect.objectContaining({ code: 'payload-erased', field: 'payloadId' }),
    });
    // Once: a second sweep finds nothing left.
    expect(await holder.eraseExpired(new Date('2100-01-01T00:00:00Z'))).toBe(0);
  });
});
