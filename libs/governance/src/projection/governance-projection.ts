// The governance state as a projection of the ledger: apply(entry) runs once per entry, in
// order, inside one database transaction with the cursor, and writes the entries governance
// owes (policy decisions, deadline breaches) to the outbox in that same transaction. Decisions
// are deterministic functions of the log, so their idempotency keys are too.
import {
  BodySchemaError,
  GovernanceEntryTypes as T,
  policyMaskingProfileId,
  validateGovernanceBody,
  type CataloguePublishBody,
  type CorrectionAnswerBody,
  type CorrectionRequestBody,
  type DeadlineBreachBody,
  type DecisionApproveBody,
  type DecisionExtendBody,
  type DecisionRevokeBody,
  type EntryRef,
  type GovernanceEntryType,
  type PolicyPublishBody,
  type PolicyRetireBody,
  type RequestBody,
  type SanctionBody,
} from '@govx/contracts';
import type { SigningPrivateKey } from '@govx/crypto';
import { createSubmission, type EntryFields } from '@govx/ledger-core';
import {
  answerDeadline,
  compilePolicy,
  deliveryDeadline,
  evaluate,
  PolicyError,
  traceHash,
  type CompiledPolicy,
  type PolicyEvaluation,
  type WorkingCalendar,
} from '@govx/policy';
import type { EntityManager } from 'typeorm';
import {
  CatalogueVersionEntity,
  CursorEntity,
  OutboxEntity,
  PolicyVersionEntity,
  RequestEntity,
  SanctionEntity,
} from '../entities/governance.entities.js';
import {
  checkOfficerApproval,
  checkProviderOfficer,
  conditionsAdded,
  GovernanceActionError,
  parseDepartmentActor,
} from '../rules/governance-rules.js';
import { countApprovedOnDay } from './quota-count.js';
import { TimedDuties } from './timed-duties.js';

/** The actor of every entry governance signs itself. */
export const POLICY_ENGINE_ACTOR = 'gov/policy-engine';

export interface ProjectionOptions {
  readonly engineKey: SigningPrivateKey;
  readonly calendar: WorkingCalendar;
  readonly approvalValidityDays: number;
  readonly log?: (message: string, detail?: Record<string, unknown>) => void;
}

/** The entry as apply() needs it. */
export type AppliedEntry = Pick<EntryFields, 'seq' | 'type' | 'actor' | 'time' | 'body'> & {
  readonly leafHash: string;
};

const OFFICER_TYPES: ReadonlySet<string> = new Set([
  T.DecisionApprove,
  T.DecisionDeny,
  T.DecisionMaterials,
  T.DecisionExtend,
  T.DecisionRevoke,
]);

export class GovernanceProjection {
  readonly duties: TimedDuties;

  constructor(private readonly options: ProjectionOptions) {
    this.duties = new TimedDuties(
      options.calendar,
      (m, idem, type, body) => this.outbox(m, idem, type, body),
      POLICY_ENGINE_ACTOR,
      (message, detail) => this.note(message, detail),
    );
  }

  private note(message: string, detail: Record<string, unknown>): void {
    this.options.log?.(message, detail);
  }

  async apply(m: EntityManager, e: AppliedEntry): Promise<void> {
    await m.update(CursorEntity, { id: 1 }, { lastSeq: e.seq, ledgerTime: e.time });
    try {
      await this.applyType(m, e);
    } catch (err) {
      if (!(err instanceof GovernanceActionError || err instanceof BodySchemaError)) throw err;
      // Entries that break governance's rules stay on the ledger (auditors see them) but change nothing.
      this.note('entry ignored', { seq: e.seq, type: e.type, reason: err.message });
      await this.noteOnRequest(m, e, `ignored: ${err.message}`);
      const correction = (e.body as { correction?: EntryRef } | null)?.correction;
      if (correction && typeof correction.seq === 'number')
        await this.duties.noteCorrection(m, e, correction, `ignored: ${err.message}`);
    }
    await this.duties.sweep(m, e.time);
  }

  /**
   * Writes what has fallen due by `now` (ISO; the wall clock's timer calls this while the
   * ledger is idle) to the outbox, exactly as apply() would at that ledger time.
   */
  sweep(m: EntityManager, now: string): Promise<void> {
    return this.duties.sweep(m, now);
  }

  /** When the next duty falls due (ISO), or null. */
  nextDue(m: EntityManager): Promise<string | null> {
    return this.duties.nextDue(m);
  }

