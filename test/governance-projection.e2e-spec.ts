// The governance projection on a real PostgreSQL database, fed entries directly (no NATS):
// catalogue versions and added conditions, entries that break the rules ignored, deadline
// breaches escalating on ledger time, missing materials, sanctions, the same outbox for
// the same log (decisions are deterministic functions of the log), and four-eyes sign-offs
// out of the one order (requester first, provider final) ignored with nothing applied.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  validateGovernanceBody,
  type CataloguePublishBody,
  type GovernanceEntryType,
} from '@govx/contracts';
import { getSuite } from '@govx/crypto';
import { connectGovernanceDatabase, GovernanceProjection } from '@govx/governance';
import { WorkingCalendar } from '@govx/policy';
import type { DataSource } from 'typeorm';
import {
  dropDatabases,
  numberedDatabases,
  POSTGRES,
  testDatabaseName,
} from './support/databases.js';
import { catalogueEntry, catalogueField, dataRequest } from './support/fixtures.js';

const PREFIX = testDatabaseName('governance_projection');
const engineKey = getSuite('intl').generateSigningKey();

const v1 = catalogueEntry({
  sharing: {
    category: 'conditional',
    conditions: ['registration only'],
    scope: 'one person',
    purposes: ['land registration'],
  },
});
const v2: CataloguePublishBody = {
  ...v1,
  version: 2,
  sharing: { ...v1.sharing, conditions: ['registration only', 'a notarised consent'] },
};
const request = (requestId: string): Record<string, unknown> =>
  dataRequest(requestId, {
    datasetVersion: 2,
    scenario: 'registration',
    scope: 'the seller',
    duty: 'registration',
  });
const leaf = (seq: number): string => seq.toString(16).padStart(64, '0');
const ref = (seq: number): { seq: number; leaf: string } => ({ seq, leaf: leaf(seq) });

// [type, actor, time, body]: the log both databases apply.
const LOG: [string, string, string, Record<string, unknown>][] = [
  ['catalogue.publish', 'dept/taxation/gateway', '2026-11-20T01:00:00.000Z', v1 as never],
  ['catalogue.publish', 'dept/taxation/gateway', '2026-11-21T01:00:00.000Z', v2 as never],
  [
    'catalogue.publish',
    'dept/health/gateway',
    '2026-11-21T02:00:00.000Z',
    { ...v2, version: 3 } as never,
  ],
  ['request', 'dept/natural-resources/gateway', '2026-11-23T01:00:00.000Z', request('r-1')],
  ['request.endorse', 'dept/taxation/office', '2026-11-23T01:00:01.000Z', { request: ref(3) }],
  [
    'request.endorse',
    'dept/natural-resources/office',
    '2026-11-23T01:00:02.000Z',
    { request: ref(3) },
  ],
  // Ledger time passes the answer deadline (10 working days: end of Mon 7 Dec, Beijing).
  [
    'sanction.lift',
    'dept/taxation/officer/alice',
    '2026-12-08T00:00:00.000Z',
    { department: 'education', reason: 'remedied' },
  ],
  [
    'sanction.lift',
    'dept/taxation/officer/alice',
    '2026-12-08T10:00:00.000Z',
    { department: 'education', reason: 'remedied' },
  ],
  [
    'sanction.lift',
    'dept/taxation/officer/alice',
    '2026-12-09T16:00:00.000Z',
    { department: 'education', reason: 'remedied' },
  ],
  [
    'decision.materials',
    'dept/taxation/officer/alice',
    '2026-12-10T01:00:00.000Z',
    { request: ref(3), missing: ['the notarised consent', 'the parcel number'] },
  ],
  [
    'sanction.suspend',
    'dept/taxation/officer/alice',
    '2026-12-10T02:00:00.000Z',
    {
      department: 'natural-resources',
      reason: 'data used beyond its purpose',
      remedyBy: '2027-01-31',
    },
  ],
  ['request', 'dept/natural-resources/gateway', '2026-12-10T03:00:00.000Z', request('r-2')],
  [
    'request.endorse',
    'dept/natural-resources/office',
    '2026-12-10T03:00:01.000Z',
    { request: ref(11) },
  ],
  // r-3 from another department: one officer, an extension, approval, delivery.
  ['request', 'dept/education/gateway', '2026-12-11T01:00:00.000Z', request('r-3')],
  ['request.endorse', 'dept/education/office', '2026-12-11T01:00:01.000Z', { request: ref(13) }],
  [
    'decision.extend',
    'dept/taxation/officer/alice',
    '2026-12-14T01:00:00.000Z',
    { request: ref(13), days: 5, authority: 'provincial data bureau' },
  ],
  [
    'decision.extend',
    'dept/taxation/officer/alice',
    '2026-12-14T02:00:00.000Z',
    { request: ref(13), days: 6, authority: 'provincial data bureau' },
  ],
  [
    'decision.approve',
    'dept/education/officer/eve',
    '2026-12-15T01:00:00.000Z',
    { request: ref(13), fields: ['cleared'], expires: '2027-01-15T00:00:00Z', final: true },
  ],
  [
    'decision.approve',
    'dept/taxation/officer/alice',
    '2026-12-15T02:00:00.000Z',
    { request: ref(13), fields: ['cleared'], expires: '2027-01-15T00:00:00Z', final: true },
  ],
  [
    'transfer',
    'dept/taxation/gateway',
    '2026-12-16T01:00:00.000Z',
    { request: ref(13), approval: ref(18) },
  ],
  [
    'decision.revoke',
    'dept/taxation/officer/alice',
    '2026-12-16T02:00:00.000Z',
    { approval: ref(18), reason: 'too late' },
  ],
];

