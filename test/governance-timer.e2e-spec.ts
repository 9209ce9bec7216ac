// Deadlines on an idle ledger, end to end on a real 3-node NATS cluster and 3 ledger nodes:
// governance's wall-clock timer submits the breaches and the termination nobody else's entry
// would bring due, and the ledger's own time on each (max(now, last entry's time)) proves the
// deadline had passed. Time is compressed (a working day lasts DAY_MS), nobody sleeps for days.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  connectBus,
  LedgerClient,
  NatsCluster,
  type FollowedEntry,
  type NatsConnection,
} from '@govx/bus';
import type { CataloguePublishBody, DeadlineBreachBody, SanctionBody } from '@govx/contracts';
import { getSuite, type SigningPrivateKey } from '@govx/crypto';
import { GovernanceService, type GovernanceConfig } from '@govx/governance';
import { createSubmission, type Submission } from '@govx/ledger-core';
import { WorkingCalendar, type CalendarConfig } from '@govx/policy';
import pg from 'pg';
import { LocalLedgerCluster } from '../apps/cli/src/up/ledger-cluster.js';
import { POSTGRES, waitFor } from './support/ledger-harness.js';

const ACTORS = {
  taxGateway: 'dept/taxation/gateway',
  landGateway: 'dept/natural-resources/gateway',
  landOffice: 'dept/natural-resources/office',
  alice: 'dept/taxation/officer/alice',
  engine: 'gov/policy-engine',
} as const;
type Who = keyof typeof ACTORS;

const DAY_MS = 600;
const GRACE_MS = 200;
const DATABASE = `govx_test_governance_timer_${process.pid}`;
const LEDGER_PREFIX = `govx_test_governance_timer_ledger_${process.pid}`;

const catalogue: CataloguePublishBody = {
  datasetId: 'tax-arrears',
  version: 1,
  name: 'Tax arrears',
  provider: 'taxation',
  fields: [
    { name: 'arrears', type: 'number', classification: 'personal', grade: 'core', masking: 'none' },
  ],
  format: 'json',
  updateFrequency: 'daily',
  sharing: { category: 'unconditional' },
  methods: ['api'],
  secrecy: 'none',
};

describe('governance duty timer (e2e, idle ledger)', () => {
  let dir: string;
  let nats: NatsCluster;
  let ledger: LocalLedgerCluster;
  let client: NatsConnection;
  let ledgerClient: LedgerClient;
  let service: GovernanceService;
  let calendar: WorkingCalendar;
  const keys = Object.fromEntries(
    Object.keys(ACTORS).map((k) => [k, getSuite('intl').generateSigningKey()]),
  ) as Record<Who, SigningPrivateKey>;
  const entries = new Map<number, FollowedEntry>();
  let counter = 0;
  const sign = (who: Who, type: string, body: Record<string, unknown>): Submission =>
    createSubmission(
      {
        type,
        actor: ACTORS[who],
        idem: `gov-timer-e2e-${process.pid}-${counter++}`,
        body: body as never,
      },
      keys[who],
    );
  const ofType = (type: string): FollowedEntry[] =>
    [...entries.values()].filter((e) => e.entry.type === type);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'govx-governance-timer-'));
    nats = await NatsCluster.start({ size: 3, dir: join(dir, 'nats') });
    ledger = await LocalLedgerCluster.start({
      dir: join(dir, 'ledger'),
      natsServers: nats.urls,
      postgresUrl: POSTGRES,
      databasePrefix: LEDGER_PREFIX,
      keys: (Object.keys(ACTORS) as Who[]).map((w) => ({
        actor: ACTORS[w],
        publicKeyPem: keys[w].publicKey.toPem(),
      })),
      checkpoint: { everyEntries: 50, everyMs: 300 },
    });
    await ledger.waitForSequencer();
    client = await connectBus({ servers: nats.urls, name: 'governance-timer-e2e' });
    ledgerClient = new LedgerClient(client);
    ledgerClient.follow(0, async (e) => void entries.set(e.seq, e));
    const calendarConfig: CalendarConfig = {
      weekend: [],
      compressed: { epoch: new Date().toISOString(), dayMs: DAY_MS },
    };
    calendar = new WorkingCalendar(calendarConfig);
    const config: GovernanceConfig = {
      natsServers: nats.urls,
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
    await client?.drain();
    await ledger?.stop();
    await nats?.stop();
    const admin = new pg.Client({ connectionString: `${POSTGRES}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    for (let i = 1; i <= 3; i++)
      await admin.query(`DROP DATABASE IF EXISTS ${LEDGER_PREFIX}_${i} WITH (FORCE)`);
    await admin.end();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('breaches an answer and a correction deadline, and terminates an unremedied suspension, with nothing else arriving', async () => {
    await ledgerClient.submit(sign('taxGateway', 'catalogue.publish', catalogue as never));
    const request = await ledgerClient.submit(
      sign('landGateway', 'request', {
        requestId: 'timer-1',
        provider: 'taxation',
        datasetId: 'tax-arrears',
        datasetVersion: 1,
        fields: ['arrears'],
        purpose: 'land registration',
        legalBasis: 'Civil Code art. 214',
        scenario: 'registration of a transfer',
        scope: 'the seller named',
        method: 'api',
        timeLimit: '2099-06-30',
        duty: 'real-estate registration',
        subjectCommitment: 'ab'.repeat(32),
        subjectSealed: 'cafe',
      }),
    );
    const requestRef = { seq: request.seq, leaf: request.leafHash };
    await ledgerClient.submit(sign('landOffice', 'request.endorse', { request: requestRef }));
    const correction = await ledgerClient.submit(
      sign('landOffice', 'correction.request', {
        correctionId: 'timer-c-1',
        provider: 'taxation',
        datasetId: 'tax-arrears',
        fields: ['arrears'],
        issue: 'arrears paid in full are still listed',
      }),
    );
    const remedyBy = calendar.localDate(new Date(Date.now() + 2 * DAY_MS).toISOString());
    const suspension = await ledgerClient.submit(
      sign('alice', 'sanction.suspend', {
        department: 'education',
        reason: 'data used beyond its purpose',
        remedyBy,
      }),
    );
    // From here on nobody submits: only governance's timer can bring anything due.
    await waitFor(
      'two breaches per deadline and a termination',
      async () => ofType('deadline.breach').length >= 4 && ofType('sanction.terminate').length >= 1,
      60_000,
    );
    const pending = await service.request('timer-1');
    expect(pending?.state).toBe('pending'); // highest grade: before officers, never answered

    const breaches = ofType('deadline.breach').map((e) => ({
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
    const [terminate] = ofType('sanction.terminate');
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
    const tip = Math.max(...entries.keys());
    await service.waitForSeq(tip);
    expect(ofType('deadline.breach')).toHaveLength(4);
    expect(ofType('sanction.terminate')).toHaveLength(1);
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
