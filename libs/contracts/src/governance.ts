// Governance entry types of decision 0006 (catalogue.*, policy.*, request, request.endorse,
// decision.*, deadline.breach, sanction.*, correction.*) under the Government Data Sharing Regulation
// (政务数据共享条例, State Council Order No. 809, 2025): one JSON Schema per body, plus the rules
// a schema cannot say (checkGovernanceRules), each error naming the JSON pointer at fault.
import { BodySchemaError, defineEntryType, validateEntryBody } from './entry-types.js';
import { maskingProfileIdSchema } from './masking-profile.js';

/** §13 sharing categories (§14–15). */
export const SharingCategory = {
  Unconditional: 'unconditional',
  Conditional: 'conditional',
  NotShared: 'not-shared',
} as const;
export type SharingCategory = (typeof SharingCategory)[keyof typeof SharingCategory];

/** Data grading, lowest to highest (Data Security Law §21: general, important, core). */
export const DataGrades = ['general', 'important', 'core'] as const;
export type DataGrade = (typeof DataGrades)[number];
/** The highest grade: always needs officers, four-eyes. */
export const HighestGrade: DataGrade = 'core';

export const DataClassifications = [
  'public',
  'legal-entity',
  'personal',
  'sensitive-personal',
] as const;
export type DataClassification = (typeof DataClassifications)[number];

export const MaskingMethods = ['none', 'partial', 'hash', 'redact'] as const;
export type MaskingMethod = (typeof MaskingMethods)[number];

export const SharingMethods = ['api', 'bulk', 'file'] as const;
export type SharingMethod = (typeof SharingMethods)[number];

export const Secrecy = ['none', 'state-secret', 'work-secret'] as const;
export type SecrecyLevel = (typeof Secrecy)[number];

export const CitationKinds = [
  'law',
  'administrative-regulation',
  'state-council-decision',
] as const;

export const DeadlineKinds = ['answer', 'delivery', 'correction'] as const;
export type DeadlineKind = (typeof DeadlineKinds)[number];

export const GovernanceEntryTypes = {
  CataloguePublish: 'catalogue.publish',
  CatalogueRetire: 'catalogue.retire',
  PolicyPublish: 'policy.publish',
  PolicyRetire: 'policy.retire',
  Request: 'request',
  RequestEndorse: 'request.endorse',
  DecisionApprove: 'decision.approve',
  DecisionDeny: 'decision.deny',
  DecisionMaterials: 'decision.materials',
  DecisionExtend: 'decision.extend',
  DecisionRevoke: 'decision.revoke',
  DeadlineBreach: 'deadline.breach',
  SanctionSuspend: 'sanction.suspend',
  SanctionTerminate: 'sanction.terminate',
  SanctionLift: 'sanction.lift',
  CorrectionRequest: 'correction.request',
  CorrectionAnswer: 'correction.answer',
} as const;
export type GovernanceEntryType = (typeof GovernanceEntryTypes)[keyof typeof GovernanceEntryTypes];

/** Actor patterns of 0006. */
export const GovernanceActors = {
  gateway: '^dept/[a-z0-9-]+/gateway$',
  office: '^dept/[a-z0-9-]+/office$',
  officer: '^dept/[a-z0-9-]+/officer/[a-z0-9._-]+$',
  admin: '^gov/admin/[a-z0-9._-]+$',
  policyEngine: '^gov/policy-engine$',
} as const;

// ---- shared schema pieces -------------------------------------------------------------

/** Limits that keep bodies small (oversized input is refused by the schema). */
export const GovernanceLimits = {
  text: 2000,
  name: 200,
  fields: 256,
  list: 64,
} as const;

