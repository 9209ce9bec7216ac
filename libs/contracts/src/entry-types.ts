// The registry of entry types: each type's body JSON Schema, registered once by the file that
// owns it (access.ts, governance.ts, exchange.ts), and the one validator every service and
// auditor uses. docs/decisions/0006 lists the types and who submits them.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/** A JSON Schema for an entry body (draft-07 subset that ajv strict mode accepts). */
export type BodySchema = Readonly<Record<string, unknown>>;

export interface EntryTypeDefinition {
  /** The entry's `type`, e.g. `request` or `key.register`. */
  readonly type: string;
  /** One line: what the entry records. */
  readonly summary: string;
  /** Actor patterns allowed to submit it (RegExp sources, anchored), for docs and checks. */
  readonly submitters: readonly string[];
  readonly schema: BodySchema;
}

/** A body that does not match its type's schema: names the JSON pointer at fault. */
export class BodySchemaError extends Error {
  override readonly name = 'BodySchemaError';
  constructor(
    readonly type: string,
    /** JSON pointer into the body, e.g. `/fields/2`; '' for the body itself. */
    readonly field: string,
    message: string,
  ) {
    super(`${type} body${field ? ` at ${field}` : ''}: ${message}`);
  }
}

export class UnknownEntryTypeError extends Error {
  override readonly name = 'UnknownEntryTypeError';
  constructor(readonly type: string) {
    super(`unknown entry type ${JSON.stringify(type)}`);
  }
}

const ajv = new Ajv({ allErrors: false, strict: true });
const registry = new Map<
  string,
  { readonly def: EntryTypeDefinition; readonly validate: ValidateFunction }
>();

/** Registers a type; MUST be called once per type, at module load. */
export function defineEntryType(def: EntryTypeDefinition): EntryTypeDefinition {
  if (registry.has(def.type)) throw new Error(`entry type ${def.type} defined twice`);
  registry.set(def.type, { def, validate: ajv.compile(def.schema) });
  return def;
}

export function entryTypes(): readonly EntryTypeDefinition[] {
  return [...registry.values()].map((r) => r.def);
}

export function entryType(type: string): EntryTypeDefinition | undefined {
  return registry.get(type)?.def;
}

/** Throws UnknownEntryTypeError or BodySchemaError; returns the body typed as T otherwise. */
export function validateEntryBody<T>(type: string, body: unknown): T {
  const entry = registry.get(type);
  if (!entry) throw new UnknownEntryTypeError(type);
  if (!entry.validate(body)) {
    const err = entry.validate.errors?.[0] as ErrorObject | undefined;
    const extra =
      err?.keyword === 'additionalProperties'
        ? `/${String((err.params as { additionalProperty: string }).additionalProperty)}`
        : err?.keyword === 'required'
          ? `/${String((err.params as { missingProperty: string }).missingProperty)}`
          : '';
    throw new BodySchemaError(
      type,
      `${err?.instancePath ?? ''}${extra}`,
      err?.message ?? 'invalid',
    );
  }
  return body as T;
}