  private async noteOnRequest(m: EntityManager, e: AppliedEntry, note: string): Promise<void> {
    const ref = (e.body as { request?: EntryRef }).request;
    if (!ref || typeof ref.seq !== 'number') return;
    const r = await m.findOneBy(RequestEntity, { seq: ref.seq });
    if (!r) return;
    r.history = [...r.history, { seq: e.seq, type: e.type, actor: e.actor, note }];
    await m.save(r);
  }

  private async applyType(m: EntityManager, e: AppliedEntry): Promise<void> {
    const governed = (Object.values(T) as string[]).includes(e.type);
    const body = governed
      ? validateGovernanceBody<unknown>(e.type as GovernanceEntryType, e.body)
      : e.body;
    switch (e.type) {
      case T.CataloguePublish:
        return this.cataloguePublish(m, e, body as CataloguePublishBody);
      case T.CatalogueRetire: {
        const b = body as { datasetId: string; version: number };
        await m.update(
          CatalogueVersionEntity,
          { datasetId: b.datasetId, version: b.version },
          { retired: true },
        );
        return;
      }
      case T.PolicyPublish:
        return this.policyPublish(m, e, body as PolicyPublishBody);
      case T.PolicyRetire: {
        const b = body as PolicyRetireBody;
        await m.update(
          PolicyVersionEntity,
          { policyId: b.policyId, version: b.version },
          { status: 'retired' },
        );
        return;
      }
      case T.Request:
        return this.request(m, e, body as RequestBody);
      case T.RequestEndorse:
        return this.endorse(m, e, (body as { request: EntryRef }).request);
      case T.SanctionSuspend:
      case T.SanctionTerminate:
      case T.SanctionLift:
        return this.duties.sanction(m, e, body as SanctionBody);
      case T.CorrectionRequest:
        return this.duties.correctionRequest(m, e, body as CorrectionRequestBody);
      case T.CorrectionAnswer:
        return this.duties.correctionAnswer(m, e, body as CorrectionAnswerBody);
      case T.DeadlineBreach:
        return this.breachApplied(m, e, body as DeadlineBreachBody);
      case 'transfer':
        return this.transfer(m, e);
      default:
        if (OFFICER_TYPES.has(e.type)) return this.decision(m, e, body);
    }
  }

  private async cataloguePublish(
    m: EntityManager,
    e: AppliedEntry,
    b: CataloguePublishBody,
  ): Promise<void> {
    const who = parseDepartmentActor(e.actor);
    if (!who || who.role !== 'gateway' || who.department !== b.provider)
      throw new GovernanceActionError(
        'not-allowed',
        `${e.actor} cannot publish for ${b.provider}`,
        'actor',
      );
    const previous = await m.findOne(CatalogueVersionEntity, {
      where: { datasetId: b.datasetId },
      order: { version: 'DESC' },
    });
    if (previous && previous.version >= b.version)
      throw new GovernanceActionError(
        'duplicate',
        `version ${b.version} is not after ${previous.version}`,
        'body.version',
      );
    if (previous && previous.provider !== b.provider)
      throw new GovernanceActionError(
        'not-allowed',
        `${b.datasetId} belongs to ${previous.provider}`,
        'body.provider',
      );
    await m.insert(CatalogueVersionEntity, {
      datasetId: b.datasetId,
      version: b.version,
      seq: e.seq,
      leaf: e.leafHash,
      provider: b.provider,
      body: b as never,
      conditionsAdded: conditionsAdded(
        (previous?.body as CataloguePublishBody | undefined) ?? null,
        b,
      ),
      retired: false,
    });
  }

  /** The catalogue entry a policy is checked against: the latest version in force. */
  private async currentEntry(
    m: EntityManager,
    datasetId: unknown,
  ): Promise<CataloguePublishBody | undefined> {
    if (typeof datasetId !== 'string') return undefined;
    const row = await m.findOne(CatalogueVersionEntity, {
      where: { datasetId, retired: false },
      order: { version: 'DESC' },
    });
    return row?.body as CataloguePublishBody | undefined;
  }

  /** Compiles a policy against the current catalogue; throws PolicyError. */
  async checkPolicy(m: EntityManager, document: unknown, source?: string): Promise<CompiledPolicy> {
    const entry = await this.currentEntry(m, (document as { dataset?: unknown } | null)?.dataset);
    return compilePolicy(source ?? document, (id) => (entry?.datasetId === id ? entry : undefined));
  }

