// The sharing-policy language (docs/policy-language.md): the document's types and its JSON
// Schema. A document is JSON or YAML; it is stored on the ledger as canonical JSON.
import { DataGrades, MaskingMethods, SharingMethods } from '@govx/contracts';

export const Weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof Weekdays)[number];

export const PolicyDecisions = ['approve', 'deny', 'officers'] as const;
export type PolicyDecision = (typeof PolicyDecisions)[number];
export const OfficerRequirements = ['one', 'four-eyes'] as const;
export type OfficerRequirement = (typeof OfficerRequirements)[number];

export interface PolicyOutcome {
  readonly decision: PolicyDecision;
  /** Required iff decision is `officers`. */
  readonly officers?: OfficerRequirement;
  readonly maskingProfile?: string;
  /** Required iff decision is `deny` (a refusal without reasons is refused, §21). */
  readonly reasons?: readonly string[];
}

export interface TimeWindow {
  readonly days?: readonly Weekday[];
  /** Local time (the policy's timezone), HH:MM, inclusive. */
  readonly from?: string;
  /** Local time, HH:MM, exclusive. */
  readonly to?: string;
}

export interface RuleCondition {
  readonly requesters?: readonly string[];
  readonly purposes?: readonly string[];
  readonly legalBases?: readonly string[];
  /** Every requested field must be in this list. */
  readonly fields?: readonly string[];
  readonly methods?: readonly string[];
  /** The highest grade the requested fields may have. */
  readonly maxGrade?: (typeof DataGrades)[number];
  readonly window?: TimeWindow;
  /** Local dates YYYY-MM-DD, inclusive. */
  readonly validFrom?: string;
  readonly validUntil?: string;
}

export interface PolicyRule {
  readonly id: string;
  readonly when: RuleCondition;
  readonly then: PolicyOutcome;
}

export interface PolicyQuota {
  /** A department, or `*` for every requester without its own quota. */
  readonly requester: string;
  /** Approvals per local day for this dataset. */
  readonly perDay: number;
  readonly onExceed?: 'deny' | 'officers';
}

export interface PolicyDocument {
  readonly policyId: string;
  readonly version: number;
  readonly provider: string;
  readonly dataset: string;
  /** UTC offset of local time (windows, days, quotas), default +08:00. */
  readonly timezone?: string;
  /** The outcome when no rule matches; else the category's default. */
  readonly default?: PolicyOutcome;
  readonly maskingProfiles?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly quotas?: readonly PolicyQuota[];
  readonly rules?: readonly PolicyRule[];
}

const id = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$' } as const;
const department = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' } as const;
const text = { type: 'string', minLength: 1, maxLength: 2000 } as const;
const list = (items: unknown): Record<string, unknown> => ({
  type: 'array',
  minItems: 1,
  maxItems: 256,
  items,
});
const hhmm = { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$' } as const;
const date = {
  type: 'string',
  pattern: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$',
} as const;
const fieldName = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' } as const;

const outcome = {
  type: 'object',
  additionalProperties: false,
  required: ['decision'],
  properties: {
    decision: { enum: PolicyDecisions },
    officers: { enum: OfficerRequirements },
    maskingProfile: id,
    reasons: list(text),
  },
} as const;

/** JSON Schema (draft-07) of a policy document. */
export const policyDocumentSchema = {
  $id: 'https://govx.example/schemas/policy.json',
  type: 'object',
  additionalProperties: false,
  required: ['policyId', 'version', 'provider', 'dataset'],
  properties: {
    policyId: id,
    version: { type: 'integer', minimum: 1, maximum: 1_000_000 },
    provider: department,
    dataset: id,
    timezone: { type: 'string', pattern: '^[+-](0[0-9]|1[0-4]):[0-5][0-9]$' },
    default: outcome,
    maskingProfiles: {
      type: 'object',
      maxProperties: 64,
      propertyNames: id,
      additionalProperties: {
        type: 'object',
        maxProperties: 256,
        propertyNames: fieldName,
        additionalProperties: { enum: MaskingMethods },
      },
    },
    quotas: {
      type: 'array',
      maxItems: 256,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['requester', 'perDay'],
        properties: {
          requester: { anyOf: [department, { const: '*' }] },
          perDay: { type: 'integer', minimum: 0, maximum: 100_000_000 },
          onExceed: { enum: ['deny', 'officers'] },
        },
      },
    },
    rules: {
      type: 'array',
      maxItems: 512,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'when', 'then'],
        properties: {
          id,
          when: {
            type: 'object',
            additionalProperties: false,
            properties: {
              requesters: list(department),
              purposes: list(text),
              legalBases: list(text),
              fields: list(fieldName),
              methods: list({ enum: SharingMethods }),
              maxGrade: { enum: DataGrades },
              window: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  days: { ...list({ enum: Weekdays }), uniqueItems: true },
                  from: hhmm,
                  to: hhmm,
                },
              },
              validFrom: date,
              validUntil: date,
            },
          },
          then: outcome,
        },
      },
    },
  },
} as const;
