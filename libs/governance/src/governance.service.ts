// The governance service: follows the ledger into its projection, submits what the projection
// owes (outbox), and answers the officer API. Every state change comes from a ledger entry.
import { randomUUID } from 'node:crypto';
import {
  connectBus,
  lastStreamSeq,
  LedgerClient,
  LedgerRejectedError,
  type FollowedEntry,
  type LedgerReceipt,
  type NatsConnection,
} from '@govx/bus';
import {
  BodySchemaError,
  GovernanceEntryTypes as T,
  validateEntryBody,
  validateGovernanceBody,
  type CorrectionAnswerBody,
  type GovernanceEntryType,
  type PolicyPublishBody,
} from '@govx/contracts';
import { createSubmission, type Submission } from '@govx/ledger-core';
import { PolicyError, WorkingCalendar, type CompiledPolicy, parsePolicySource } from '@govx/policy';
import type { DataSource } from 'typeorm';
import { GOVERNANCE_DEFAULTS, type GovernanceConfig } from './config/governance.config.js';
import {
  CatalogueVersionEntity,
  CursorEntity,
  OutboxEntity,
  PolicyVersionEntity,
  RequestEntity,
} from './entities/governance.entities.js';
import { connectGovernanceDatabase } from './governance-database.js';
import { GovernanceProjection, POLICY_ENGINE_ACTOR } from './projection/governance-projection.js';
import {
  GovernanceActionError,
  parseDepartmentActor,
  type GovernanceErrorCode,
} from './rules/governance-rules.js';
import { systemClock, type Clock } from './timer/clock.js';
import { DutyTimer } from './timer/duty-timer.js';

/** Types the HTTP API forwards for officers, offices and admins (signed by them). */
export const SUBMITTABLE_TYPES: readonly string[] = [
  T.DecisionApprove,
  T.DecisionDeny,
  T.DecisionMaterials,
  T.DecisionExtend,
  T.DecisionRevoke,
  T.SanctionSuspend,
  T.SanctionTerminate,
  T.SanctionLift,
  T.PolicyPublish,
  T.PolicyRetire,
  T.CorrectionAnswer,
];

/** Entries that never start, end or escalate a timed duty: no need to re-arm the timer. */
const TIMELESS_TYPES: ReadonlySet<string> = new Set([
  T.CataloguePublish,
  T.CatalogueRetire,
  T.PolicyPublish,
  T.PolicyRetire,
  T.Request,
  'rejection',
  'receipt',
  'use',
  'destruction',
  'consent',
  'verification',
  'payload.erase',
  'key.register',
  'key.rotate',
  'key.revoke',
]);

export interface GovernanceStartOptions {
  /** The wall clock of the duty timer; tests inject a ManualClock. Default the system's. */
  readonly clock?: Clock;
}

type Logger = (message: string, detail?: Record<string, unknown>) => void;

/** The authenticated caller of the HTTP API (a @govx/access principal). */
export interface Caller {
  readonly name: string;
  readonly department: string | null;
  readonly roles: readonly string[];
}

const REJECTION_CODES: Readonly<Record<GovernanceErrorCode, string>> = {
  invalid: 'malformed',
  'not-pending': 'not-pending',
  'not-allowed': 'not-allowed',
  duplicate: 'duplicate',
  'not-found': 'not-found',
  used: 'approval-used',
};

function isEntryRef(v: unknown): v is { seq: number; leaf: string } {
  const r = v as { seq?: unknown; leaf?: unknown } | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    Number.isSafeInteger(r.seq) &&
    (r.seq as number) >= 0 &&
    typeof r.leaf === 'string' &&
    /^[0-9a-f]{64}$/.test(r.leaf)
  );
}

export class GovernanceService {
  private follower: { stop(): Promise<void> } | null = null;
  private lastSeq = -1;
  private failure: Error | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly waiters = new Set<() => void>();
  /** Serializes projection work: applying entries and the timer's sweeps. */
  private serial: Promise<unknown> = Promise.resolve();
  readonly projection: GovernanceProjection;
  readonly timer: DutyTimer;