  private async policyPublish(
    m: EntityManager,
    e: AppliedEntry,
    b: PolicyPublishBody,
  ): Promise<void> {
    const who = parseDepartmentActor(e.actor);
    const admin = e.actor.startsWith('gov/admin/');
    if (!admin && (!who || who.role !== 'office' || who.department !== b.provider))
      throw new GovernanceActionError(
        'not-allowed',
        `${e.actor} cannot publish policies of ${b.provider}`,
        'actor',
      );
    if (await m.findOneBy(PolicyVersionEntity, { policyId: b.policyId, version: b.version }))
      throw new GovernanceActionError(
        'duplicate',
        `${b.policyId}@${b.version} exists`,
        'body.version',
      );
    let error: string | null = null;
    try {
      const compiled = await this.checkPolicy(m, b.document);
      if (
        compiled.policyId !== b.policyId ||
        compiled.version !== b.version ||
        compiled.document.provider !== b.provider
      )
        error = 'document policyId, version and provider must match the entry';
    } catch (err) {
      if (!(err instanceof PolicyError)) throw err;
      error = err.message;
    }
    await m.insert(PolicyVersionEntity, {
      policyId: b.policyId,
      version: b.version,
      seq: e.seq,
      datasetId: String((b.document as { dataset?: unknown }).dataset ?? ''),
      provider: b.provider,
      document: b.document as never,
      status: error ? 'invalid' : 'active',
      error,
    });
  }

  private async request(m: EntityManager, e: AppliedEntry, b: RequestBody): Promise<void> {
    const who = parseDepartmentActor(e.actor);
    if (!who || who.role !== 'gateway')
      throw new GovernanceActionError('not-allowed', `${e.actor} is not a gateway`, 'actor');
    if (await m.findOneBy(RequestEntity, { requestId: b.requestId }))
      throw new GovernanceActionError(
        'duplicate',
        `request ${b.requestId} exists`,
        'body.requestId',
      );
    await m.insert(RequestEntity, {
      seq: e.seq,
      leaf: e.leafHash,
      requestId: b.requestId,
      requester: who.department,
      provider: b.provider,
      datasetId: b.datasetId,
      body: b as never,
      state: 'submitted',
      endorsedAt: null,
      category: null,
      extensionDays: 0,
      deadline: null,
      deadlineKind: null,
      breach: null,
      evaluation: null,
      officers: null,
      signoffs: [],
      approvalSeq: null,
      approvalLeaf: null,
      approvedAt: null,
      history: [{ seq: e.seq, type: e.type, actor: e.actor }],
    });
  }

  async findRequest(m: EntityManager, ref: EntryRef): Promise<RequestEntity> {
    const r = await m.findOneBy(RequestEntity, { seq: ref.seq });
    if (!r || r.leaf !== ref.leaf)
      throw new GovernanceActionError(
        'not-found',
        `no request at seq ${ref.seq} with that leaf`,
        'body.request',
      );
    return r;
  }

  private async endorse(m: EntityManager, e: AppliedEntry, ref: EntryRef): Promise<void> {
    const r = await this.findRequest(m, ref);
    const who = parseDepartmentActor(e.actor);
    if (!who || who.role !== 'office' || who.department !== r.requester)
      throw new GovernanceActionError(
        'not-allowed',
        `only the office of ${r.requester} endorses`,
        'actor',
      );
    if (r.state !== 'submitted' || r.endorsedAt)
      throw new GovernanceActionError(
        'not-pending',
        `request is already ${r.endorsedAt ? 'endorsed' : r.state}`,
        'body.request',
      );
    const b = r.body as unknown as RequestBody;
    const version = await m.findOneBy(CatalogueVersionEntity, {
      datasetId: b.datasetId,
      version: b.datasetVersion,
    });
    const entry = version?.body as CataloguePublishBody | undefined;
    r.endorsedAt = e.time;
    r.category = entry?.sharing.category ?? 'unconditional';
    r.deadline = answerDeadline(
      this.options.calendar,
      entry?.sharing.category ?? 'unconditional',
      e.time,
    );
    r.deadlineKind = 'answer';
    r.history = [...r.history, { seq: e.seq, type: e.type, actor: e.actor }];
    const refusal = await this.refusal(m, r, version ?? null);
    if (refusal) {
      r.evaluation = { decision: 'deny', reasons: [refusal] };
      await m.save(r);
      return this.outbox(m, `gov-decision-${r.seq}`, T.DecisionDeny, {
        request: { seq: r.seq, leaf: r.leaf },
        reasons: [refusal],
      });
    }
    const policy = await this.policyFor(m, r, entry!);
    const approvedToday = await countApprovedOnDay(
      m,
      r.requester,
      r.datasetId,
      e.time,
      policy.offsetMinutes,
    );
    const result: PolicyEvaluation = evaluate(
      policy,
      entry!,
      { ...b, requester: r.requester },
      { time: e.time, approvedToday },
    );
    const hash = traceHash(result);
    r.evaluation = { ...result, traceHash: hash };
    const common = {
      request: { seq: r.seq, leaf: r.leaf },
      policy: { id: result.policy.id, version: result.policy.version },
      traceHash: hash,
    };
    if (result.decision === 'officers') {
      r.state = 'pending';
      r.officers = result.officers;
      await m.save(r);
      return;
    }
    await m.save(r);
    if (result.decision === 'deny')
      return this.outbox(m, `gov-decision-${r.seq}`, T.DecisionDeny, {
        ...common,
        reasons: [...result.reasons],
      });
    return this.outbox(m, `gov-decision-${r.seq}`, T.DecisionApprove, {
      ...common,
      fields: [...result.fields],
      // One id space with the gateways: `<policyId>@<version>:<name>` (contracts masking-profile.ts).
      ...(result.maskingProfile
        ? {
            maskingProfile: policyMaskingProfileId(
              result.policy.id,
              result.policy.version,
              result.maskingProfile,
            ),
          }
        : {}),
      expires: this.options.calendar.addWorkingDays(e.time, this.options.approvalValidityDays),
      final: true,
    });
  }

