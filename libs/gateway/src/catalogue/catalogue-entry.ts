// A department's catalogue entry as the gateway holds it (regulation §13: name, fields with
// per-field grade, format, update frequency, sharing category, method, conditions, and the
// legal citation a not-shared entry needs). The ledger form is governance's
// `catalogue.publish` body; catalogueBody() maps to it.
import type { FieldType } from '../data-source/data-source.js';

export const SHARING_CATEGORIES = ['unconditional', 'conditional', 'not-shared'] as const;
export type SharingCategory = (typeof SHARING_CATEGORIES)[number];

/** Data grades, 1 (public) … 4 (core); higher grades need review and masking. */
export const FIELD_GRADES = [1, 2, 3, 4] as const;
export type FieldGrade = (typeof FIELD_GRADES)[number];

/** `transfer`: records are delivered; `verification`: only match / no-match (核验). */
export const SHARING_METHODS = ['transfer', 'verification'] as const;
export type SharingMethod = (typeof SHARING_METHODS)[number];

export interface CatalogueField {
  readonly name: string;
  readonly type: FieldType;
  readonly grade: FieldGrade;
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
  readonly method: SharingMethod;
  readonly format: 'json';
  readonly frequency: 'real-time' | 'daily' | 'monthly';
  /** The field that names the data subject; requests give its value, sealed. */
  readonly subjectField: string;
  readonly fields: readonly CatalogueField[];
  readonly conditions?: string;
  /** Required when category is not-shared (§13: only with a cited legal basis). */
  readonly legalCitation?: string;
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

const DATASET_ID_RE = /^[a-z][a-z0-9-]{0,31}\.[a-z][a-z0-9-]{0,63}$/;
const FIELD_RE = /^[a-z][a-zA-Z0-9]{0,63}$/;

/** Throws CatalogueError naming the first bad member. */
export function assertCatalogueEntry(entry: CatalogueEntry): void {
  if (!DATASET_ID_RE.test(entry.datasetId)) {
    throw new CatalogueError('datasetId', 'expected <department-prefix>.<name>, lowercase');
  }
  if (!Number.isSafeInteger(entry.version) || entry.version < 1) {
    throw new CatalogueError('version', 'expected a positive integer');
  }
  if (!SHARING_CATEGORIES.includes(entry.category)) {
    throw new CatalogueError('category', `expected one of ${SHARING_CATEGORIES.join(', ')}`);
  }
  if (!SHARING_METHODS.includes(entry.method)) {
    throw new CatalogueError('method', `expected one of ${SHARING_METHODS.join(', ')}`);
  }
  if (entry.category === 'not-shared' && !entry.legalCitation) {
    throw new CatalogueError('legalCitation', 'a not-shared entry must cite its legal basis');
  }
  if (entry.fields.length === 0) throw new CatalogueError('fields', 'expected at least one');
  const seen = new Set<string>();
  entry.fields.forEach((f, i) => {
    if (!FIELD_RE.test(f.name)) throw new CatalogueError(`fields/${i}/name`, 'expected camelCase');
    if (seen.has(f.name)) throw new CatalogueError(`fields/${i}/name`, `duplicate ${f.name}`);
    seen.add(f.name);
    if (!FIELD_GRADES.includes(f.grade))
      throw new CatalogueError(`fields/${i}/grade`, 'expected 1–4');
  });
  if (!seen.has(entry.subjectField)) {
    throw new CatalogueError('subjectField', 'expected one of the entry fields');
  }
}
