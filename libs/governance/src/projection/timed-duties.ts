// The duties governance watches by time: answer and delivery deadlines of requests (§21),
// correction answers (§22, 10 working days), and the remedy period of a suspension (§27).
// sweep(now) writes what has fallen due to the outbox; nextDue() tells the timer when to look
// again. `now` is either the ledger time of an applied entry or the wall clock (minus a
// grace): both write the same entries under the same idempotency keys, so each lands once.
import {
  GovernanceEntryTypes as T,
  type CorrectionAnswerBody,
  type CorrectionRequestBody,
  type EntryRef,
  type SanctionBody,
} from '@govx/contracts';
import { correctionDeadline, type WorkingCalendar } from '@govx/policy';
import { In, IsNull, Not, type EntityManager } from 'typeorm';
import {
  CorrectionEntity,
  RequestEntity,
  SanctionEntity,
} from '../entities/governance.entities.js';
import {
  dueEscalation,
  GovernanceActionError,
  parseDepartmentActor,
} from '../rules/governance-rules.js';

export type OwedWriter = (
  m: EntityManager,
  idem: string,
  type: string,
  body: Record<string, unknown>,
) => Promise<void>;

interface Applied {
  readonly seq: number;
  readonly leafHash: string;
  readonly type: string;
  readonly actor: string;
  readonly time: string;
}

const OPEN_REQUEST_STATES = ['submitted', 'pending', 'approved'] as const;

export class TimedDuties {
  constructor(
    private readonly calendar: WorkingCalendar,
    private readonly owe: OwedWriter,
    private readonly engineActor: string,
    private readonly note: (message: string, detail: Record<string, unknown>) => void,
  ) {}

  // ---- corrections (§22) ---------------------------------------------------------------

  async correctionRequest(m: EntityManager, e: Applied, b: CorrectionRequestBody): Promise<void> {
    const who = parseDepartmentActor(e.actor);
    if (!who || (who.role !== 'gateway' && who.role !== 'office'))
      throw new GovernanceActionError(
        'not-allowed',
        `${e.actor} is not a department's gateway or office`,
        'actor',
      );
    if (who.department === b.provider)
      throw new GovernanceActionError(
        'not-allowed',
        'a department does not ask itself for a correction',
        'body.provider',
      );
    if (await m.findOneBy(CorrectionEntity, { correctionId: b.correctionId }))
      throw new GovernanceActionError(
        'duplicate',
        `correction ${b.correctionId} exists`,
        'body.correctionId',
      );
    await m.insert(CorrectionEntity, {
      seq: e.seq,
      leaf: e.leafHash,
      correctionId: b.correctionId,
      requester: who.department,
      provider: b.provider,
      datasetId: b.datasetId,
      body: b as never,
      state: 'open',
      deadline: correctionDeadline(this.calendar, e.time),
      breach: null,
      answerSeq: null,
      history: [{ seq: e.seq, type: e.type, actor: e.actor }],
    });
  }

  /** The open correction an answer refers to, if `actor` may answer it; else throws. */
  async checkCorrectionAnswer(
    m: EntityManager,
    actor: string,
    b: CorrectionAnswerBody,
  ): Promise<CorrectionEntity> {
    const c = await m.findOneBy(CorrectionEntity, { seq: b.correction.seq });
    if (!c || c.leaf !== b.correction.leaf)
      throw new GovernanceActionError(
        'not-found',
        `no correction request at seq ${b.correction.seq} with that leaf`,
        'body.correction',
      );
    const who = parseDepartmentActor(actor);
    if (!who || who.department !== c.provider || (who.role !== 'gateway' && who.role !== 'officer'))
      throw new GovernanceActionError(
        'not-allowed',
        `only the gateway or an officer of ${c.provider} answers`,
        'actor',
      );
    if (c.state !== 'open')
      throw new GovernanceActionError(
        'not-pending',
        'the correction is answered',
        'body.correction',
      );
    return c;
  }

