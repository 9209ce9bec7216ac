// The port through which a gateway reads its department's records. Adapters live beside it
// (pg-table.source.ts first); the gateway never speaks SQL itself.

/** A field value as it leaves a data source: JSON scalars only. */
export type FieldValue = string | number | boolean | null;
/** One record, field name → value. */
export type DataRecord = Readonly<Record<string, FieldValue>>;

export type FieldType = 'string' | 'integer' | 'boolean' | 'date';

/** Where a dataset's records live: one table, one row per subject, one column per field. */
export interface TableBinding {
  readonly datasetId: string;
  /** SQL table name (lowercase identifier). */
  readonly table: string;
  /** The field that names the data subject (id number, parcel id). */
  readonly subjectField: string;
  /** Every field the dataset exposes, with its SQL column. */
  readonly fields: readonly {
    readonly name: string;
    readonly column: string;
    readonly type: FieldType;
  }[];
}

export interface DataSource {
  /**
   * The record of `subject` in `datasetId`, restricted to `fields` (MUST return no other field),
   * or null when the dataset has no such subject. UnknownDatasetError / UnknownFieldError otherwise.
   */
  read(datasetId: string, subject: string, fields: readonly string[]): Promise<DataRecord | null>;
  close(): Promise<void>;
}

export class DataSourceError extends Error {
  override readonly name: string = 'DataSourceError';
  constructor(
    message: string,
    /** The offending input: `datasetId`, `fields/2`, … */
    readonly field: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class UnknownDatasetError extends DataSourceError {
  override readonly name = 'UnknownDatasetError';
  constructor(readonly datasetId: string) {
    super(`unknown dataset ${JSON.stringify(datasetId)}`, 'datasetId');
  }
}

export class UnknownFieldError extends DataSourceError {
  override readonly name = 'UnknownFieldError';
  constructor(
    readonly datasetId: string,
    readonly fieldName: string,
    index: number,
  ) {
    super(`dataset ${datasetId} has no field ${JSON.stringify(fieldName)}`, `fields/${index}`);
  }
}

/** snake_case of a camelCase field name: the column naming rule of the demo tables. */
export function columnOf(field: string): string {
  return field.replace(/[A-Z0-9]+/g, (m) => `_${m.toLowerCase()}`);
}