const id = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$' } as const;
const department = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' } as const;
/** Text with at least one non-blank character (a blank reason is no reason). */
const text = {
  type: 'string',
  minLength: 1,
  maxLength: GovernanceLimits.text,
  pattern: '\\S',
} as const;
const name = {
  type: 'string',
  minLength: 1,
  maxLength: GovernanceLimits.name,
  pattern: '\\S',
} as const;
const textList = {
  type: 'array',
  maxItems: GovernanceLimits.list,
  items: text,
} as const;
const version = { type: 'integer', minimum: 1, maximum: 1_000_000 } as const;
const hex64 = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;
const date = { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' } as const;
const dateTime = {
  type: 'string',
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$',
} as const;
const fieldName = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' } as const;
const fieldList = {
  type: 'array',
  minItems: 1,
  maxItems: GovernanceLimits.fields,
  items: fieldName,
} as const;
/** A reference to an earlier entry: its seq and leaf hash (0006). */
export const entryRefSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['seq', 'leaf'],
  properties: { seq: { type: 'integer', minimum: 0 }, leaf: hex64 },
} as const;
const citation = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'title'],
  properties: { kind: { enum: CitationKinds }, title: name, article: name },
} as const;
const obj = (
  required: readonly string[],
  properties: Record<string, unknown>,
): Record<string, unknown> => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
});

// ---- body types -------------------------------------------------------------------------

export interface EntryRef {
  readonly seq: number;
  readonly leaf: string;
}
export interface LegalCitation {
  readonly kind: (typeof CitationKinds)[number];
  readonly title: string;
  readonly article?: string;
}
export interface CatalogueField {
  readonly name: string;
  readonly title?: string;
  readonly type: 'string' | 'number' | 'integer' | 'boolean' | 'date' | 'object';
  readonly classification: DataClassification;
  readonly grade: DataGrade;
  readonly masking: MaskingMethod;
}
export interface SharingTerms {
  readonly category: SharingCategory;
  /** conditional: conditions of use, scope and the purposes it may serve (§15). */
  readonly conditions?: readonly string[];
  readonly scope?: string;
  readonly purposes?: readonly string[];
  /** not-shared: the reason and the law, administrative regulation or decision cited. */
  readonly reason?: string;
  readonly citation?: LegalCitation;
}
export interface CataloguePublishBody {
  readonly datasetId: string;
  readonly version: number;
  readonly name: string;
  readonly description?: string;
  readonly provider: string;
  readonly fields: readonly CatalogueField[];
  readonly format: 'json' | 'csv' | 'xml' | 'file';
  readonly updateFrequency: string;
  readonly sharing: SharingTerms;
  readonly methods: readonly SharingMethod[];
  readonly secrecy: SecrecyLevel;
}
export interface CatalogueRetireBody {
  readonly datasetId: string;
  readonly version: number;
  readonly reason: string;
}
export interface PolicyPublishBody {
  readonly policyId: string;
  readonly version: number;
  readonly provider: string;
  /** The policy document (libs/policy's language), as canonical JSON. */
  readonly document: Readonly<Record<string, unknown>>;
}
export interface PolicyRetireBody {
  readonly policyId: string;
  readonly version: number;
  readonly reason: string;
}
export interface RequestBody {
  readonly requestId: string;
  readonly provider: string;
  readonly datasetId: string;
  readonly datasetVersion: number;
  readonly fields: readonly string[];
  readonly purpose: string;
  readonly legalBasis: string;
  readonly scenario: string;
  readonly scope: string;
  readonly method: SharingMethod;
  /** Last day the data may be used (YYYY-MM-DD). */
  readonly timeLimit: string;
  readonly duty: string;
  readonly subjectCommitment: string;
  readonly subjectSealed: string;
}
export interface RequestEndorseBody {
  readonly request: EntryRef;
}
export interface DecisionApproveBody {
  readonly request: EntryRef;
  readonly fields: readonly string[];
  /** A masking profile id (masking-profile.ts): catalogue or `<policyId>@<version>:<name>`. */
  readonly maskingProfile?: string;
  readonly expires: string;
  /** false: one sign-off of a four-eyes approval; gateways act only on final approvals. */
  readonly final: boolean;
  readonly policy?: { readonly id: string; readonly version: number };
  readonly traceHash?: string;
}
export interface DecisionDenyBody {
  readonly request: EntryRef;
  readonly reasons: readonly string[];
  readonly citation?: LegalCitation;
  readonly policy?: { readonly id: string; readonly version: number };
  readonly traceHash?: string;
}
export interface DecisionMaterialsBody {
  readonly request: EntryRef;
  readonly missing: readonly string[];
}
export interface DecisionExtendBody {
  readonly request: EntryRef;
  readonly days: number;
  readonly authority: string;
}
export interface DecisionRevokeBody {
  readonly approval: EntryRef;
  readonly reason: string;
}
export interface DeadlineBreachBody {
  /** The entry that started the deadline: the `request`, or the `correction.request` (kind correction). */
  readonly request: EntryRef;
  readonly deadline: string;
  readonly kind: DeadlineKind;
  readonly escalation: 'notice' | 'authority';
}
export interface SanctionBody {
  readonly department: string;
  readonly reason: string;
  /** suspend: the last local date to remedy (§27); past it without a lift, termination. */
  readonly remedyBy?: string;
  /** terminate by the policy engine: the suspension whose remedy date passed unlifted. */
  readonly suspension?: EntryRef;
}