  async correctionAnswer(m: EntityManager, e: Applied, b: CorrectionAnswerBody): Promise<void> {
    const c = await this.checkCorrectionAnswer(m, e.actor, b);
    await m.update(
      CorrectionEntity,
      { seq: c.seq },
      {
        state: 'answered',
        deadline: null,
        answerSeq: e.seq,
        history: [...c.history, { seq: e.seq, type: e.type, actor: e.actor }] as never,
      },
    );
  }

  /** Notes an applied `deadline.breach` of the engine on the correction it names, if any. */
  async noteCorrection(m: EntityManager, e: Applied, ref: EntryRef, note: string): Promise<void> {
    const c = await m.findOneBy(CorrectionEntity, { seq: ref.seq });
    if (!c || c.leaf !== ref.leaf) return;
    await m.update(
      CorrectionEntity,
      { seq: c.seq },
      { history: [...c.history, { seq: e.seq, type: e.type, actor: e.actor, note }] as never },
    );
  }

  // ---- sanctions (§27) -----------------------------------------------------------------

  async sanction(m: EntityManager, e: Applied, b: SanctionBody): Promise<void> {
    if (e.type === T.SanctionTerminate && e.actor === this.engineActor) {
      // The engine terminates only the suspension it names, still current and past its remedy.
      const s = await m.findOneBy(SanctionEntity, { department: b.department });
      const ref = b.suspension;
      if (!ref || !s || s.state !== 'suspended' || s.seq !== ref.seq || s.leaf !== ref.leaf)
        throw new GovernanceActionError(
          'not-found',
          `no current suspension of ${b.department} at that ref`,
          'body.suspension',
        );
      if (!s.remedyEnd || Date.parse(e.time) < Date.parse(s.remedyEnd))
        throw new GovernanceActionError(
          'invalid',
          `the remedy period of ${b.department} has not ended`,
          'body.suspension',
        );
    } else if (e.actor === this.engineActor) {
      throw new GovernanceActionError('not-allowed', 'the engine only terminates', 'actor');
    }
    const state =
      e.type === T.SanctionLift
        ? 'lifted'
        : e.type === T.SanctionSuspend
          ? 'suspended'
          : 'terminated';
    const remedyEnd =
      state === 'suspended' && b.remedyBy ? this.calendar.endOfLocalDate(b.remedyBy) : null;
    await m.save(SanctionEntity, {
      department: b.department,
      state,
      reason: b.reason,
      remedyBy: b.remedyBy ?? null,
      seq: e.seq,
      leaf: e.leafHash,
      remedyEnd,
      terminationOwed: false,
    });
  }

  // ---- the sweep -------------------------------------------------------------------------

  /** Writes every duty that has fallen due at `now` (ISO) to the outbox, once. */
  async sweep(m: EntityManager, now: string): Promise<void> {
    await this.sweepRequests(m, now);
    await this.sweepCorrections(m, now);
    await this.sweepSanctions(m, now);
  }

  private async sweepRequests(m: EntityManager, now: string): Promise<void> {
    const due = await m
      .createQueryBuilder(RequestEntity, 'r')
      .where('r.deadline IS NOT NULL AND r.deadline <= :now', { now })
      .andWhere("(r.breach IS NULL OR r.breach = 'notice')")
      .andWhere('r.state IN (:...states)', { states: OPEN_REQUEST_STATES })
      .orderBy('r.seq')
      .getMany();
    for (const r of due) {
      const escalation = dueEscalation(r, now, this.calendar.addWorkingDays(r.deadline!, 1));
      if (!escalation) continue;
      await m.update(RequestEntity, { seq: r.seq }, { breach: escalation });
      await this.breach(
        m,
        { seq: r.seq, leaf: r.leaf },
        r.deadline!,
        r.deadlineKind ?? 'answer',
        escalation,
      );
      this.note('deadline breach', { request: r.requestId, escalation, now });
    }
  }

