// Typed errors of the auditor toolkit. The CLI maps AuditInputError to exit 2 ("cannot run");
// a log that reads but does not hold is a verdict (exit 1), never an exception.

export class AuditError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The input cannot be audited: not a govx export, truncated, another log, unreachable.
 * `where` names the place (file and line, table and row, URL).
 */
export class AuditInputError extends AuditError {
  constructor(
    readonly where: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${where}: ${message}`, options);
  }
}

/** A trust file (origin, cosigners, quorum, keys) that is not usable; `field` names the member. */
export class TrustConfigError extends AuditError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}