  /** Reasons to refuse before any policy runs, or null. */
  private async refusal(
    m: EntityManager,
    r: RequestEntity,
    version: CatalogueVersionEntity | null,
  ): Promise<string | null> {
    const b = r.body as unknown as RequestBody;
    if (!version) return `no catalogue entry ${b.datasetId} version ${b.datasetVersion}`;
    if (version.retired)
      return `catalogue entry ${b.datasetId} version ${b.datasetVersion} is retired`;
    if (version.provider !== r.provider)
      return `${b.datasetId} is provided by ${version.provider}, not ${r.provider}`;
    const sanction = await m.findOneBy(SanctionEntity, { department: r.requester });
    if (sanction && sanction.state !== 'lifted')
      return `the sharing rights of ${r.requester} are ${sanction.state} (§27): ${sanction.reason}`;
    return null;
  }

  /** The provider's latest active policy for the dataset, else the category defaults. */
  private async policyFor(
    m: EntityManager,
    r: RequestEntity,
    entry: CataloguePublishBody,
  ): Promise<CompiledPolicy> {
    const rows = await m.find(PolicyVersionEntity, {
      where: { datasetId: r.datasetId, provider: r.provider, status: 'active' },
      order: { seq: 'DESC' },
    });
    const lookup = (id: string): CataloguePublishBody | undefined =>
      id === entry.datasetId ? entry : undefined;
    for (const row of rows) {
      try {
        return compilePolicy(row.document, lookup);
      } catch (err) {
        if (!(err instanceof PolicyError)) throw err;
        this.note('policy does not fit this catalogue version', {
          policy: row.policyId,
          error: err.message,
        });
      }
    }
    return compilePolicy(
      {
        policyId: 'category-default',
        version: 1,
        provider: entry.provider,
        dataset: entry.datasetId,
      },
      lookup,
    );
  }

  /**
   * Checks an officer's decision entry against the request's state; returns the request.
   * Used by the HTTP API before submitting, and here when the entry comes back.
   */
  async checkOfficerDecision(
    m: EntityManager,
    type: string,
    actor: string,
    body: unknown,
  ): Promise<RequestEntity> {
    if (type === T.DecisionRevoke) {
      const b = body as DecisionRevokeBody;
      const r = await m.findOneBy(RequestEntity, { approvalSeq: b.approval.seq });
      if (!r || r.approvalLeaf !== b.approval.leaf)
        throw new GovernanceActionError(
          'not-found',
          `no approval at seq ${b.approval.seq}`,
          'body.approval',
        );
      if (r.state === 'delivered')
        throw new GovernanceActionError('used', 'the approval was used', 'body.approval');
      checkProviderOfficer(r, actor, ['approved']);
      return r;
    }
    const r = await this.findRequest(m, (body as { request: EntryRef }).request);
    // The engine decides once, on the endorsed request it evaluated (the outbox's
    // `gov-decision-<seq>`): an engine decision on any other state (a second final approval,
    // one after the officers') changes nothing, like an officer's (the audit's approval.second-final).
    if (actor === POLICY_ENGINE_ACTOR) {
      if (r.state !== 'submitted' || !r.endorsedAt)
        throw new GovernanceActionError(
          'not-pending',
          `request is ${r.endorsedAt ? r.state : 'not endorsed'}: the policy engine decides once, at the endorsement`,
          'body.request',
        );
      return r;
    }
    if (type === T.DecisionApprove) {
      const b = body as DecisionApproveBody;
      checkOfficerApproval(r, actor, b.final);
      // Four eyes were decided on the requested fields (their highest grade): no approval may
      // reach beyond them (the audit's approval.extra-fields).
      const requested = (r.body as unknown as RequestBody).fields;
      const extra = b.fields.filter((f) => !requested.includes(f));
      if (extra.length > 0)
        throw new GovernanceActionError(
          'invalid',
          `approves fields the request did not ask for: ${extra.join(', ')}`,
          'body.fields',
        );
    } else checkProviderOfficer(r, actor);
    if (type === T.DecisionExtend && r.extensionDays + (body as DecisionExtendBody).days > 10)
      throw new GovernanceActionError(
        'invalid',
        'extensions total at most 10 working days (§21)',
        'body.days',
      );
    return r;
  }

