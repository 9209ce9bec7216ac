// A policy document checked against the catalogue and turned into the structures evaluate()
// reads: sets, bit masks and minute ranges. Refuses unknown datasets, fields and masking
// profiles, outcomes against the category, and contradictions (contradictions.ts).
import {
  DataGrades,
  MaskingMethods,
  type CataloguePublishBody,
  type DataGrade,
  type MaskingMethod,
} from '@govx/contracts';
import { findContradiction } from './contradictions.js';
import { PolicyContradictionError, PolicyReferenceError, PolicySchemaError } from './errors.js';
import { checkPolicyDocument, noPositions, parsePolicySource, type Locate } from './parse.js';
import {
  Weekdays,
  type PolicyDocument,
  type PolicyOutcome,
  type PolicyQuota,
  type RuleCondition,
} from './policy-document.js';

/** Looks a catalogue entry up by dataset id (its current version). */
export type CatalogueLookup = (datasetId: string) => CataloguePublishBody | undefined;

export interface CompiledCondition {
  readonly requesters: ReadonlySet<string> | null;
  readonly purposes: ReadonlySet<string> | null;
  readonly legalBases: ReadonlySet<string> | null;
  readonly fields: ReadonlySet<string> | null;
  readonly methods: ReadonlySet<string> | null;
  /** Index into DataGrades, or null. */
  readonly maxGrade: number | null;
  /** Bit i set: weekday i (0 = Sunday) allowed. */
  readonly days: number;
  /** Local minutes since midnight, [from, to). */
  readonly from: number;
  readonly to: number;
  readonly validFrom: string | null;
  readonly validUntil: string | null;
}

export interface CompiledRule {
  readonly id: string;
  readonly when: CompiledCondition;
  readonly then: PolicyOutcome;
}

export interface CompiledPolicy {
  readonly document: PolicyDocument;
  readonly policyId: string;
  readonly version: number;
  readonly dataset: string;
  /** UTC offset of local time, minutes. */
  readonly offsetMinutes: number;
  readonly rules: readonly CompiledRule[];
  readonly quotas: ReadonlyMap<string, PolicyQuota>;
  readonly maskingProfiles: ReadonlyMap<string, ReadonlyMap<string, MaskingMethod>>;
  /** The catalogue entry the policy was checked against (its version is in the trace). */
  readonly catalogueVersion: number;
}

const ALL_DAYS = 0x7f;

