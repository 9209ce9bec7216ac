// evaluate(policy, catalogueEntry, request, context): the decision on one request. Pure and
// deterministic: it reads nothing but its arguments (time comes from the context, i.e. the
// ledger), so an auditor who re-runs it on the same inputs and policy version MUST get the
// same result, trace included.
import { hash, toHex } from '@govx/crypto';
import {
  DataGrades,
  HighestGrade,
  type CataloguePublishBody,
  type MaskingMethod,
  type RequestBody,
} from '@govx/contracts';
import { jcs } from '@govx/ledger-core';
import {
  gradeIndex,
  stricterMasking,
  type CompiledCondition,
  type CompiledPolicy,
} from './compile.js';
import type { OfficerRequirement, PolicyDecision, PolicyOutcome } from './policy-document.js';

export type PolicyRequest = Pick<
  RequestBody,
  'datasetId' | 'fields' | 'purpose' | 'legalBasis' | 'method'
> & {
  /** The requesting department (from the request entry's actor). */
  readonly requester: string;
};

export interface EvaluationContext {
  /** The ledger time of the request (ISO 8601, UTC). */
  readonly time: string;
  /** Approvals this requester already got for this dataset on the same local day. */
  readonly approvedToday?: number;
}

export interface TraceStep {
  readonly step: string;
  readonly detail: string;
}

export interface PolicyEvaluation {
  readonly decision: PolicyDecision;
  readonly officers: OfficerRequirement | null;
  readonly fields: readonly string[];
  readonly maskingProfile: string | null;
  /** Effective masking per field: the stricter of the catalogue's and the profile's. */
  readonly masking: Readonly<Record<string, MaskingMethod>>;
  readonly reasons: readonly string[];
  readonly policy: { readonly id: string; readonly version: number };
  readonly trace: readonly TraceStep[];
}

interface LocalTime {
  readonly day: number;
  readonly minute: number;
  readonly date: string;
}

function localTime(iso: string, offsetMinutes: number): LocalTime {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new RangeError(`context.time: not an ISO time: ${iso}`);
  const d = new Date(ms + offsetMinutes * 60_000);
  return {
    day: d.getUTCDay(),
    minute: d.getUTCHours() * 60 + d.getUTCMinutes(),
    date: d.toISOString().slice(0, 10),
  };
}

function matches(
  w: CompiledCondition,
  req: PolicyRequest,
  maxGrade: number,
  now: () => LocalTime,
): boolean {
  if (w.requesters && !w.requesters.has(req.requester)) return false;
  if (w.purposes && !w.purposes.has(req.purpose)) return false;
  if (w.legalBases && !w.legalBases.has(req.legalBasis)) return false;
  if (w.methods && !w.methods.has(req.method)) return false;
  if (w.fields) for (const f of req.fields) if (!w.fields.has(f)) return false;
  if (w.maxGrade !== null && maxGrade > w.maxGrade) return false;
  if (w.days !== 0x7f || w.from !== 0 || w.to !== 1440) {
    const t = now();
    if ((w.days & (1 << t.day)) === 0 || t.minute < w.from || t.minute >= w.to) return false;
  }
  if (w.validFrom !== null && now().date < w.validFrom) return false;
  if (w.validUntil !== null && now().date > w.validUntil) return false;
  return true;
}

const describe = (o: PolicyOutcome): string =>
  o.decision === 'officers' ? `officers(${o.officers})` : o.decision;

function categoryDefault(entry: CataloguePublishBody): PolicyOutcome {
  return entry.sharing.category === 'unconditional'
    ? { decision: 'approve' }
    : { decision: 'officers', officers: 'one' };
}

/**
 * Decides one request. Throws RangeError when the request or entry is not for this policy's
 * dataset, or the context time is not a time. Everything else is a decision, with reasons.
 */