/** §22/§26: the outcomes of a correction request. */
export const CorrectionOutcomes = ['corrected', 'no-error'] as const;
export type CorrectionOutcome = (typeof CorrectionOutcomes)[number];

/** §22: a requester doubts or finds errors in shared data; the provider answers in 10 working days. */
export interface CorrectionRequestBody {
  readonly correctionId: string;
  readonly provider: string;
  readonly datasetId: string;
  readonly fields: readonly string[];
  readonly issue: string;
  /** The delivery the doubted data came in, when there is one. */
  readonly transfer?: EntryRef;
}
export interface CorrectionAnswerBody {
  readonly correction: EntryRef;
  readonly outcome: CorrectionOutcome;
  readonly note: string;
}

// ---- schemas ----------------------------------------------------------------------------

const catalogueField = obj(['name', 'type', 'classification', 'grade', 'masking'], {
  name: fieldName,
  title: name,
  type: { enum: ['string', 'number', 'integer', 'boolean', 'date', 'object'] },
  classification: { enum: DataClassifications },
  grade: { enum: DataGrades },
  masking: { enum: MaskingMethods },
});

// What the schema can say of §15 it says, so the ledger refuses it at intake; the rest
// (terms on an unconditional entry, …) is checkCatalogueRules'.
const sharing = {
  ...obj(['category'], {
    category: { enum: Object.values(SharingCategory) },
    conditions: textList,
    scope: text,
    purposes: textList,
    reason: text,
    citation,
  }),
  allOf: [
    {
      if: { properties: { category: { const: 'conditional' } } },
      then: {
        required: ['conditions', 'scope', 'purposes'],
        properties: {
          conditions: { type: 'array', minItems: 1 },
          scope: {},
          purposes: { type: 'array', minItems: 1 },
        },
      },
    },
    {
      if: { properties: { category: { const: 'not-shared' } } },
      then: { required: ['reason', 'citation'], properties: { reason: {}, citation: {} } },
    },
  ],
};

const policyRef = obj(['id', 'version'], { id, version });

const officerOrEngine = [GovernanceActors.policyEngine, GovernanceActors.officer];
const officerOrAdmin = [GovernanceActors.officer, GovernanceActors.admin];

defineEntryType({
  type: GovernanceEntryTypes.CataloguePublish,
  summary: 'a version of a catalogue entry (§13): fields with grade and masking, sharing terms',
  submitters: [GovernanceActors.gateway],
  schema: obj(
    [
      'datasetId',
      'version',
      'name',
      'provider',
      'fields',
      'format',
      'updateFrequency',
      'sharing',
      'methods',
      'secrecy',
    ],
    {
      datasetId: id,
      version,
      name,
      description: text,
      provider: department,
      fields: {
        type: 'array',
        minItems: 1,
        maxItems: GovernanceLimits.fields,
        items: catalogueField,
      },
      format: { enum: ['json', 'csv', 'xml', 'file'] },
      updateFrequency: {
        enum: ['realtime', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'on-change'],
      },
      sharing,
      methods: {
        type: 'array',
        minItems: 1,
        maxItems: SharingMethods.length,
        uniqueItems: true,
        items: { enum: SharingMethods },
      },
      // §3: state and work secrets are never shared, so never catalogued for sharing.
      secrecy: { enum: Secrecy, not: { enum: ['state-secret', 'work-secret'] } },
    },
  ),
});

