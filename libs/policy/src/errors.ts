// Typed errors of the policy language. Every refusal names the JSON pointer at fault and, when
// the policy came from source text, its line and column (1-based).

export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** A policy refused: malformed, contradictory, or referring to unknown datasets or fields. */
export class PolicyError extends Error {
  override readonly name: string = 'PolicyError';
  constructor(
    /** JSON pointer into the policy document, e.g. `/rules/2/when/fields/0`; '' for the root. */
    readonly field: string,
    readonly reason: string,
    readonly position: SourcePosition | null = null,
    options?: { cause?: unknown },
  ) {
    super(
      `policy${position ? ` line ${position.line} column ${position.column}` : ''}${
        field ? ` at ${field}` : ''
      }: ${reason}`,
      options,
    );
  }
}

/** Source text that is not valid YAML/JSON. */
export class PolicySyntaxError extends PolicyError {
  override readonly name = 'PolicySyntaxError';
}

/** Well-formed but against the schema. */
export class PolicySchemaError extends PolicyError {
  override readonly name = 'PolicySchemaError';
}

/** Refers to a dataset, field or masking profile that does not exist. */
export class PolicyReferenceError extends PolicyError {
  override readonly name = 'PolicyReferenceError';
}

/** Two rules that can match the same request with different outcomes, or a rule against the category. */
export class PolicyContradictionError extends PolicyError {
  override readonly name = 'PolicyContradictionError';
}