  private async sweepCorrections(m: EntityManager, now: string): Promise<void> {
    const due = await m
      .createQueryBuilder(CorrectionEntity, 'c')
      .where("c.state = 'open' AND c.deadline IS NOT NULL AND c.deadline <= :now", { now })
      .andWhere("(c.breach IS NULL OR c.breach = 'notice')")
      .orderBy('c.seq')
      .getMany();
    for (const c of due) {
      const escalation = dueEscalation(
        { state: 'submitted', deadline: c.deadline, breach: c.breach },
        now,
        this.calendar.addWorkingDays(c.deadline!, 1),
      );
      if (!escalation) continue;
      await m.update(CorrectionEntity, { seq: c.seq }, { breach: escalation });
      await this.breach(m, { seq: c.seq, leaf: c.leaf }, c.deadline!, 'correction', escalation);
      this.note('correction deadline breach', { correction: c.correctionId, escalation, now });
    }
  }

  private async sweepSanctions(m: EntityManager, now: string): Promise<void> {
    const due = await m
      .createQueryBuilder(SanctionEntity, 's')
      .where("s.state = 'suspended' AND s.remedy_end IS NOT NULL AND s.remedy_end <= :now", {
        now,
      })
      .andWhere('s.termination_owed = false AND s.leaf IS NOT NULL')
      .orderBy('s.seq')
      .getMany();
    for (const s of due) {
      await m.update(SanctionEntity, { department: s.department }, { terminationOwed: true });
      await this.owe(m, `gov-terminate-${s.seq}`, T.SanctionTerminate, {
        department: s.department,
        reason: `the remedy period ended (${s.remedyBy ?? ''}) without a sanction.lift (§27)`,
        suspension: { seq: s.seq, leaf: s.leaf! },
      });
      this.note('suspension ends in termination', { department: s.department, now });
    }
  }

  private breach(
    m: EntityManager,
    ref: EntryRef,
    deadline: string,
    kind: string,
    escalation: 'notice' | 'authority',
  ): Promise<void> {
    return this.owe(
      m,
      `gov-breach-${ref.seq}-${kind}-${deadline}-${escalation}`,
      T.DeadlineBreach,
      {
        request: ref,
        deadline,
        kind,
        escalation,
      },
    );
  }

  /**
   * The earliest instant (ISO) a duty falls due that the sweep has not written yet, or null:
   * an answer or delivery deadline, its authority escalation, a correction deadline, a
   * remedy period's end.
   */
  async nextDue(m: EntityManager): Promise<string | null> {
    const candidates: string[] = [];
    const first = async (q: Promise<{ deadline: string | null } | null>): Promise<void> => {
      const row = await q;
      if (row?.deadline) candidates.push(row.deadline);
    };
    const active = { deadline: Not(IsNull()), breach: IsNull() };
    await first(
      m.findOne(RequestEntity, {
        select: { deadline: true },
        where: { ...active, state: In([...OPEN_REQUEST_STATES]) },
        order: { deadline: 'ASC' },
      }),
    );
    await first(
      m.findOne(CorrectionEntity, {
        select: { deadline: true },
        where: { ...active, state: 'open' },
        order: { deadline: 'ASC' },
      }),
    );
    // Notices raised: the authority follows one working day after the deadline.
    const noticed = [
      ...(await m.find(RequestEntity, {
        select: { deadline: true },
        where: { deadline: Not(IsNull()), breach: 'notice', state: In([...OPEN_REQUEST_STATES]) },
      })),
      ...(await m.find(CorrectionEntity, {
        select: { deadline: true },
        where: { deadline: Not(IsNull()), breach: 'notice', state: 'open' },
      })),
    ];
    for (const r of noticed)
      if (r.deadline) candidates.push(this.calendar.addWorkingDays(r.deadline, 1));
    const s = await m.findOne(SanctionEntity, {
      select: { remedyEnd: true },
      where: {
        state: 'suspended',
        remedyEnd: Not(IsNull()),
        terminationOwed: false,
        leaf: Not(IsNull()),
      },
      order: { remedyEnd: 'ASC' },
    });
    if (s?.remedyEnd) candidates.push(s.remedyEnd);
    if (candidates.length === 0) return null;
    return candidates.reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a));
  }
}