defineEntryType({
  type: GovernanceEntryTypes.CatalogueRetire,
  summary: 'a catalogue entry withdrawn from sharing',
  submitters: [GovernanceActors.gateway],
  schema: obj(['datasetId', 'version', 'reason'], { datasetId: id, version, reason: text }),
});

defineEntryType({
  type: GovernanceEntryTypes.PolicyPublish,
  summary: 'a sharing policy version (libs/policy language, canonical JSON)',
  submitters: [GovernanceActors.office, GovernanceActors.admin],
  schema: obj(['policyId', 'version', 'provider', 'document'], {
    policyId: id,
    version,
    provider: department,
    document: { type: 'object', maxProperties: 64 },
  }),
});

defineEntryType({
  type: GovernanceEntryTypes.PolicyRetire,
  summary: 'a sharing policy retired',
  submitters: [GovernanceActors.office, GovernanceActors.admin],
  schema: obj(['policyId', 'version', 'reason'], { policyId: id, version, reason: text }),
});

defineEntryType({
  type: GovernanceEntryTypes.Request,
  summary: 'a data-sharing request (§20), its subject only as a commitment and sealed id',
  submitters: [GovernanceActors.gateway],
  schema: obj(
    [
      'requestId',
      'provider',
      'datasetId',
      'datasetVersion',
      'fields',
      'purpose',
      'legalBasis',
      'scenario',
      'scope',
      'method',
      'timeLimit',
      'duty',
      'subjectCommitment',
      'subjectSealed',
    ],
    {
      requestId: id,
      provider: department,
      datasetId: id,
      datasetVersion: version,
      fields: fieldList,
      purpose: name,
      legalBasis: name,
      scenario: text,
      scope: text,
      method: { enum: SharingMethods },
      timeLimit: date,
      duty: text,
      subjectCommitment: hex64,
      subjectSealed: { type: 'string', minLength: 1, maxLength: 4096, pattern: '^[0-9a-f]+$' },
    },
  ),
});

defineEntryType({
  type: GovernanceEntryTypes.RequestEndorse,
  summary: "the requesting department's sharing office approves sending a request (§20)",
  submitters: [GovernanceActors.office],
  schema: obj(['request'], { request: entryRefSchema }),
});

defineEntryType({
  type: GovernanceEntryTypes.DecisionApprove,
  summary: 'approval of a request (policy engine with policy id/version and trace, or officer)',
  submitters: officerOrEngine,
  schema: obj(['request', 'fields', 'expires', 'final'], {
    request: entryRefSchema,
    fields: fieldList,
    maskingProfile: maskingProfileIdSchema,
    expires: dateTime,
    final: { type: 'boolean' },
    policy: policyRef,
    traceHash: hex64,
  }),
});

defineEntryType({
  type: GovernanceEntryTypes.DecisionDeny,
  summary: 'refusal of a request, always with reasons (§21)',
  submitters: officerOrEngine,
  schema: obj(['request', 'reasons'], {
    request: entryRefSchema,
    reasons: { ...textList, minItems: 1 },
    citation,
    policy: policyRef,
    traceHash: hex64,
  }),
});

defineEntryType({
  type: GovernanceEntryTypes.DecisionMaterials,
  summary: 'everything missing from a request, listed at once (一次性告知, §21)',
  submitters: [GovernanceActors.officer],
  schema: obj(['request', 'missing'], {
    request: entryRefSchema,
    missing: { ...textList, minItems: 1 },
  }),
});

defineEntryType({
  type: GovernanceEntryTypes.DecisionExtend,
  summary: 'answer deadline extended by at most 10 working days with the authority (§21)',
  submitters: [GovernanceActors.officer],
  schema: obj(['request', 'days', 'authority'], {
    request: entryRefSchema,
    days: { type: 'integer', minimum: 1, maximum: 10 },
    authority: name,
  }),
});

defineEntryType({
  type: GovernanceEntryTypes.DecisionRevoke,
  summary: 'an unused approval revoked',
  submitters: [GovernanceActors.officer],
  schema: obj(['approval', 'reason'], { approval: entryRefSchema, reason: text }),
});

