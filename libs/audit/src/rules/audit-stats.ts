// What the report shows, gathered while the rules run: exchanges per department pair and
// day, decision times, denials and rejections, anomalies, and per department what the 2025
// regulation (Order No. 809) forbids. Bounded by exchanges and departments, not by entries.
import type {
  CataloguePublishBody,
  ConsentBody,
  DeadlineBreachBody,
  DecisionDenyBody,
  RejectionBody,
  RequestBody,
  TransferBody,
} from '@govx/contracts';
import { actorDepartment, type EntryFields } from '@govx/ledger-core';
import type { Violation } from '../log-auditor.js';

interface Ref<T> {
  readonly seq: number;
  readonly actor: string;
  readonly time: string;
  readonly body: T;
}

/** Per department, what the regulation forbids, counted from the ledger. */
export interface Compliance {
  answersPastDeadline: number;
  refusalsWithoutReasons: number;
  conditionsAddedAfterPublication: number;
  usesPastTimeLimit: number;
  deliveriesWithoutDestruction: number;
  onwardTransfersWithoutConsent: number;
}

export const DECISION_TIME_BUCKETS = [
  { label: '< 1 min', ms: 60_000 },
  { label: '< 1 h', ms: 3_600_000 },
  { label: '< 1 day', ms: 86_400_000 },
  { label: '< 3 days', ms: 3 * 86_400_000 },
  { label: '< 10 days', ms: 10 * 86_400_000 },
  { label: '≥ 10 days', ms: Number.POSITIVE_INFINITY },
] as const;

const MAX_LISTED_VIOLATIONS = 1000;

export interface AuditStatsSnapshot {
  readonly entries: number;
  readonly firstTime: string | null;
  readonly lastTime: string | null;
  readonly byType: Record<string, number>;
  /** "provider → requester" → day (YYYY-MM-DD) → transfers. */
  readonly exchanges: Record<string, Record<string, number>>;
  readonly decisionTimes: readonly { readonly label: string; readonly count: number }[];
  readonly denials: Record<string, number>;
  readonly rejections: Record<string, number>;
  readonly violationsByRule: Record<string, number>;
  readonly violations: readonly Violation[];
  readonly compliance: Record<string, Compliance>;
}

function bump(record: Record<string, number>, key: string, by = 1): void {
  record[key] = (record[key] ?? 0) + by;
}

export class AuditStats {
  private entries = 0;
  private firstTime: string | null = null;
  private lastTime: string | null = null;
  private readonly byType: Record<string, number> = {};
  private readonly exchanges: Record<string, Record<string, number>> = {};
  private readonly decisionTimes = DECISION_TIME_BUCKETS.map((b) => ({ label: b.label, count: 0 }));
  private readonly denials: Record<string, number> = {};
  private readonly rejections: Record<string, number> = {};
  private readonly violationsByRule: Record<string, number> = {};
  private readonly listed: Violation[] = [];
  private readonly compliance: Record<string, Compliance> = {};
  /** Transfers not yet destroyed: seq → recipient and the request's time limit. */
  private readonly open = new Map<number, { to: string; timeLimit: string }>();
  /** Consents: "holder|to" (the holder may pass the data on to `to`). */
  private readonly consents = new Set<string>();
  /** Recipient of each transfer, for consents that refer to it. */
  private readonly recipients = new Map<number, string>();
  /** Catalogue provider of each dataset. */
  private readonly owners = new Map<string, string>();

  private of(department: string): Compliance {
    return (this.compliance[department] ??= {
      answersPastDeadline: 0,
      refusalsWithoutReasons: 0,
      conditionsAddedAfterPublication: 0,
      usesPastTimeLimit: 0,
      deliveriesWithoutDestruction: 0,
      onwardTransfersWithoutConsent: 0,
    });
  }

  entry(type: string, time: string): void {
    this.entries++;
    this.firstTime ??= time;
    this.lastTime = time;
    bump(this.byType, type);
  }

