// Governance end to end on a real 3-node NATS cluster and 3 ledger nodes: catalogue and policy
// published as signed entries, an endorsed request approved by the policy engine (an auditor
// re-running the policy gets the same trace hash), and a highest-grade request approved by two
// officers under four-eyes, each sign-off an entry signed by that officer: the requester's
// officer first (not final), the provider's officer last; every other order, a second sign-off
// of one department and a third department's officer refused, with nothing applied.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AccessService, AccountKind, checkRoleMatrix, roleCredentials } from '@govx/access';
import type { GovernanceConfig } from '@govx/governance';
import { compilePolicy, evaluate, traceHash } from '@govx/policy';
import fc from 'fast-check';
import { bootstrap } from '../apps/governance/src/main.js';
import { startActorLedger, type ActorLedger } from './support/actor-ledger.js';
import { POSTGRES, testDatabaseName } from './support/databases.js';
import { catalogueEntry, catalogueField, dataRequest } from './support/fixtures.js';
import { waitFor } from './support/ledger-harness.js';
import { createSigner } from './support/signer.js';

const ACTORS = {
  taxGateway: 'dept/taxation/gateway',
  taxOffice: 'dept/taxation/office',
  landGateway: 'dept/natural-resources/gateway',
  landOffice: 'dept/natural-resources/office',
  alice: 'dept/taxation/officer/alice',
  bob: 'dept/natural-resources/officer/bob',
  dave: 'dept/natural-resources/officer/dave',
  erin: 'dept/public-security/officer/erin',
  engine: 'gov/policy-engine',
} as const;
type Who = keyof typeof ACTORS;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- HTTP answers and entry bodies, read loosely by assertions
type Json = any;

const PASSWORD = 'correct horse battery staple';
const DATABASE = testDatabaseName('governance');

const catalogue = catalogueEntry({
  fields: [
    catalogueField('taxpayerId', { grade: 'important', masking: 'partial' }),
    catalogueField('cleared', { type: 'boolean' }),
    catalogueField('arrears', {
      type: 'number',
      classification: 'sensitive-personal',
      grade: 'core',
    }),
  ],
  sharing: {
    category: 'conditional',
    conditions: ['only for the registration named'],
    scope: 'the person named',
    purposes: ['land registration'],
  },
});

const policySource = `policyId: tax-clearance-sharing
version: 1
provider: taxation
dataset: tax-clearance
rules:
  - id: registry
    when:
      requesters: [natural-resources]
      purposes: [land registration]
      fields: [taxpayerId, cleared, arrears]
    then: { decision: approve, maskingProfile: registry }
maskingProfiles:
  registry: { taxpayerId: partial, arrears: redact }
`;