defineEntryType({
  type: GovernanceEntryTypes.DeadlineBreach,
  summary: 'a §21 deadline passed without the due entry; escalation notice, then authority',
  submitters: [GovernanceActors.policyEngine],
  schema: obj(['request', 'deadline', 'kind', 'escalation'], {
    request: entryRefSchema,
    deadline: dateTime,
    kind: { enum: DeadlineKinds },
    escalation: { enum: ['notice', 'authority'] },
  }),
});

for (const [type, summary] of [
  [GovernanceEntryTypes.SanctionSuspend, "a requester's sharing rights suspended (§27)"],
  [GovernanceEntryTypes.SanctionLift, 'a suspension lifted'],
] as const) {
  defineEntryType({
    type,
    summary,
    submitters: officerOrAdmin,
    schema: obj(['department', 'reason'], { department, reason: text, remedyBy: date }),
  });
}

defineEntryType({
  type: GovernanceEntryTypes.SanctionTerminate,
  summary:
    "a requester's sharing rights terminated (§27): by an officer, or by the policy engine once a suspension's remedyBy passed without a lift",
  submitters: [...officerOrAdmin, GovernanceActors.policyEngine],
  schema: obj(['department', 'reason'], {
    department,
    reason: text,
    remedyBy: date,
    suspension: entryRefSchema,
  }),
});

defineEntryType({
  type: GovernanceEntryTypes.CorrectionRequest,
  summary: 'a requester asks the provider to check and correct shared data (§22, §26)',
  submitters: [GovernanceActors.gateway, GovernanceActors.office],
  schema: obj(['correctionId', 'provider', 'datasetId', 'fields', 'issue'], {
    correctionId: id,
    provider: department,
    datasetId: id,
    fields: fieldList,
    issue: text,
    transfer: entryRefSchema,
  }),
});

defineEntryType({
  type: GovernanceEntryTypes.CorrectionAnswer,
  summary: 'the provider answers a correction request within 10 working days (§22)',
  submitters: [GovernanceActors.gateway, GovernanceActors.officer],
  schema: obj(['correction', 'outcome', 'note'], {
    correction: entryRefSchema,
    outcome: { enum: CorrectionOutcomes },
    note: text,
  }),
});

// ---- rules beyond the schema ------------------------------------------------------------

const blank = (s: string): boolean => s.trim() === '';

function duplicateAt(values: readonly string[], pointer: string): string | null {
  const seen = new Set<string>();
  for (const [i, v] of values.entries()) {
    if (seen.has(v)) return `${pointer}/${i}`;
    seen.add(v);
  }
  return null;
}

function nonBlankList(type: string, list: readonly string[] | undefined, pointer: string): void {
  for (const [i, s] of (list ?? []).entries())
    if (blank(s)) throw new BodySchemaError(type, `${pointer}/${i}`, 'must not be blank');
}

/** §3, §14–15 rules of a catalogue entry. Throws BodySchemaError naming the field. */
export function checkCatalogueRules(body: CataloguePublishBody): void {
  const t = GovernanceEntryTypes.CataloguePublish;
  if (body.secrecy !== 'none')
    throw new BodySchemaError(t, '/secrecy', `${body.secrecy} data is never shared (§3)`);
  const dup = duplicateAt(
    body.fields.map((f) => f.name),
    '/fields',
  );
  if (dup) throw new BodySchemaError(t, `${dup}/name`, 'duplicate field name');
  const s = body.sharing;
  const present = (k: keyof SharingTerms): boolean => s[k] !== undefined;
  const forbid = (keys: readonly (keyof SharingTerms)[], why: string): void => {
    for (const k of keys)
      if (present(k)) throw new BodySchemaError(t, `/sharing/${k}`, `not allowed: ${why}`);
  };
  switch (s.category) {
    case 'unconditional':
      forbid(
        ['conditions', 'scope', 'purposes', 'reason', 'citation'],
        'unconditional sharing has no conditions (§14)',
      );
      return;
    case 'conditional':
      if (!s.conditions?.length)
        throw new BodySchemaError(
          t,
          '/sharing/conditions',
          'conditional sharing lists its conditions (§15)',
        );
      if (s.scope === undefined || blank(s.scope))
        throw new BodySchemaError(
          t,
          '/sharing/scope',
          'conditional sharing states its scope (§15)',
        );
      if (!s.purposes?.length)
        throw new BodySchemaError(
          t,
          '/sharing/purposes',
          'conditional sharing lists its purposes (§15)',
        );
      nonBlankList(t, s.conditions, '/sharing/conditions');
      nonBlankList(t, s.purposes, '/sharing/purposes');
      forbid(['reason', 'citation'], 'only not-shared entries carry a refusal');
      return;
    case 'not-shared':
      if (s.reason === undefined || blank(s.reason))
        throw new BodySchemaError(t, '/sharing/reason', 'not-shared entries state a reason (§15)');
      if (!s.citation)
        throw new BodySchemaError(
          t,
          '/sharing/citation',
          'not-shared entries cite a law, administrative regulation or State Council decision (§15)',
        );
      forbid(['conditions', 'scope', 'purposes'], 'a not-shared entry has no terms of use');
      return;
  }
}