  private async decision(m: EntityManager, e: AppliedEntry, body: unknown): Promise<void> {
    const r = await this.checkOfficerDecision(m, e.type, e.actor, body);
    r.history = [...r.history, { seq: e.seq, type: e.type, actor: e.actor }];
    const approve = (): void => {
      r.state = 'approved';
      r.approvalSeq = e.seq;
      r.approvalLeaf = e.leafHash;
      r.approvedAt = e.time;
      r.deadline = deliveryDeadline(this.options.calendar, e.time);
      r.deadlineKind = 'delivery';
      r.breach = null;
    };
    switch (e.type) {
      case T.DecisionApprove: {
        const b = body as DecisionApproveBody;
        if (e.actor !== POLICY_ENGINE_ACTOR) {
          const who = parseDepartmentActor(e.actor)!;
          r.signoffs = [
            ...r.signoffs,
            { officer: e.actor, department: who.department, seq: e.seq },
          ];
        }
        if (b.final) approve();
        break;
      }
      case T.DecisionDeny:
        r.state = 'denied';
        r.deadline = null;
        break;
      case T.DecisionMaterials:
        r.state = 'materials';
        r.deadline = null;
        break;
      case T.DecisionExtend:
        r.extensionDays += (body as DecisionExtendBody).days;
        r.deadline = answerDeadline(
          this.options.calendar,
          (r.category ?? 'conditional') as 'conditional',
          r.endorsedAt ?? e.time,
          r.extensionDays,
        );
        r.breach = null;
        break;
      case T.DecisionRevoke:
        r.state = 'revoked';
        r.deadline = null;
        break;
    }
    await m.save(r);
  }

  private async transfer(m: EntityManager, e: AppliedEntry): Promise<void> {
    const approval = (e.body as { approval?: EntryRef }).approval;
    if (!approval || typeof approval.seq !== 'number') return;
    const r = await m.findOneBy(RequestEntity, { approvalSeq: approval.seq });
    if (!r || r.state !== 'approved') return;
    r.state = 'delivered';
    r.deadline = null;
    r.history = [...r.history, { seq: e.seq, type: e.type, actor: e.actor }];
    await m.save(r);
  }

  /**
   * A breach the engine placed: noted on its request or correction with its ledger time, which
   * MUST NOT be before the deadline (the ledger's time is max(now, last entry's time)).
   */
  private async breachApplied(
    m: EntityManager,
    e: AppliedEntry,
    b: DeadlineBreachBody,
  ): Promise<void> {
    if (e.actor !== POLICY_ENGINE_ACTOR)
      throw new GovernanceActionError('not-allowed', "breaches are the engine's", 'actor');
    const early = Date.parse(e.time) < Date.parse(b.deadline);
    if (early) this.note('breach placed before its deadline', { seq: e.seq, deadline: b.deadline });
    const note = `${b.kind} ${b.escalation} at ${e.time}${early ? ' (BEFORE the deadline)' : ''}`;
    if (b.kind === 'correction') return this.duties.noteCorrection(m, e, b.request, note);
    return this.noteOnRequest(m, e, note);
  }

  private async outbox(
    m: EntityManager,
    idem: string,
    type: string,
    body: Record<string, unknown>,
  ): Promise<void> {
    validateGovernanceBody(type as GovernanceEntryType, body);
    const submission = createSubmission(
      { type, actor: POLICY_ENGINE_ACTOR, idem, body: body as never },
      this.options.engineKey,
    );
    await m
      .createQueryBuilder()
      .insert()
      .into(OutboxEntity)
      .values({ idem, submission: submission as never })
      .orIgnore()
      .execute();
  }
}
