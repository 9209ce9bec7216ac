// Source text (YAML, or JSON, which YAML 1.2 reads too) → a policy document valid against
// policyDocumentSchema, with a locator from JSON pointers back to lines and columns.
import { Ajv, type ErrorObject } from 'ajv';
import { isCollection, LineCounter, parseDocument, type Document } from 'yaml';
import { PolicySchemaError, PolicySyntaxError, type SourcePosition } from './errors.js';
import { policyDocumentSchema, type PolicyDocument } from './policy-document.js';

/** Largest accepted policy source or document, in characters of its JSON form. */
export const MAX_POLICY_SIZE = 256 * 1024;

export type Locate = (pointer: string) => SourcePosition | null;
export const noPositions: Locate = () => null;

export interface ParsedPolicy {
  readonly document: PolicyDocument;
  readonly locate: Locate;
}

const ajv = new Ajv({ allErrors: false, strict: true });
const validateSchema = ajv.compile(policyDocumentSchema);

function pointerPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^(0|[1-9][0-9]*)$/.test(p) ? Number(p) : p));
}

function locator(doc: Document, lines: LineCounter): Locate {
  return (pointer) => {
    const path = pointerPath(pointer);
    // The deepest node that exists on the path (a missing member points at its parent).
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
      if (range && (n === 0 || node !== undefined)) {
        const { line, col } = lines.linePos(range[0]);
        return { line, column: col };
      }
    }
    return null;
  };
}

function schemaError(err: ErrorObject | undefined, locate: Locate): PolicySchemaError {
  const extra =
    err?.keyword === 'additionalProperties'
      ? `/${String((err.params as { additionalProperty: string }).additionalProperty)}`
      : err?.keyword === 'required'
        ? `/${String((err.params as { missingProperty: string }).missingProperty)}`
        : '';
  const at = err?.instancePath ?? '';
  const field = `${at}${extra}`;
  const what =
    err?.keyword === 'additionalProperties'
      ? 'unknown member'
      : err?.keyword === 'required'
        ? 'missing'
        : (err?.message ?? 'invalid');
  // Point at the member itself when it exists, else at the object that lacks it.
  return new PolicySchemaError(field, what, locate(field) ?? locate(at));
}

/** Checks a document (already parsed, e.g. from a ledger entry) against the schema. */
export function checkPolicyDocument(value: unknown, locate: Locate = noPositions): PolicyDocument {
  let json: string;
  try {
    json = JSON.stringify(value ?? null);
  } catch (cause) {
    throw new PolicySchemaError('', 'not a JSON value (cyclic)', null, { cause });
  }
  if (json.length > MAX_POLICY_SIZE)
    throw new PolicySchemaError('', `larger than ${MAX_POLICY_SIZE} characters`);
  if (!validateSchema(value)) throw schemaError(validateSchema.errors?.[0], locate);
  return value as PolicyDocument;
}

/**
 * Parses YAML or JSON policy source. Throws PolicySyntaxError (line, column) or
 * PolicySchemaError (field, line, column).
 */
export function parsePolicySource(source: string): ParsedPolicy {
  if (typeof source !== 'string') throw new TypeError('source must be a string');
  if (source.length > MAX_POLICY_SIZE)
    throw new PolicySyntaxError('', `larger than ${MAX_POLICY_SIZE} characters`);
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const { line, col } = lines.linePos(problem.pos[0]);
    throw new PolicySyntaxError('', problem.message.split('\n')[0] ?? problem.code, {
      line,
      column: col,
    });
  }
  if (!isCollection(doc.contents))
    throw new PolicySchemaError('', 'a policy is a mapping', { line: 1, column: 1 });
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 50 });
  } catch (cause) {
    throw new PolicySyntaxError('', (cause as Error).message, null, { cause });
  }
  const locate = locator(doc, lines);
  return { document: checkPolicyDocument(value, locate), locate };
}