  private constructor(
    readonly config: GovernanceConfig,
    readonly db: DataSource,
    private readonly nc: NatsConnection,
    readonly ledger: LedgerClient,
    private readonly log: Logger,
    readonly clock: Clock,
  ) {
    this.projection = new GovernanceProjection({
      engineKey: config.engineKey,
      calendar: new WorkingCalendar(config.calendar),
      approvalValidityDays: config.approvalValidityDays,
      log,
    });
    this.timer = new DutyTimer({
      clock,
      graceMs: config.timer?.graceMs ?? GOVERNANCE_DEFAULTS.timerGraceMs,
      maxSleepMs: config.timer?.maxSleepMs ?? GOVERNANCE_DEFAULTS.timerMaxSleepMs,
      run: () => this.runDuties(),
      log,
    });
  }

  static async start(
    config: GovernanceConfig,
    log: Logger = () => undefined,
    options: GovernanceStartOptions = {},
  ): Promise<GovernanceService> {
    const db = await connectGovernanceDatabase(config.databaseUrl);
    const nc = await connectBus({
      servers: [...config.natsServers],
      name: 'govx-governance',
      ...config.natsAuth,
    });
    const service = new GovernanceService(
      config,
      db,
      nc,
      new LedgerClient(nc),
      log,
      options.clock ?? systemClock,
    );
    const cursor = await db.getRepository(CursorEntity).findOneByOrFail({ id: 1 });
    service.lastSeq = cursor.lastSeq;
    service.kickOutbox();
    service.rearm();
    service.follower = service.ledger.follow(
      cursor.lastSeq + 1,
      (e) => service.onEntry(e),
      (e) => {
        service.failure = e;
        log('follower stopped', { error: e.message });
      },
    );
    return service;
  }

  get appliedSeq(): number {
    return this.lastSeq;
  }
  get healthy(): boolean {
    return this.failure === null;
  }

