// Governance's timed duties on a real PostgreSQL database with a manual clock (days pass at
// once, nobody sleeps): answer deadlines, correction requests (§22) and suspensions (§27) fall
// due by the wall clock while the ledger is idle; each owed entry is written once, under the
// same idempotency key and bytes the ledger-time path writes; placed entries are applied.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getSuite } from '@govx/crypto';
import {
  connectGovernanceDatabase,
  countApprovedOnDay,
  DutyTimer,
  GovernanceProjection,
  ManualClock,
} from '@govx/governance';
import { WorkingCalendar } from '@govx/policy';
import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import {
  dropDatabases,
  numberedDatabases,
  POSTGRES,
  testDatabaseName,
} from './support/databases.js';
import { catalogueEntry, catalogueField, dataRequest } from './support/fixtures.js';

const PREFIX = testDatabaseName('governance_duties');
const engineKey = getSuite('intl').generateSigningKey();
const GRACE = 2_000;
const APPROVED_AT = '2026-11-27T02:00:06.000Z';

const catalogue = catalogueEntry({
  datasetId: 'household',
  name: 'Household register',
  provider: 'public-security',
  fields: [catalogueField('members', { type: 'integer' })],
});
const request = dataRequest('q-1', {
  provider: 'public-security',
  datasetId: 'household',
  fields: ['members'],
  purpose: 'social assistance',
  legalBasis: 'Social Assistance Measures art. 9',
  scenario: 'eligibility check',
  scope: 'the applicant',
  duty: 'minimum living allowance',
});
const leaf = (seq: number): string => seq.toString(16).padStart(64, 'c');
const ref = (seq: number): { seq: number; leaf: string } => ({ seq, leaf: leaf(seq) });

// Friday 27 Nov 2026, 10:00 in Beijing; the ledger is idle after it.
const LOG: [string, string, string, Record<string, unknown>][] = [
  [
    'catalogue.publish',
    'dept/public-security/gateway',
    '2026-11-27T01:00:00.000Z',
    catalogue as never,
  ],
  ['request', 'dept/civil-affairs/gateway', '2026-11-27T02:00:00.000Z', request],
  [
    'sanction.suspend',
    'dept/public-security/officer/zhao',
    '2026-11-27T02:00:01.000Z',
    {
      department: 'education',
      reason: 'data kept beyond its time limit',
      remedyBy: '2026-12-04',
    },
  ],
  [
    'correction.request',
    'dept/civil-affairs/office',
    '2026-11-27T02:00:02.000Z',
    {
      correctionId: 'c-1',
      provider: 'public-security',
      datasetId: 'household',
      fields: ['members'],
      issue: 'the register lists a member who moved out in 2024',
    },
  ],
  [
    'sanction.suspend',
    'dept/public-security/officer/zhao',
    '2026-11-27T02:00:03.000Z',
    {
      department: 'health',
      reason: 'data used beyond its purpose',
      remedyBy: '2026-12-01',
    },
  ],
  [
    'sanction.lift',
    'dept/public-security/officer/zhao',
    '2026-11-27T02:00:04.000Z',
    {
      department: 'health',
      reason: 'remedied',
    },
  ],
];

interface Owed {
  idem: string;
  submission: { type: string; actor: string; body: Record<string, unknown> };
}