describe('GovernanceProjection (PostgreSQL)', () => {
  const dbs: DataSource[] = [];
  const projection = new GovernanceProjection({
    engineKey,
    calendar: new WorkingCalendar(),
    approvalValidityDays: 20,
  });
  const replay = async (db: DataSource): Promise<void> => {
    for (const [seq, [type, actor, time, body]] of LOG.entries())
      await db.transaction((m) =>
        projection.apply(m, { seq, type, actor, time, body: body as never, leafHash: leaf(seq) }),
      );
  };

  beforeAll(async () => {
    for (const n of [1, 2, 3])
      dbs.push(await connectGovernanceDatabase(`${POSTGRES}/${PREFIX}_${n}`));
  });

  afterAll(async () => {
    for (const db of dbs) await db.destroy();
    await dropDatabases(numberedDatabases(PREFIX));
  });

  it('applies the log: versions, refusals, breaches, materials, sanctions', async () => {
    const db = dbs[0]!;
    await replay(db);
    const catalogue = await db.query(
      'SELECT version, conditions_added FROM governance_catalogue ORDER BY version',
    );
    expect(catalogue).toEqual([
      { version: 1, conditions_added: [] },
      { version: 2, conditions_added: ['condition: a notarised consent'] },
    ]);
    const [r1] = await db.query(`SELECT * FROM governance_requests WHERE request_id = 'r-1'`);
    expect(r1.state).toBe('materials');
    expect(r1.breach).toBe('authority');
    expect(r1.history.map((h: { note?: string }) => h.note ?? '')).toContainEqual(
      expect.stringContaining('only the office of natural-resources endorses'),
    );
    const outbox = (await db.query(
      'SELECT idem, submission FROM governance_outbox ORDER BY idem',
    )) as {
      idem: string;
      submission: { type: string; actor: string; body: Record<string, unknown> };
    }[];
    const breaches = outbox.filter((o) => o.submission.type === 'deadline.breach');
    expect(breaches.map((b) => b.submission.body)).toEqual([
      {
        request: ref(3),
        deadline: '2026-12-07T16:00:00.000Z',
        kind: 'answer',
        escalation: 'authority',
      },
      {
        request: ref(3),
        deadline: '2026-12-07T16:00:00.000Z',
        kind: 'answer',
        escalation: 'notice',
      },
    ]);
    const deny = outbox.find((o) => o.submission.type === 'decision.deny')!;
    expect(deny.submission.actor).toBe('gov/policy-engine');
    expect(deny.submission.body).toEqual({
      request: ref(11),
      reasons: [
        'the sharing rights of natural-resources are suspended (§27): data used beyond its purpose',
      ],
    });
    const [r3] = await db.query(`SELECT * FROM governance_requests WHERE request_id = 'r-3'`);
    expect([r3.state, r3.officers, r3.extension_days, Number(r3.approval_seq)]).toEqual([
      'delivered',
      'one',
      5,
      18,
    ]);
    const notes = r3.history.map((h: { seq: number; note?: string }) => [
      h.seq,
      h.note ?? 'applied',
    ]);
    expect(notes).toEqual([
      [13, 'applied'],
      [14, 'applied'],
      [15, 'applied'],
      [16, expect.stringContaining('at most 10 working days')],
      [17, expect.stringContaining('only an officer of taxation decides')],
      [18, 'applied'],
      [19, 'applied'],
    ]);
    for (const o of outbox)
      validateGovernanceBody(o.submission.type as GovernanceEntryType, o.submission.body);
  });

  it('applies four-eyes sign-offs only in the one order: the requester first, the provider final', async () => {
    const db = dbs[2]!;
    const core: CataloguePublishBody = {
      ...v1,
      fields: [
        ...v1.fields,
        catalogueField('arrears', {
          type: 'number',
          classification: 'sensitive-personal',
          grade: 'core',
        }),
      ],
    };
    const approve = (
      who: string,
      final: boolean,
      fields = ['arrears'],
    ): [string, string, Record<string, unknown>] => [
      'decision.approve',
      who,
      { request: ref(1), fields, expires: '2027-01-15T00:00:00Z', final },
    ];
    const log: [string, string, Record<string, unknown>][] = [
      ['catalogue.publish', 'dept/taxation/gateway', core as never],
      [
        'request',
        'dept/natural-resources/gateway',
        { ...request('fe-1'), datasetVersion: 1, fields: ['arrears'] },
      ],
      ['request.endorse', 'dept/natural-resources/office', { request: ref(1) }],
      approve('dept/taxation/officer/alice', false), // 3: the provider first
      approve('dept/taxation/officer/alice', true), // 4: the provider alone
      approve('dept/natural-resources/officer/bob', true), // 5: the requester's final word
      approve('dept/health/officer/eve', false), // 6: a third department
      approve('dept/natural-resources/officer/bob', false, ['arrears', 'cleared']), // 7: beyond the request
      approve('dept/natural-resources/officer/bob', false), // 8: the first sign-off
      approve('dept/natural-resources/officer/dan', false), // 9: the same department again
      approve('dept/natural-resources/officer/dan', true), // 10: the requester's final word
      approve('dept/taxation/officer/alice', false), // 11: the provider's word is final
      approve('dept/taxation/officer/alice', true), // 12: the final approval
      approve('dept/taxation/officer/carol', true), // 13: a second final approval
      approve('dept/natural-resources/officer/qian', false), // 14: a sign-off after it
      approve('dept/taxation/officer/alice', true), // 15: the same final approval again
      [
        'decision.approve',
        'gov/policy-engine',
        {
          request: ref(1),
          fields: ['arrears'],
          expires: '2027-01-15T00:00:00Z',
          final: true,
          policy: { id: 'category-default', version: 1 },
          traceHash: 'ab'.repeat(32),
        },
      ], // 16: the engine after the officers
    ];
    for (const [seq, [type, actor, body]] of log.entries())
      await db.transaction((m) =>
        projection.apply(m, {
          seq,
          type,
          actor,
          time: `2026-11-23T01:00:${String(seq).padStart(2, '0')}.000Z`,
          body: body as never,
          leafHash: leaf(seq),
        }),
      );
    const [r] = await db.query(`SELECT * FROM governance_requests WHERE request_id = 'fe-1'`);
    expect([r.officers, r.state, Number(r.approval_seq)]).toEqual(['four-eyes', 'approved', 12]);
    expect(r.signoffs.map((x: { officer: string; seq: number }) => [x.seq, x.officer])).toEqual([
      [8, 'dept/natural-resources/officer/bob'],
      [12, 'dept/taxation/officer/alice'],
    ]);
    const notes = r.history
      .filter((h: { seq: number }) => h.seq >= 3)
      .map((h: { seq: number; note?: string }) => [h.seq, h.note ?? 'applied']);
    expect(notes).toEqual([
      [
        3,
        expect.stringMatching(/^ignored: four-eyes: an officer of natural-resources signs first/),
      ],
      [
        4,
        expect.stringMatching(/^ignored: four-eyes: an officer of natural-resources signs first/),
      ],
      [5, expect.stringMatching(/^ignored: .*never the final approval/)],
      [6, expect.stringMatching(/^ignored: four-eyes takes .* not of health/)],
      [7, 'ignored: approves fields the request did not ask for: cleared'],
      [8, 'applied'],
      [9, expect.stringMatching(/^ignored: an officer of natural-resources already signed/)],
      [10, expect.stringMatching(/^ignored: .*never the final approval/)],
      [11, expect.stringMatching(/^ignored: four-eyes: this sign-off by taxation is the final/)],
      [12, 'applied'],
      [13, 'ignored: request is approved, not pending'],
      [14, 'ignored: request is approved, not pending'],
      [15, 'ignored: request is approved, not pending'],
      [16, expect.stringMatching(/^ignored: request is approved: the policy engine decides once/)],
    ]);
  });

  it('owes the same entries, byte for byte, when another database replays the same log', async () => {
    await replay(dbs[1]!);
    const read = (db: DataSource): Promise<unknown> =>
      db.query('SELECT idem, submission FROM governance_outbox ORDER BY idem');
    expect(await read(dbs[1]!)).toEqual(await read(dbs[0]!));
  });
});
