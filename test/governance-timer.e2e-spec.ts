// Deadlines on an idle ledger, end to end on a real 3-node NATS cluster and 3 ledger nodes:
// governance's wall-clock timer submits the breaches and the termination nobody else's entry
// would bring due, and the ledger's own time on each (max(now, last entry's time)) proves the
// deadline had passed. Time is compressed (a working day lasts DAY_MS), nobody sleeps for days.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DeadlineBreachBody, SanctionBody } from '@govx/contracts';
import { GovernanceService, type GovernanceConfig } from '@govx/governance';
import { WorkingCalendar, type CalendarConfig } from '@govx/policy';
import { startActorLedger, type ActorLedger } from './support/actor-ledger.js';
import { POSTGRES, testDatabaseName } from './support/databases.js';
import { catalogueEntry, catalogueField, dataRequest } from './support/fixtures.js';
import { waitFor } from './support/ledger-harness.js';
import { createSigner } from './support/signer.js';

const DAY_MS = 600;
const GRACE_MS = 200;
const DATABASE = testDatabaseName('governance_timer');

// One core field: a highest-grade request waits for officers, and nobody answers it.
const catalogue = catalogueEntry({
  datasetId: 'tax-arrears',
  name: 'Tax arrears',
  fields: [catalogueField('arrears', { type: 'number', grade: 'core' })],
});

describe('governance duty timer (e2e, idle ledger)', () => {
  let net: ActorLedger;
  let service: GovernanceService;
  let calendar: WorkingCalendar;
  const { sign, keys, registry } = createSigner(
    {
      taxGateway: 'dept/taxation/gateway',
      landGateway: 'dept/natural-resources/gateway',
      landOffice: 'dept/natural-resources/office',
      alice: 'dept/taxation/officer/alice',
      engine: 'gov/policy-engine',
    },
    'gov-timer-e2e',
  );

  beforeAll(async () => {
    net = await startActorLedger('governance_timer', registry);
    const calendarConfig: CalendarConfig = {
      weekend: [],
      compressed: { epoch: new Date().toISOString(), dayMs: DAY_MS },
    };
    calendar = new WorkingCalendar(calendarConfig);
    const config: GovernanceConfig = {
      natsServers: net.nats.urls,
      databaseUrl: `${POSTGRES}/${DATABASE}`,
      http: { host: '127.0.0.1', port: 0 },
      engineKey: keys.engine,
      calendar: calendarConfig,
      approvalValidityDays: 20,
      tokenSecret: new Uint8Array(randomBytes(32)),
      timer: { graceMs: GRACE_MS, maxSleepMs: 60_000 },
    };
    service = await GovernanceService.start(config);
  });

  afterAll(async () => {
    await service?.stop();
    await net?.stop([DATABASE]);
  });

  it('breaches an answer and a correction deadline, and terminates an unremedied suspension, with nothing else arriving', async () => {
    await net.ledgerClient.submit(sign('taxGateway', 'catalogue.publish', catalogue as never));
    const request = await net.ledgerClient.submit(
      sign(
        'landGateway',
        'request',
        dataRequest('timer-1', {
          datasetId: 'tax-arrears',
          fields: ['arrears'],
          scenario: 'registration of a transfer',
          timeLimit: '2099-06-30',
        }),
      ),
    );
    const requestRef = { seq: request.seq, leaf: request.leafHash };
    await net.ledgerClient.submit(sign('landOffice', 'request.endorse', { request: requestRef }));
    const correction = await net.ledgerClient.submit(
      sign('landOffice', 'correction.request', {
        correctionId: 'timer-c-1',
        provider: 'taxation',
        datasetId: 'tax-arrears',
        fields: ['arrears'],
        issue: 'arrears paid in full are still listed',
      }),
    );
    const remedyBy = calendar.localDate(new Date(Date.now() + 2 * DAY_MS).toISOString());
    const suspension = await net.ledgerClient.submit(
      sign('alice', 'sanction.suspend', {
        department: 'education',
        reason: 'data used beyond its purpose',
        remedyBy,
      }),
    );
    // From here on nobody submits: only governance's timer can bring anything due.
    await waitFor(
      'two breaches per deadline and a termination',
      async () =>
        net.ofType('deadline.breach').length >= 4 && net.ofType('sanction.terminate').length >= 1,
      60_000,
    );
    const pending = await service.request('timer-1');
    expect(pending?.state).toBe('pending'); // highest grade: before officers, never answered

    const breaches = net.ofType('deadline.breach').map((e) => ({
      time: e.entry.time,
      actor: e.entry.actor,
      body: e.entry.body as unknown as DeadlineBreachBody,
    }));
    expect(
      breaches.map((b) => [b.body.request.seq, b.body.kind, b.body.escalation]).sort(),
    ).toEqual(
      [
        [correction.seq, 'correction', 'authority'],
        [correction.seq, 'correction', 'notice'],
        [request.seq, 'answer', 'authority'],
        [request.seq, 'answer', 'notice'],
      ].sort(),
    );
    for (const b of breaches) {
      expect(b.actor).toBe('gov/policy-engine');
      // The ledger's own time on the entry proves the deadline had passed.
      const due =
        b.body.escalation === 'notice'
          ? b.body.deadline
          : calendar.addWorkingDays(b.body.deadline, 1);
      expect(Date.parse(b.time)).toBeGreaterThanOrEqual(Date.parse(due));
    }
    const [terminate] = net.ofType('sanction.terminate');
    const body = terminate!.entry.body as unknown as SanctionBody;
    expect(terminate!.entry.actor).toBe('gov/policy-engine');
    expect(body.suspension).toEqual({ seq: suspension.seq, leaf: suspension.leafHash });
    expect(Date.parse(terminate!.entry.time)).toBeGreaterThanOrEqual(
      Date.parse(calendar.endOfLocalDate(remedyBy)),
    );

    // Each lands once: more wake-ups, then everything owed is flushed and applied.
    await service.timer.fire();
    await service.timer.fire();
    await service.flushOutbox();
    const tip = Math.max(...net.entries.keys());
    await service.waitForSeq(tip);
    expect(net.ofType('deadline.breach')).toHaveLength(4);
    expect(net.ofType('sanction.terminate')).toHaveLength(1);
    const [sanction] = await service.db.query(
      `SELECT state FROM governance_sanctions WHERE department = 'education'`,
    );
    expect(sanction.state).toBe('terminated');
    const [c] = await service.db.query(
      `SELECT state, breach FROM governance_corrections WHERE correction_id = 'timer-c-1'`,
    );
    expect(c).toEqual({ state: 'open', breach: 'authority' });
  });
});