function minutes(hhmm: string | undefined, fallback: number): number {
  if (hhmm === undefined) return fallback;
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

const setOf = (xs: readonly string[] | undefined): ReadonlySet<string> | null =>
  xs ? new Set(xs) : null;

function compileCondition(w: RuleCondition): CompiledCondition {
  return {
    requesters: setOf(w.requesters),
    purposes: setOf(w.purposes),
    legalBases: setOf(w.legalBases),
    fields: setOf(w.fields),
    methods: setOf(w.methods),
    maxGrade: w.maxGrade ? DataGrades.indexOf(w.maxGrade) : null,
    days: w.window?.days
      ? w.window.days.reduce((m, d) => m | (1 << Weekdays.indexOf(d)), 0)
      : ALL_DAYS,
    from: minutes(w.window?.from, 0),
    to: minutes(w.window?.to, 24 * 60),
    validFrom: w.validFrom ?? null,
    validUntil: w.validUntil ?? null,
  };
}

function checkOutcome(
  o: PolicyOutcome,
  at: string,
  doc: PolicyDocument,
  entry: CataloguePublishBody,
  locate: Locate,
): void {
  const fail = (field: string, reason: string): never => {
    throw new PolicySchemaError(`${at}${field}`, reason, locate(`${at}${field}`) ?? locate(at));
  };
  if (o.decision === 'officers' && !o.officers) fail('/officers', 'officers: one or four-eyes');
  if (o.decision !== 'officers' && o.officers)
    fail('/officers', 'only an officers decision names officers');
  if (o.decision === 'deny' && !o.reasons?.length)
    fail('/reasons', 'a refusal states its reasons (§21)');
  if (o.decision === 'deny' && o.reasons?.some((r) => r.trim() === ''))
    fail('/reasons', 'reasons must not be blank');
  if (o.maskingProfile !== undefined && !doc.maskingProfiles?.[o.maskingProfile])
    throw new PolicyReferenceError(
      `${at}/maskingProfile`,
      `unknown masking profile ${JSON.stringify(o.maskingProfile)}`,
      locate(`${at}/maskingProfile`),
    );
  const category = entry.sharing.category;
  if (category === 'not-shared' && o.decision !== 'deny')
    throw new PolicyContradictionError(
      `${at}/decision`,
      `dataset ${entry.datasetId} is not shared: a policy can only deny it (§15)`,
      locate(`${at}/decision`),
    );
  if (category === 'unconditional' && o.decision === 'deny')
    throw new PolicyContradictionError(
      `${at}/decision`,
      `dataset ${entry.datasetId} is shared unconditionally: a policy cannot refuse it (§14)`,
      locate(`${at}/decision`),
    );
}

function checkReferences(doc: PolicyDocument, entry: CataloguePublishBody, locate: Locate): void {
  const fields = new Set(entry.fields.map((f) => f.name));
  const ref = (field: string, reason: string): never => {
    throw new PolicyReferenceError(field, reason, locate(field));
  };
  if (doc.provider !== entry.provider)
    ref('/provider', `dataset ${entry.datasetId} is provided by ${entry.provider}`);
  for (const [name, profile] of Object.entries(doc.maskingProfiles ?? {}))
    for (const f of Object.keys(profile))
      if (!fields.has(f))
        ref(`/maskingProfiles/${name}/${f}`, `unknown field ${f} of dataset ${entry.datasetId}`);
  const purposes =
    entry.sharing.category === 'conditional' ? new Set(entry.sharing.purposes) : null;
  const ids = new Set<string>();
  for (const [i, rule] of (doc.rules ?? []).entries()) {
    const at = `/rules/${i}`;
    if (ids.has(rule.id)) ref(`${at}/id`, `duplicate rule id ${rule.id}`);
    ids.add(rule.id);
    for (const [j, f] of (rule.when.fields ?? []).entries())
      if (!fields.has(f))
        ref(`${at}/when/fields/${j}`, `unknown field ${f} of dataset ${entry.datasetId}`);
    for (const [j, p] of (rule.when.purposes ?? []).entries())
      if (purposes && !purposes.has(p))
        ref(
          `${at}/when/purposes/${j}`,
          `purpose ${JSON.stringify(p)} is not among the catalogue entry's purposes (§15)`,
        );
    const w = rule.when.window;
    if (w && minutes(w.from, 0) >= minutes(w.to, 24 * 60))
      throw new PolicySchemaError(
        `${at}/when/window`,
        'from must be before to',
        locate(`${at}/when/window`),
      );
    if (rule.when.validFrom && rule.when.validUntil && rule.when.validFrom > rule.when.validUntil)
      throw new PolicySchemaError(
        `${at}/when/validUntil`,
        'validUntil is before validFrom',
        locate(`${at}/when/validUntil`),
      );
    checkOutcome(rule.then, `${at}/then`, doc, entry, locate);
  }
  if (doc.default) checkOutcome(doc.default, '/default', doc, entry, locate);
}

function offsetMinutes(tz: string | undefined): number {
  const z = tz ?? '+08:00';
  const m = Number(z.slice(1, 3)) * 60 + Number(z.slice(4, 6));
  return z[0] === '-' ? -m : m;
}

/**
 * Checks a policy against the catalogue and compiles it. `input` is source text (YAML/JSON,
 * errors carry lines) or a parsed document (e.g. a policy.publish body's `document`).
 * MUST be deterministic: the same input always compiles to the same policy or the same error.
 */
export function compilePolicy(input: string | unknown, catalogue: CatalogueLookup): CompiledPolicy {
  const { document: doc, locate } =
    typeof input === 'string'
      ? parsePolicySource(input)
      : { document: checkPolicyDocument(input), locate: noPositions };
  const entry = catalogue(doc.dataset);
  if (!entry)
    throw new PolicyReferenceError(
      '/dataset',
      `unknown dataset ${JSON.stringify(doc.dataset)}`,
      locate('/dataset'),
    );
  checkReferences(doc, entry, locate);
  const rules = (doc.rules ?? []).map((r) => ({
    id: r.id,
    when: compileCondition(r.when),
    then: r.then,
  }));
  const clash = findContradiction(rules);
  if (clash) {
    const [a, b] = clash;
    const at = `/rules/${b}`;
    throw new PolicyContradictionError(
      at,
      `rules ${rules[a]!.id} and ${rules[b]!.id} can match the same request with different outcomes`,
      locate(at),
    );
  }
  const quotas = new Map<string, PolicyQuota>();
  for (const [i, q] of (doc.quotas ?? []).entries()) {
    if (quotas.has(q.requester))
      throw new PolicyContradictionError(
        `/quotas/${i}/requester`,
        `two quotas for ${q.requester}`,
        locate(`/quotas/${i}/requester`),
      );
    quotas.set(q.requester, q);
  }
  const maskingProfiles = new Map(
    Object.entries(doc.maskingProfiles ?? {}).map(([name, p]) => [
      name,
      new Map(Object.entries(p).map(([f, m]) => [f, m as MaskingMethod])),
    ]),
  );
  return {
    document: doc,
    policyId: doc.policyId,
    version: doc.version,
    dataset: doc.dataset,
    offsetMinutes: offsetMinutes(doc.timezone),
    rules,
    quotas,
    maskingProfiles,
    catalogueVersion: entry.version,
  };
}

/** The stricter of two masking methods (none < partial < hash < redact). */
export function stricterMasking(a: MaskingMethod, b: MaskingMethod): MaskingMethod {
  return MaskingMethods.indexOf(a) >= MaskingMethods.indexOf(b) ? a : b;
}

export const gradeIndex = (g: DataGrade): number => DataGrades.indexOf(g);
