// The first DataSource adapter: one PostgreSQL table per dataset binding (pg, parameterised).
import pg from 'pg';
import {
  type DataRecord,
  type DataSource,
  type FieldValue,
  type TableBinding,
  UnknownDatasetError,
  UnknownFieldError,
} from './data-source.js';

const IDENT_RE = /^[a-z_][a-z0-9_]{0,62}$/;

function quoteIdent(name: string, what: string): string {
  if (!IDENT_RE.test(name)) throw new RangeError(`${what}: not a plain SQL identifier: ${name}`);
  return `"${name}"`;
}

export class PgTableSource implements DataSource {
  private readonly bindings: ReadonlyMap<string, TableBinding>;

  constructor(
    private readonly pool: pg.Pool,
    bindings: readonly TableBinding[],
  ) {
    for (const b of bindings) {
      quoteIdent(b.table, `bindings[${b.datasetId}].table`);
      for (const f of b.fields) quoteIdent(f.column, `bindings[${b.datasetId}].fields.${f.name}`);
      if (!b.fields.some((f) => f.name === b.subjectField)) {
        throw new RangeError(`bindings[${b.datasetId}].subjectField: not one of its fields`);
      }
    }
    this.bindings = new Map(bindings.map((b) => [b.datasetId, b]));
  }

  /**
   * A pooled source. An idle connection that the server ends (restart, an administrator's
   * terminate) is reported through `onIdleError` and replaced on the next read; it never
   * becomes an unhandled error that would stop the gateway.
   */
  static connect(
    connectionString: string,
    bindings: readonly TableBinding[],
    onIdleError: (error: Error) => void = () => undefined,
  ): PgTableSource {
    const pool = new pg.Pool({ connectionString, max: 4 });
    pool.on('error', onIdleError);
    return new PgTableSource(pool, bindings);
  }

  async read(
    datasetId: string,
    subject: string,
    fields: readonly string[],
  ): Promise<DataRecord | null> {
    const binding = this.bindings.get(datasetId);
    if (!binding) throw new UnknownDatasetError(datasetId);
    const columns = fields.map((name, i) => {
      const f = binding.fields.find((x) => x.name === name);
      if (!f) throw new UnknownFieldError(datasetId, name, i);
      return f;
    });
    const key = binding.fields.find((f) => f.name === binding.subjectField)!;
    const select = columns.length
      ? columns
          .map((c) => {
            const q = quoteIdent(c.column, 'column');
            return c.type === 'date' ? `${q}::text AS ${q}` : q;
          })
          .join(', ')
      : '1 AS present';
    const { rows } = await this.pool.query<Record<string, unknown>>(
      `SELECT ${select} FROM ${quoteIdent(binding.table, 'table')} WHERE ${quoteIdent(key.column, 'column')} = $1 LIMIT 1`,
      [subject],
    );
    const row = rows[0];
    if (!row) return null;
    const record: Record<string, FieldValue> = {};
    for (const c of columns) record[c.name] = toFieldValue(row[c.column], c.type);
    return record;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function toFieldValue(value: unknown, type: TableBinding['fields'][number]['type']): FieldValue {
  if (value === null || value === undefined) return null;
  if (type === 'date') {
    return value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
  }
  if (type === 'integer') return Number(value);
  if (type === 'boolean') return Boolean(value);
  return String(value);
}