  cataloguePublished(
    f: EntryFields,
    b: CataloguePublishBody,
    previous?: CataloguePublishBody,
  ): void {
    this.owners.set(b.datasetId, b.provider);
    const before = new Set(previous?.sharing.conditions ?? []);
    if (previous && (b.sharing.conditions ?? []).some((c) => !before.has(c)))
      this.of(actorDepartment(f.actor) ?? b.provider).conditionsAddedAfterPublication++;
  }

  approved(f: EntryFields, request: Ref<RequestBody>): void {
    const ms = Date.parse(f.time) - Date.parse(request.time);
    const bucket = DECISION_TIME_BUCKETS.findIndex((b) => ms < b.ms);
    this.decisionTimes[bucket]!.count++;
  }

  denied(f: EntryFields, b: DecisionDenyBody, request?: Ref<RequestBody>): void {
    const provider = request?.body.provider ?? actorDepartment(f.actor) ?? f.actor;
    bump(this.denials, provider);
    if (b.reasons.length === 0) this.of(provider).refusalsWithoutReasons++;
    if (request) this.approved(f, request);
  }

  breach(_f: EntryFields, b: DeadlineBreachBody, request?: Ref<RequestBody>): void {
    if (b.kind === 'answer' && request) this.of(request.body.provider).answersPastDeadline++;
  }

  transfer(f: EntryFields, t: Ref<TransferBody>, request: Ref<RequestBody>): void {
    const from = actorDepartment(f.actor) ?? f.actor;
    const pair = `${from} → ${t.body.to}`;
    bump((this.exchanges[pair] ??= {}), f.time.slice(0, 10));
    this.open.set(f.seq, { to: t.body.to, timeLimit: request.body.timeLimit });
    this.recipients.set(f.seq, t.body.to);
    const owner = this.owners.get(request.body.datasetId);
    if (owner !== undefined && owner !== from && !this.consents.has(`${from}|${t.body.to}`))
      this.of(from).onwardTransfersWithoutConsent++;
  }

  receipt(_f: EntryFields, _t: Ref<TransferBody>): void {}

  use(f: EntryFields, t: Ref<TransferBody>, request?: Ref<RequestBody>): void {
    if (request && f.time.slice(0, 10) > request.body.timeLimit)
      this.of(t.body.to).usesPastTimeLimit++;
  }

  destruction(transferSeq: number): void {
    this.open.delete(transferSeq);
  }

  consent(_f: EntryFields, b: ConsentBody): void {
    const holder = this.recipients.get(b.transfer.seq);
    if (holder !== undefined) this.consents.add(`${holder}|${b.to}`);
  }

  rejection(_f: EntryFields, b: RejectionBody): void {
    bump(this.rejections, b.code);
  }

  violations(found: readonly Violation[]): void {
    for (const v of found) {
      bump(this.violationsByRule, v.rule);
      if (this.listed.length < MAX_LISTED_VIOLATIONS) this.listed.push(v);
    }
  }

  snapshot(): AuditStatsSnapshot {
    const compliance: Record<string, Compliance> = {};
    for (const [k, v] of Object.entries(this.compliance)) compliance[k] = { ...v };
    const today = (this.lastTime ?? '').slice(0, 10);
    for (const { to, timeLimit } of this.open.values())
      if (today > timeLimit) {
        compliance[to] ??= { ...this.of(to) };
        compliance[to].deliveriesWithoutDestruction++;
      }
    return {
      entries: this.entries,
      firstTime: this.firstTime,
      lastTime: this.lastTime,
      byType: { ...this.byType },
      exchanges: structuredClone(this.exchanges),
      decisionTimes: this.decisionTimes.map((b) => ({ ...b })),
      denials: { ...this.denials },
      rejections: { ...this.rejections },
      violationsByRule: { ...this.violationsByRule },
      violations: [...this.listed],
      compliance,
    };
  }
}