  private exclusive<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.serial.then(fn, fn);
    this.serial = run.catch(() => undefined);
    return run;
  }

  private async onEntry(e: FollowedEntry): Promise<void> {
    await this.exclusive(() =>
      this.db.transaction((m) =>
        this.projection.apply(m, {
          seq: e.seq,
          type: e.entry.type,
          actor: e.entry.actor,
          time: e.entry.time,
          body: e.entry.body,
          leafHash: e.leafHash,
        }),
      ),
    );
    this.lastSeq = e.seq;
    for (const w of this.waiters) w();
    this.kickOutbox();
    if (!TIMELESS_TYPES.has(e.entry.type)) this.rearm();
  }

  /** Re-arms the duty timer for the next due instant (an entry may have moved it). */
  private rearm(): void {
    this.exclusive(() => this.projection.nextDue(this.db.manager))
      .then((next) => this.timer.arm(next))
      .catch((e: Error) => this.log('duty timer not re-armed', { error: e.message }));
  }

  /**
   * The timer's run: once the projection has applied everything the ledger holds, writes what
   * fell due by the wall clock (minus the grace) to the outbox and submits it; the ledger
   * places each entry at max(now, last entry's time), past its deadline. Returns the next
   * due instant.
   */
  private async runDuties(): Promise<string | null> {
    const grace = this.config.timer?.graceMs ?? GOVERNANCE_DEFAULTS.timerGraceMs;
    const tip = (await lastStreamSeq(this.nc)) - 1;
    const next = await this.exclusive(async () => {
      // Behind the ledger, the projection may not know an answer placed before the deadline.
      if (this.lastSeq < tip) return new Date(this.clock.now() - grace + 1_000).toISOString();
      const now = new Date(this.clock.now() - grace).toISOString();
      await this.db.transaction((m) => this.projection.sweep(m, now));
      return this.projection.nextDue(this.db.manager);
    });
    this.kickOutbox();
    return next;
  }

  /**
   * Submits the outbox in the background: the follower never waits on the ledger's
   * availability. On a failure the rows stay and are retried a second later.
   */
  private kickOutbox(): void {
    this.flushOutbox().catch((e: Error) => {
      this.log('outbox not flushed; retrying', { error: e.message });
      if (this.stopped || this.retryTimer) return;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.kickOutbox();
      }, 1_000);
    });
  }

  /** Submits every outbox entry (same idempotency key on retry: each lands once). */
  flushOutbox(): Promise<void> {
    this.flushing = this.flushing
      .catch(() => undefined)
      .then(async () => {
        const repo = this.db.getRepository(OutboxEntity);
        for (const row of await repo.find({ order: { idem: 'ASC' } })) {
          try {
            await this.ledger.submit(row.submission as unknown as Submission);
          } catch (e) {
            // A refusal is final (retrying the same bytes cannot cure it): log it and move on,
            // rather than wedge the follower. Transient failures propagate and are retried.
            if (!(e instanceof LedgerRejectedError)) throw e;
            this.log('ledger refused an entry governance owed', {
              idem: row.idem,
              error: e.message,
            });
          }
          await repo.delete({ idem: row.idem });
        }
      });
    return this.flushing;
  }

  /** Resolves once the projection has applied `seq` (or rejects after timeoutMs). */
  async waitForSeq(seq: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.lastSeq < seq) {
      if (this.failure) throw this.failure;
      if (Date.now() > deadline)
        throw new Error(`governance did not reach seq ${seq} in ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.waiters.delete(done);
          clearTimeout(t);
          resolve();
        };
        const t = setTimeout(done, 200);
        this.waiters.add(done);
      });
    }
  }

  /**
   * Checks an entry signed by an officer, office or admin against governance's state and
   * rules, submits it, and waits until the projection applied it. Throws
   * GovernanceActionError (nothing submitted), PolicyError, or LedgerRejectedError; each
   * refusal of this authenticated caller is recorded as a `rejection` entry.
   */
  async submitAction(
    input: unknown,
    caller: Caller,
  ): Promise<{ receipt: LedgerReceipt; request: RequestEntity | null }> {
    let receipt: LedgerReceipt;
    let request: RequestEntity | null;
    try {
      request = await this.checkAction(input, caller);
      receipt = await this.ledger.submit(input as Submission);
    } catch (e) {
      if (
        e instanceof GovernanceActionError ||
        e instanceof PolicyError ||
        e instanceof LedgerRejectedError
      )
        await this.recordRejection(input, e, caller);
      throw e;
    }
    await this.waitForSeq(receipt.seq);
    if (request)
      request = await this.db.getRepository(RequestEntity).findOneBy({ seq: request.seq });
    return { receipt, request };
  }

  private async checkAction(input: unknown, caller: Caller): Promise<RequestEntity | null> {
    const s = input as Partial<Submission> | null;
    if (!s || typeof s !== 'object' || typeof s.type !== 'string' || typeof s.actor !== 'string')
      throw new GovernanceActionError(
        'invalid',
        'a signed submission {v, type, actor, keyId, idem, body, sig}',
        'submission',
      );
    if (!SUBMITTABLE_TYPES.includes(s.type))
      throw new GovernanceActionError(
        'invalid',
        `governance does not take ${s.type} entries`,
        'type',
      );
    // The signed-in caller and the signer must agree: a department's people submit only
    // entries signed by their department's actors.
    const signer = parseDepartmentActor(s.actor);
    if (signer && signer.department !== caller.department)
      throw new GovernanceActionError(
        'not-allowed',
        `signed by ${s.actor}, submitted by an account of ${caller.department ?? 'no department'}`,
        'actor',
      );
    if (s.actor.startsWith('gov/admin/') && !caller.roles.includes('admin'))
      throw new GovernanceActionError(
        'not-allowed',
        'admin entries are submitted by admins',
        'actor',
      );
    if (s.actor === POLICY_ENGINE_ACTOR)
      throw new GovernanceActionError(
        'not-allowed',
        'the policy engine signs only its own entries',
        'actor',
      );
    let body: unknown;
    try {
      body = validateGovernanceBody(s.type as GovernanceEntryType, s.body);
    } catch (e) {
      if (e instanceof BodySchemaError)
        throw new GovernanceActionError('invalid', e.message, `body${e.field.replace(/\//g, '.')}`);
      throw e;
    }
    let request: RequestEntity | null = null;
    if (s.type.startsWith('decision.')) {
      request = await this.projection.checkOfficerDecision(this.db.manager, s.type, s.actor, body);
    } else if (s.type.startsWith('sanction.')) {
      const who = parseDepartmentActor(s.actor);
      if (!s.actor.startsWith('gov/admin/') && who?.role !== 'officer')
        throw new GovernanceActionError(
          'not-allowed',
          'sanctions are decided by officers or admins',
          'actor',
        );
    } else if (s.type === T.CorrectionAnswer) {
      await this.projection.duties.checkCorrectionAnswer(
        this.db.manager,
        s.actor,
        body as CorrectionAnswerBody,
      );
    } else if (s.type === T.PolicyPublish) {
      await this.projection.checkPolicy(this.db.manager, (body as PolicyPublishBody).document);
    }
    return request;
  }

  /** Best effort: a refused attempt as a `rejection` entry signed by the policy engine. */
  private async recordRejection(
    input: unknown,
    error: GovernanceActionError | PolicyError | LedgerRejectedError,
    caller: Caller,
  ): Promise<void> {
    const s = (input ?? {}) as {
      type?: unknown;
      body?: { request?: unknown; approval?: unknown; correction?: unknown };
    };
    const type =
      typeof s.type === 'string' && /^[a-z][a-z0-9.-]{0,63}$/.test(s.type) ? s.type : 'unknown';
    const ref = s.body?.request ?? s.body?.approval ?? s.body?.correction;
    const code =
      error instanceof PolicyError
        ? 'invalid-policy'
        : error instanceof LedgerRejectedError
          ? 'malformed'
          : REJECTION_CODES[error.code];
    const field =
      error instanceof PolicyError
        ? `body.document${error.field.replace(/\//g, '.')}`
        : error.field;
    const body: Record<string, unknown> = {
      attempt: { type, ...(isEntryRef(ref) ? { ref: { seq: ref.seq, leaf: ref.leaf } } : {}) },
      code,
      message:
        `${caller.name}: ${error instanceof LedgerRejectedError ? `ledger ${error.code}: ` : ''}${error.message}`.slice(
          0,
          2000,
        ),
      ...(field ? { field: field.slice(0, 256) } : {}),
    };
    try {
      validateEntryBody('rejection', body);
      await this.ledger.submit(
        createSubmission(
          {
            type: 'rejection',
            actor: POLICY_ENGINE_ACTOR,
            idem: `gov-rejection-${randomUUID()}`,
            body: body as never,
          },
          this.config.engineKey,
        ),
      );
    } catch (e) {
      this.log('could not record a rejection', { error: (e as Error).message });
    }
  }

  /** Compiles policy source (YAML or JSON) against the current catalogue; throws PolicyError. */
  async checkPolicySource(source: string): Promise<CompiledPolicy> {
    const { document } = parsePolicySource(source);
    return this.projection.checkPolicy(this.db.manager, document, source);
  }

  queue(): Promise<RequestEntity[]> {
    return this.db
      .getRepository(RequestEntity)
      .find({ where: { state: 'pending' }, order: { seq: 'ASC' } });
  }

  request(requestId: string): Promise<RequestEntity | null> {
    return this.db.getRepository(RequestEntity).findOneBy({ requestId });
  }

  catalogue(datasetId: string): Promise<CatalogueVersionEntity[]> {
    return this.db
      .getRepository(CatalogueVersionEntity)
      .find({ where: { datasetId }, order: { version: 'ASC' } });
  }

  policies(datasetId: string): Promise<PolicyVersionEntity[]> {
    return this.db
      .getRepository(PolicyVersionEntity)
      .find({ where: { datasetId }, order: { seq: 'ASC' } });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.timer.stop();
    await this.follower?.stop();
    await this.flushing.catch(() => undefined);
    await this.nc.drain().catch(() => undefined);
    await this.db.destroy();
  }
}