describe('governance (e2e)', () => {
  let net: ActorLedger;
  let governance: Awaited<ReturnType<typeof bootstrap>>;
  let config: GovernanceConfig;
  const { sign, keys, registry } = createSigner<Who>(ACTORS, 'gov-e2e');
  const sessions = new Map<string, string>();
  const http = async (
    method: string,
    path: string,
    body?: unknown,
    as = 'alice',
  ): Promise<{ status: number; json: Json }> => {
    const res = await fetch(`${governance.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${sessions.get(as)}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // Parsed here: objects from res.json() come from another realm under jest's vm.
    return { status: res.status, json: JSON.parse(await res.text()) };
  };
  const submitAndEndorse = async (requestId: string, fields: string[]): Promise<void> => {
    const r = await net.ledgerClient.submit(
      sign('landGateway', 'request', dataRequest(requestId, { fields })),
    );
    await net.ledgerClient.submit(
      sign('landOffice', 'request.endorse', { request: { seq: r.seq, leaf: r.leafHash } }),
    );
  };
  const stateOf = async (requestId: string): Promise<Json> =>
    (await http('GET', `/governance/requests/${requestId}`)).json;

  beforeAll(async () => {
    net = await startActorLedger('governance', registry);
    config = {
      natsServers: net.nats.urls,
      databaseUrl: `${POSTGRES}/${DATABASE}`,
      http: { host: '127.0.0.1', port: 0 },
      engineKey: keys.engine,
      calendar: {},
      approvalValidityDays: 20,
      tokenSecret: new Uint8Array(randomBytes(32)),
    };
    governance = await bootstrap(config);
    const access = governance.app.get(AccessService);
    for (const [name, role, department] of [
      ['alice', 'officer', 'taxation'],
      ['bob', 'officer', 'natural-resources'],
      ['dave', 'officer', 'natural-resources'],
      ['erin', 'officer', 'public-security'],
      ['tax-office', 'office-head', 'taxation'],
    ] as const) {
      await access.createAccount({
        name,
        kind: AccountKind.Person,
        roles: [role],
        department,
        password: PASSWORD,
      });
      sessions.set(name, (await access.signIn(name, PASSWORD)).token);
    }
  });

  afterAll(async () => {
    await governance?.close();
    await net?.stop([DATABASE]);
  });

  it('publishes the catalogue, refuses a bad policy with its line, publishes a good one', async () => {
    await net.ledgerClient.submit(sign('taxGateway', 'catalogue.publish', catalogue as never));
    await waitFor(
      'catalogue',
      async () => (await http('GET', '/governance/catalogue/tax-clearance')).status === 200,
    );
    const bad = await http(
      'POST',
      '/governance/policies/check',
      { source: policySource.replace('[taxpayerId, cleared, arrears]', '[taxpayerId, salary]') },
      'tax-office',
    );
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({
      code: 'invalid-policy',
      field: '/rules/0/when/fields/1',
      line: 10,
    });
    const good = await http(
      'POST',
      '/governance/policies/check',
      { source: policySource },
      'tax-office',
    );
    expect(good.status).toBe(200);
    const published = await http(
      'POST',
      '/governance/actions',
      {
        submission: sign('taxOffice', 'policy.publish', {
          policyId: 'tax-clearance-sharing',
          version: 1,
          provider: 'taxation',
          document: good.json.document,
        }),
      },
      'tax-office',
    );
    expect(published.status).toBe(201);
    const view = await http('GET', '/governance/catalogue/tax-clearance');
    expect(view.json.policies).toEqual([
      expect.objectContaining({ policyId: 'tax-clearance-sharing', status: 'active' }),
    ]);
  });

  it('auto-approves an endorsed request: a decision.approve by the policy engine an auditor can re-run', async () => {
    await submitAndEndorse('land-1', ['taxpayerId', 'cleared']);
    await waitFor('the approval', async () => (await stateOf('land-1')).state === 'approved');
    const r = await stateOf('land-1');
    await waitFor('the follower', async () => net.entries.has(r.approval.seq));
    const approval = net.entries.get(r.approval.seq)!;
    expect(approval.entry).toMatchObject({
      type: 'decision.approve',
      actor: 'gov/policy-engine',
      body: {
        request: r.request,
        fields: ['taxpayerId', 'cleared'],
        final: true,
        policy: { id: 'tax-clearance-sharing', version: 1 },
        // The one masking profile id space the gateways resolve (contracts masking-profile.ts).
        maskingProfile: 'tax-clearance-sharing@1:registry',
      },
    });
    // The auditor: the policy from its policy.publish entry, the request and the endorse time from theirs.
    const policyEntry = [...net.entries.values()].find((e) => e.entry.type === 'policy.publish')!;
    const endorse = [...net.entries.values()].find(
      (e) =>
        e.entry.type === 'request.endorse' && (e.entry.body as Json).request.seq === r.request.seq,
    )!;
    const policy = compilePolicy((policyEntry.entry.body as Json).document, () => catalogue);
    const rerun = evaluate(
      policy,
      catalogue,
      { ...(r.body as Json), requester: 'natural-resources' },
      {
        time: endorse.entry.time,
        approvedToday: 0,
      },
    );
    expect(traceHash(rerun)).toBe((approval.entry.body as Json).traceHash);
    expect(r.deadlineKind).toBe('delivery');
  });

  it('puts a highest-grade request before two officers (four-eyes), each sign-off an entry', async () => {
    await submitAndEndorse('land-2', ['arrears']);
    await waitFor('the queue', async () => (await stateOf('land-2')).state === 'pending');
    const queue = await http('GET', '/governance/queue');
    const item = queue.json.find((q: Json) => q.requestId === 'land-2');
    expect(item).toMatchObject({ officers: 'four-eyes', deadlineKind: 'answer' });
    expect(item.evaluation.trace.map((t: Json) => t.step)).toContain('grade');
    expect(Date.parse(item.deadline)).toBeGreaterThan(Date.now());
    const ref = item.request;
    const approve = (who: Who, final: boolean): Promise<{ status: number; json: Json }> =>
      http(
        'POST',
        '/governance/actions',
        {
          submission: sign(who, 'decision.approve', {
            request: ref,
            fields: ['arrears'],
            expires: '2027-01-31T00:00:00Z',
            final,
          }),
        },
        who,
      );

    const noReasons = await http('POST', '/governance/actions', {
      submission: sign('alice', 'decision.deny', { request: ref, reasons: [] }),
    });
    expect([noReasons.status, noReasons.json.field]).toEqual([400, 'body.reasons']);

    // Four eyes, one rule (issue #6): the requester's officer signs first, not final; the
    // provider's officer gives the final approval. Each refusal: its error, nothing applied.
    const refused = async (
      who: Who,
      final: boolean,
      expected: [number, string, string],
    ): Promise<void> => {
      const r = await approve(who, final);
      expect([r.status, r.json.code, r.json.field]).toEqual(expected);
    };
    await refused('alice', false, [403, 'not-allowed', 'actor']); // the provider before the requester
    await refused('alice', true, [403, 'not-allowed', 'actor']);
    await refused('bob', true, [403, 'not-allowed', 'body.final']); // the requester's final word
    await refused('erin', false, [403, 'not-allowed', 'actor']); // a third department
    expect(await stateOf('land-2')).toMatchObject({ state: 'pending', signoffs: [] });

    const first = await approve('bob', false);
    expect(first.status).toBe(201);
    expect(first.json.request).toMatchObject({
      state: 'pending',
      signoffs: [expect.objectContaining({ officer: ACTORS.bob })],
    });
    await refused('bob', true, [409, 'duplicate', 'actor']); // the same officer again
    await refused('dave', false, [409, 'duplicate', 'actor']); // the same department again
    await refused('dave', true, [403, 'not-allowed', 'body.final']);
    await refused('erin', true, [403, 'not-allowed', 'actor']);
    await refused('alice', false, [400, 'invalid', 'body.final']); // the provider's word is final
    expect(await stateOf('land-2')).toMatchObject({
      state: 'pending',
      signoffs: [expect.objectContaining({ officer: ACTORS.bob })],
    });
    // Every refusal of these authenticated callers is on the ledger; no refused approval is.
    const rejections = (): Json[] =>
      [...net.entries.values()]
        .filter(
          (e) =>
            e.entry.type === 'rejection' && (e.entry.body as Json).attempt.ref?.seq === ref.seq,
        )
        .map((e) => ({ actor: e.entry.actor, ...(e.entry.body as Json) }));
    await waitFor('the rejections', async () => rejections().length === 10, 30_000);
    expect(rejections().map((r) => [r.attempt.type, r.code, r.field])).toEqual([
      ['decision.deny', 'malformed', 'body.reasons'],
      ['decision.approve', 'not-allowed', 'actor'],
      ['decision.approve', 'not-allowed', 'actor'],
      ['decision.approve', 'not-allowed', 'body.final'],
      ['decision.approve', 'not-allowed', 'actor'],
      ['decision.approve', 'duplicate', 'actor'],
      ['decision.approve', 'duplicate', 'actor'],
      ['decision.approve', 'not-allowed', 'body.final'],
      ['decision.approve', 'not-allowed', 'actor'],
      ['decision.approve', 'malformed', 'body.final'],
    ]);
    expect(rejections().every((r) => r.actor === 'gov/policy-engine')).toBe(true);
    expect(rejections()[5].message).toMatch(/^bob: /);
    const approvalsOf = (): Json[] =>
      [...net.entries.values()]
        .filter(
          (e) =>
            e.entry.type === 'decision.approve' && (e.entry.body as Json).request.seq === ref.seq,
        )
        .map((e) => e.entry.actor);
    expect(approvalsOf()).toEqual([ACTORS.bob]);

    const second = await approve('alice', true);
    expect(second.status).toBe(201);
    expect(second.json.request.state).toBe('approved');

    const late = await approve('alice', true);
    expect([late.status, late.json.code]).toEqual([409, 'not-pending']);

    const signed = [first.json.receipt.seq, second.json.receipt.seq];
    await waitFor('the follower', async () => signed.every((s) => net.entries.has(s)));
    expect(
      signed.map((s) => [net.entries.get(s)!.entry.type, net.entries.get(s)!.entry.actor]),
    ).toEqual([
      ['decision.approve', ACTORS.bob],
      ['decision.approve', ACTORS.alice],
    ]);
    expect(approvalsOf()).toEqual([ACTORS.bob, ACTORS.alice]);
    expect(second.json.request.approval.seq).toBe(second.json.receipt.seq);

    // An unused approval can be revoked by the provider's officer.
    const revoke = await http('POST', '/governance/actions', {
      submission: sign('alice', 'decision.revoke', {
        approval: second.json.request.approval,
        reason: 'subject objected',
      }),
    });
    expect([revoke.status, revoke.json.request.state]).toEqual([201, 'revoked']);
  });

  it("takes a correction answer (§22) from the provider's officer only, once", async () => {
    const c = await net.ledgerClient.submit(
      sign('landOffice', 'correction.request', {
        correctionId: 'flow-c-1',
        provider: 'taxation',
        datasetId: 'tax-clearance',
        fields: ['cleared'],
        issue: 'the record says uncleared; a clearance certificate was issued',
      }),
    );
    await governance.service.waitForSeq(c.seq);
    const correction = { seq: c.seq, leaf: c.leafHash };
    const answer = (who: Who): Promise<{ status: number; json: Json }> =>
      http(
        'POST',
        '/governance/actions',
        {
          submission: sign(who, 'correction.answer', {
            correction,
            outcome: 'corrected',
            note: 'corrected at source',
          }),
        },
        who,
      );
    const byRequester = await answer('bob');
    expect([byRequester.status, byRequester.json.code, byRequester.json.field]).toEqual([
      403,
      'not-allowed',
      'actor',
    ]);
    const ok = await answer('alice');
    expect(ok.status).toBe(201);
    const again = await answer('alice');
    expect([again.status, again.json.code, again.json.field]).toEqual([
      409,
      'not-pending',
      'body.correction',
    ]);
    const [row] = await governance.service.db.query(
      `SELECT state, deadline, answer_seq FROM governance_corrections WHERE correction_id = 'flow-c-1'`,
    );
    expect([row.state, row.deadline, Number(row.answer_seq)]).toEqual([
      'answered',
      null,
      ok.json.receipt.seq,
    ]);
  });

  it('answers hostile actions with a 4xx naming the field, never a 500 (fuzz)', async () => {
    const statuses = new Set<number>();
    const valid = sign('alice', 'decision.deny', {
      request: { seq: 0, leaf: '0'.repeat(64) },
      reasons: ['r'],
    });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.anything({ maxDepth: 3 }),
          fc.record({
            ...Object.fromEntries(Object.entries(valid).map(([k, v]) => [k, fc.constant(v)])),
            type: fc.constantFrom(
              'decision.approve',
              'decision.deny',
              'sanction.suspend',
              'policy.publish',
              'request',
              'x',
            ),
            body: fc.anything({ maxDepth: 2 }),
          }),
        ),
        async (submission) => {
          const res = await http('POST', '/governance/actions', { submission });
          statuses.add(res.status);
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
          expect(typeof res.json.code).toBe('string');
        },
      ),
      { numRuns: 300 },
    );
    expect(statuses.has(400)).toBe(true);
  });

  it('resumes after a restart from its cursor, without deciding twice', async () => {
    const before = (await http('GET', '/health')).json.applied as number;
    await governance.close();
    governance = await bootstrap(config);
    expect((await http('GET', '/health')).json.applied).toBeGreaterThanOrEqual(before);
    await submitAndEndorse('land-3', ['cleared']);
    await waitFor(
      'the approval',
      async () => (await stateOf('land-3')).state === 'approved',
      30_000,
    );
    const land1 = (await stateOf('land-1')).request.seq;
    const decisions = [...net.entries.values()].filter(
      (e) => e.entry.type.startsWith('decision.') && (e.entry.body as Json).request?.seq === land1,
    );
    expect(decisions).toHaveLength(1);
  });

  it('lets no account act for another department, and nobody anonymous', async () => {
    const ref = (await stateOf('land-3')).request;
    const forged = await http(
      'POST',
      '/governance/actions',
      { submission: sign('bob', 'decision.deny', { request: ref, reasons: ['r'] }) },
      'alice',
    );
    expect([forged.status, forged.json.code, forged.json.field]).toEqual([
      403,
      'not-allowed',
      'actor',
    ]);
    const res = await fetch(`${governance.url}/governance/queue`);
    expect(res.status).toBe(401);
  });

  it('declares roles on every route, and the guard keeps to them (role matrix)', async () => {
    const credentials = await roleCredentials(governance.app.get(AccessService), {
      prefix: 'matrix-',
      department: 'taxation',
      password: PASSWORD,
    });
    const report = await checkRoleMatrix(governance.app, {
      baseUrl: governance.url,
      credentials,
      params: { requestId: 'land-1', datasetId: 'tax-clearance' },
    });
    expect(report.undeclared).toEqual([]);
    expect(report.failures).toEqual([]);
  });
});