/**
 * Checks what a schema cannot say for a governance body already valid against its schema.
 * Throws BodySchemaError naming the field; other types pass.
 */
export function checkGovernanceRules(type: string, body: unknown): void {
  switch (type) {
    case GovernanceEntryTypes.CataloguePublish:
      return checkCatalogueRules(body as CataloguePublishBody);
    case GovernanceEntryTypes.Request: {
      const b = body as RequestBody;
      const dup = duplicateAt(b.fields, '/fields');
      if (dup) throw new BodySchemaError(type, dup, 'duplicate field');
      for (const k of ['purpose', 'legalBasis', 'scenario', 'scope', 'duty'] as const)
        if (blank(b[k])) throw new BodySchemaError(type, `/${k}`, 'must not be blank (§20)');
      return;
    }
    case GovernanceEntryTypes.DecisionApprove: {
      const b = body as DecisionApproveBody;
      const dup = duplicateAt(b.fields, '/fields');
      if (dup) throw new BodySchemaError(type, dup, 'duplicate field');
      if (b.policy && !b.traceHash)
        throw new BodySchemaError(type, '/traceHash', 'a policy decision carries its trace hash');
      return;
    }
    case GovernanceEntryTypes.DecisionDeny: {
      const b = body as DecisionDenyBody;
      nonBlankList(type, b.reasons, '/reasons');
      if (b.policy && !b.traceHash)
        throw new BodySchemaError(type, '/traceHash', 'a policy decision carries its trace hash');
      return;
    }
    case GovernanceEntryTypes.DecisionMaterials:
      return nonBlankList(type, (body as DecisionMaterialsBody).missing, '/missing');
    case GovernanceEntryTypes.CorrectionRequest: {
      const b = body as CorrectionRequestBody;
      const dup = duplicateAt(b.fields, '/fields');
      if (dup) throw new BodySchemaError(type, dup, 'duplicate field');
      if (blank(b.issue)) throw new BodySchemaError(type, '/issue', 'must not be blank');
      return;
    }
    case GovernanceEntryTypes.CorrectionAnswer:
      if (blank((body as CorrectionAnswerBody).note))
        throw new BodySchemaError(type, '/note', 'must not be blank');
      return;
    case GovernanceEntryTypes.CatalogueRetire:
    case GovernanceEntryTypes.PolicyRetire:
    case GovernanceEntryTypes.DecisionRevoke:
    case GovernanceEntryTypes.SanctionSuspend:
    case GovernanceEntryTypes.SanctionTerminate:
    case GovernanceEntryTypes.SanctionLift: {
      const r = (body as { reason: string }).reason;
      if (blank(r)) throw new BodySchemaError(type, '/reason', 'must not be blank');
      return;
    }
    default:
      return;
  }
}

/** Schema plus rules: the one check for a governance body. Throws BodySchemaError. */
export function validateGovernanceBody<T>(type: GovernanceEntryType, body: unknown): T {
  const typed = validateEntryBody<T>(type, body);
  checkGovernanceRules(type, typed);
  return typed;
}