export function evaluate(
  policy: CompiledPolicy,
  entry: CataloguePublishBody,
  request: PolicyRequest,
  context: EvaluationContext,
): PolicyEvaluation {
  if (request.datasetId !== policy.dataset)
    throw new RangeError(`request.datasetId ${request.datasetId} is not ${policy.dataset}`);
  if (entry.datasetId !== policy.dataset)
    throw new RangeError(`catalogueEntry.datasetId ${entry.datasetId} is not ${policy.dataset}`);
  const trace: TraceStep[] = [
    { step: 'policy', detail: `${policy.policyId}@${policy.version}` },
    { step: 'catalogue', detail: `${entry.datasetId}@${entry.version} ${entry.sharing.category}` },
  ];
  const result = (
    o: PolicyOutcome,
    reasons: readonly string[] = o.reasons ?? [],
  ): PolicyEvaluation => finish(policy, entry, request, o, reasons, trace);
  const deny = (step: string, reasons: string[]): PolicyEvaluation => {
    trace.push({ step, detail: `deny: ${reasons.join('; ')}` });
    return result({ decision: 'deny' }, reasons);
  };

  const byName = new Map(entry.fields.map((f) => [f.name, f]));
  const unknown = request.fields.filter((f) => !byName.has(f));
  if (unknown.length)
    return deny('fields', [`unknown fields of ${entry.datasetId}: ${unknown.join(', ')}`]);
  if (!entry.methods.includes(request.method))
    return deny('method', [`${entry.datasetId} is not shared by ${request.method}`]);

  const s = entry.sharing;
  if (s.category === 'not-shared') {
    const c = s.citation;
    return deny('category', [
      `not shared: ${s.reason ?? ''}`,
      `legal basis: ${c ? `${c.title}${c.article ? ` art. ${c.article}` : ''}` : ''}`,
    ]);
  }
  if (s.category === 'conditional') {
    if (!(s.purposes ?? []).includes(request.purpose))
      return deny('conditions', [
        `purpose ${JSON.stringify(request.purpose)} is not among the purposes of ${entry.datasetId} (§15)`,
      ]);
    trace.push({ step: 'conditions', detail: `purpose listed; scope ${s.scope ?? ''}` });
  }

  let maxGrade = 0;
  for (const f of request.fields) maxGrade = Math.max(maxGrade, gradeIndex(byName.get(f)!.grade));
  let local: LocalTime | undefined;
  const now = (): LocalTime => (local ??= localTime(context.time, policy.offsetMinutes));

  const fired = policy.rules.filter((r) => matches(r.when, request, maxGrade, now));
  let outcome: PolicyOutcome;
  let reasons: string[];
  if (fired.length) {
    outcome = fired[0]!.then;
    reasons = [...new Set(fired.flatMap((r) => r.then.reasons ?? []))];
    for (const r of fired) trace.push({ step: `rule ${r.id}`, detail: describe(r.then) });
  } else {
    outcome = policy.document.default ?? categoryDefault(entry);
    reasons = [...(outcome.reasons ?? [])];
    trace.push({
      step: policy.document.default ? 'default' : `default ${s.category}`,
      detail: describe(outcome),
    });
  }

  if (outcome.decision === 'approve') {
    const quota = policy.quotas.get(request.requester) ?? policy.quotas.get('*');
    const used = context.approvedToday ?? 0;
    if (quota && used >= quota.perDay) {
      const why = `daily quota of ${quota.perDay} approvals for ${request.requester} reached`;
      if ((quota.onExceed ?? 'deny') === 'deny') return deny('quota', [why]);
      outcome = { decision: 'officers', officers: 'one', maskingProfile: outcome.maskingProfile };
      trace.push({ step: 'quota', detail: `officers(one): ${why}` });
    }
  }

  if (outcome.decision !== 'deny' && DataGrades[maxGrade] === HighestGrade) {
    outcome = {
      decision: 'officers',
      officers: 'four-eyes',
      maskingProfile: outcome.maskingProfile,
    };
    trace.push({ step: 'grade', detail: `officers(four-eyes): ${HighestGrade} data requested` });
  }
  return result(outcome, reasons);
}

function finish(
  policy: CompiledPolicy,
  entry: CataloguePublishBody,
  request: PolicyRequest,
  o: PolicyOutcome,
  reasons: readonly string[],
  trace: readonly TraceStep[],
): PolicyEvaluation {
  const deny = o.decision === 'deny';
  const profile = deny ? null : (o.maskingProfile ?? null);
  const masking: Record<string, MaskingMethod> = {};
  if (!deny) {
    const p = profile === null ? undefined : policy.maskingProfiles.get(profile);
    for (const f of entry.fields)
      if (request.fields.includes(f.name))
        masking[f.name] = stricterMasking(f.masking, p?.get(f.name) ?? 'none');
  }
  return {
    decision: o.decision,
    officers: o.decision === 'officers' ? (o.officers ?? 'one') : null,
    fields: deny ? [] : [...request.fields],
    maskingProfile: profile,
    masking,
    reasons,
    policy: { id: policy.policyId, version: policy.version },
    trace,
  };
}

/** Hex SHA-256 of the evaluation's RFC 8785 form: what a decision entry's traceHash carries. */
export function traceHash(evaluation: PolicyEvaluation): string {
  return toHex(hash('sha256', new TextEncoder().encode(jcs(evaluation))));
}
