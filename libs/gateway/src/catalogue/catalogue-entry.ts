// A department's catalogue entry as the gateway holds it: governance's `catalogue.publish`
// body (regulation §13–15) plus what only the gateway needs: which field names the data
// subject, whether the entry answers verification queries only (核验), and each field's
// concrete masking rule (masking.ts). toCataloguePublishBody() gives the ledger form.
import {
  GovernanceEntryTypes,
  validateGovernanceBody,
  type CataloguePublishBody,
  type DataClassification,
  type DataGrade,
  type LegalCitation,
  type SharingCategory,
} from '@govx/contracts';
import type { FieldType } from '../data-source/data-source.js';

/** `transfer`: records are delivered; `verification`: only match / no-match (核验). */
export const SHARING_MODES = ['transfer', 'verification'] as const;
export type SharingMode = (typeof SHARING_MODES)[number];

export interface CatalogueField {
  readonly name: string;
  readonly type: FieldType;
  readonly grade: DataGrade;
  readonly classification: DataClassification;
  readonly description: string;
  /** Id of the masking rule applied when an approval asks for masking (masking.ts). */
  readonly masking?: string;
}

export interface CatalogueEntry {
  readonly datasetId: string;
  readonly version: number;
  /** The providing department, e.g. `taxation`. */
  readonly department: string;
  readonly name: string;
  readonly description: string;
  readonly category: SharingCategory;
  readonly mode: SharingMode;
  readonly frequency: CataloguePublishBody['updateFrequency'];
  /** The field that names the data subject; requests give its value, sealed. */
  readonly subjectField: string;
  readonly fields: readonly CatalogueField[];
  /** conditional (§15): conditions of use, scope, purposes it may serve. */
  readonly conditions?: readonly string[];
  readonly scope?: string;
  readonly purposes?: readonly string[];
  /** not-shared (§15): the reason and the law cited. */
  readonly reason?: string;
  readonly citation?: LegalCitation;
}

export class CatalogueError extends Error {
  override readonly name = 'CatalogueError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** The governance masking method a concrete rule amounts to. */
export function maskingMethod(
  rule: string | undefined,
): CataloguePublishBody['fields'][number]['masking'] {
  if (rule === undefined) return 'none';
  return rule === 'redact' ? 'redact' : rule === 'hash' ? 'hash' : 'partial';
}

/** The `catalogue.publish` body; BodySchemaError / CatalogueError naming the field. */
export function toCataloguePublishBody(entry: CatalogueEntry): CataloguePublishBody {
  if (!entry.fields.some((f) => f.name === entry.subjectField)) {
    throw new CatalogueError('subjectField', 'expected one of the entry fields');
  }
  const sharing: Record<string, unknown> = { category: entry.category };
  if (entry.conditions) sharing['conditions'] = entry.conditions;
  if (entry.scope) sharing['scope'] = entry.scope;
  if (entry.purposes) sharing['purposes'] = entry.purposes;
  if (entry.reason) sharing['reason'] = entry.reason;
  if (entry.citation) sharing['citation'] = entry.citation;
  const body = {
    datasetId: entry.datasetId,
    version: entry.version,
    name: entry.name,
    description: entry.description,
    provider: entry.department,
    fields: entry.fields.map((f) => ({
      name: f.name,
      title: f.description,
      type: f.type,
      classification: f.classification,
      grade: f.grade,
      masking: maskingMethod(f.masking),
    })),
    format: 'json',
    updateFrequency: entry.frequency,
    sharing,
    methods: ['api'],
    secrecy: 'none',
  };
  return validateGovernanceBody<CataloguePublishBody>(GovernanceEntryTypes.CataloguePublish, body);
}