describe('governance timed duties (PostgreSQL, manual clock)', () => {
  const dbs: DataSource[] = [];
  const calendar = new WorkingCalendar();
  const projection = new GovernanceProjection({ engineKey, calendar, approvalValidityDays: 20 });
  let seq = 0;
  const apply = (
    db: DataSource,
    type: string,
    actor: string,
    time: string,
    body: unknown,
  ): Promise<void> =>
    db.transaction((m) =>
      projection.apply(m, {
        seq: seq,
        type,
        actor,
        time,
        body: body as never,
        leafHash: leaf(seq++),
      }),
    );
  const outbox = async (db: DataSource): Promise<Owed[]> =>
    (await db.query('SELECT idem, submission FROM governance_outbox ORDER BY idem')) as Owed[];
  /** The endorsement, and the category default's approval placed back by the ledger. */
  const endorseAndApprove = async (db: DataSource): Promise<void> => {
    await apply(db, 'request.endorse', 'dept/civil-affairs/office', '2026-11-27T02:00:05.000Z', {
      request: ref(1),
    });
    const approve = (await outbox(db)).find((o) => o.idem === 'gov-decision-1')!;
    expect(approve.submission.type).toBe('decision.approve');
    await apply(db, 'decision.approve', 'gov/policy-engine', APPROVED_AT, approve.submission.body);
  };

  beforeAll(async () => {
    for (const n of [1, 2]) dbs.push(await connectGovernanceDatabase(`${POSTGRES}/${PREFIX}_${n}`));
  });

  afterAll(async () => {
    for (const db of dbs) await db.destroy();
    await dropDatabases(numberedDatabases(PREFIX));
  });

  it('fires deadlines, a correction breach and a termination by the wall clock on an idle ledger', async () => {
    const db = dbs[0]!;
    seq = 0;
    for (const [type, actor, time, body] of LOG) await apply(db, type, actor, time, body);
    await endorseAndApprove(db);
    // The unconditional request was auto-approved by the category default: its delivery
    // deadline is 20 working days away.
    const clock = new ManualClock('2026-11-27T02:00:05.000Z');
    const timer = new DutyTimer({
      clock,
      graceMs: GRACE,
      maxSleepMs: 86_400_000 * 30,
      log: () => undefined,
      run: async () => {
        await db.transaction((m) =>
          projection.sweep(m, new Date(clock.now() - GRACE).toISOString()),
        );
        return projection.nextDue(db.manager);
      },
    });
    timer.arm(await projection.nextDue(db.manager));
    const types = async (): Promise<string[]> =>
      (await outbox(db)).map((o) => `${o.submission.type}:${o.idem}`).sort();
    const before = await types();
    expect(before).toEqual([`decision.approve:gov-decision-1`]);

    // The correction deadline: 10 working days from Friday 27 Nov → end of Fri 11 Dec (Beijing).
    const correctionDue = calendar.addWorkingDays('2026-11-27T02:00:02.000Z', 10);
    expect(correctionDue).toBe('2026-12-11T16:00:00.000Z');
    // The education suspension ends with 4 Dec (Beijing): the timer is armed for it + grace.
    const remedyEnd = calendar.endOfLocalDate('2026-12-04');
    expect(timer.armedAt).toBe(Date.parse(remedyEnd) + GRACE);

    clock.set(Date.parse(remedyEnd) + GRACE - 1);
    await timer.settled();
    expect(await types()).toEqual(before);
    clock.advance(1);
    await timer.settled();
    const terminate = (await outbox(db)).find((o) => o.submission.type === 'sanction.terminate')!;
    expect(terminate.idem).toBe('gov-terminate-2');
    expect(terminate.submission.actor).toBe('gov/policy-engine');
    expect(terminate.submission.body).toEqual({
      department: 'education',
      reason: 'the remedy period ended (2026-12-04) without a sanction.lift (§27)',
      suspension: ref(2),
    });

    clock.set(Date.parse(correctionDue) + GRACE);
    await timer.settled();
    const authorityAt = Date.parse(calendar.addWorkingDays(correctionDue, 1)) + GRACE;
    expect(timer.armedAt).toBe(authorityAt);
    clock.set(authorityAt);
    await timer.settled();
    const breaches = (await outbox(db)).filter((o) => o.submission.type === 'deadline.breach');
    expect(breaches.map((b) => b.submission.body)).toEqual([
      { request: ref(3), deadline: correctionDue, kind: 'correction', escalation: 'authority' },
      { request: ref(3), deadline: correctionDue, kind: 'correction', escalation: 'notice' },
    ]);
    // The lifted health suspension never terminates; nothing else is owed, once.
    await timer.fire();
    expect((await types()).filter((t) => t.startsWith('sanction.terminate'))).toEqual([
      'sanction.terminate:gov-terminate-2',
    ]);

    // The engine's entries come back from the ledger, placed at max(now, last time).
    const placed = new Date(clock.now()).toISOString();
    await apply(db, 'deadline.breach', 'gov/policy-engine', placed, breaches[1]!.submission.body);
    await apply(db, 'sanction.terminate', 'gov/policy-engine', placed, terminate.submission.body);
    const [education] = await db.query(
      `SELECT state FROM governance_sanctions WHERE department = 'education'`,
    );
    expect(education.state).toBe('terminated');
    const [c1] = await db.query(`SELECT * FROM governance_corrections WHERE correction_id = 'c-1'`);
    expect(c1.state).toBe('open');
    expect(c1.history.at(-1).note).toBe(`correction notice at ${placed}`);
    // A late answer closes it; a second answer is ignored (not pending).
    await apply(db, 'correction.answer', 'dept/public-security/officer/zhao', placed, {
      correction: ref(3),
      outcome: 'corrected',
      note: 'the member was removed at source',
    });
    await apply(db, 'correction.answer', 'dept/public-security/gateway', placed, {
      correction: ref(3),
      outcome: 'no-error',
      note: 'again',
    });
    const [c1after] = await db.query(
      `SELECT * FROM governance_corrections WHERE correction_id = 'c-1'`,
    );
    expect([c1after.state, c1after.deadline, Number(c1after.answer_seq)]).toEqual([
      'answered',
      null,
      10,
    ]);
    expect(c1after.history.at(-1).note).toContain('the correction is answered');
    expect(await projection.nextDue(db.manager)).toBe(calendar.addWorkingDays(APPROVED_AT, 20));
    await timer.stop();
  });

  it('owes the same entries, byte for byte, when ledger time alone brings them due', async () => {
    // Replay the log into a second database; one later entry's ledger time does what the
    // wall clock did: the same idempotency keys and the same signed bytes.
    const db = dbs[1]!;
    seq = 0;
    for (const [type, actor, time, body] of LOG) await apply(db, type, actor, time, body);
    await endorseAndApprove(db);
    const later = (time: string): Promise<void> =>
      apply(db, 'catalogue.retire', 'dept/health/gateway', time, {
        datasetId: 'nothing',
        version: 1,
        reason: 'a clock tick',
      });
    await later('2026-12-04T16:00:00.000Z');
    await later('2026-12-11T16:00:00.000Z');
    await later('2026-12-14T16:00:00.000Z');
    expect(await outbox(db)).toEqual(await outbox(dbs[0]!).then((o) => o));
  });

  it('refuses an engine termination of a lifted or unexpired suspension', async () => {
    const db = await connectGovernanceDatabase(`${POSTGRES}/${PREFIX}_3`);
    try {
      seq = 0;
      for (const [type, actor, time, body] of LOG) await apply(db, type, actor, time, body);
      // health was lifted (seq 5); education's remedy has not ended at this time.
      await apply(db, 'sanction.terminate', 'gov/policy-engine', '2026-12-02T00:00:00.000Z', {
        department: 'health',
        reason: 'the remedy period ended',
        suspension: ref(4),
      });
      await apply(db, 'sanction.terminate', 'gov/policy-engine', '2026-12-02T00:00:00.000Z', {
        department: 'education',
        reason: 'the remedy period ended',
        suspension: ref(2),
      });
      const rows = await db.query(
        'SELECT department, state FROM governance_sanctions ORDER BY department',
      );
      expect(rows).toEqual([
        { department: 'education', state: 'suspended' },
        { department: 'health', state: 'lifted' },
      ]);
    } finally {
      await db.destroy();
    }
  });

  it('counts a quota with one indexed query, as a scan of the rows would (property)', async () => {
    const db = dbs[0]!;
    await db.query(`DELETE FROM governance_requests WHERE request_id LIKE 'quota-%'`);
    const base = Date.parse('2026-12-01T00:00:00.000Z');
    const rows = fc.sample(
      fc.record({
        requester: fc.constantFrom('a', 'b'),
        dataset: fc.constantFrom('d1', 'd2'),
        at: fc.option(fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }), { nil: null }),
      }),
      { numRuns: 300, seed: 7 },
    );
    for (const [i, r] of rows.entries())
      await db.query(
        `INSERT INTO governance_requests (seq, leaf, request_id, requester, provider, dataset_id,
          body, state, approved_at) VALUES ($1, 'x', $2, $3, 'p', $4, '{}', 'approved', $5)`,
        [
          1_000_000 + i,
          `quota-${i}`,
          r.requester,
          r.dataset,
          r.at === null ? null : new Date(base + r.at).toISOString(),
        ],
      );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }),
        fc.constantFrom(-300, 0, 480, 840),
        fc.constantFrom('a', 'b'),
        fc.constantFrom('d1', 'd2'),
        async (at, offset, requester, dataset) => {
          const now = new Date(base + at).toISOString();
          const day = (iso: string): string =>
            new Date(Date.parse(iso) + offset * 60_000).toISOString().slice(0, 10);
          const naive = rows.filter(
            (r) =>
              r.requester === requester &&
              r.dataset === dataset &&
              r.at !== null &&
              day(new Date(base + r.at).toISOString()) === day(now),
          ).length;
          expect(await countApprovedOnDay(db.manager, requester, dataset, now, offset)).toBe(naive);
        },
      ),
      { numRuns: 200 },
    );
    await db.query(`DELETE FROM governance_requests WHERE request_id LIKE 'quota-%'`);
  });
});
