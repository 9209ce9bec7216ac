// Verification-only queries (核验): the requester claims values (name and id number, say); the
// provider compares them with its record and answers match or no-match, never the record.
import type { DataRecord, FieldValue } from '../data-source/data-source.js';

export type VerificationResult = 'match' | 'no-match';

export class VerificationError extends Error {
  override readonly name = 'VerificationError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** Comparison form: trimmed, NFKC, case-folded (the id number's check X), numbers as text. */
export function normaliseClaim(value: FieldValue): string | null {
  if (value === null) return null;
  return String(value).normalize('NFKC').trim().toUpperCase();
}

/**
 * match iff the record exists and every claimed field equals the record's value.
 * `allowed` are the dataset's fields; a claim outside it is an error, not a no-match.
 */
export function verifyClaims(
  record: DataRecord | null,
  claims: Readonly<Record<string, FieldValue>>,
  allowed: readonly string[],
): VerificationResult {
  const names = Object.keys(claims);
  if (names.length === 0) throw new VerificationError('claims', 'expected at least one claim');
  for (const name of names) {
    if (!allowed.includes(name))
      throw new VerificationError(`claims/${name}`, 'not a field of the dataset');
  }
  if (record === null) return 'no-match';
  return names.every(
    (n) => Object.hasOwn(record, n) && normaliseClaim(record[n]!) === normaliseClaim(claims[n]!),
  )
    ? 'match'
    : 'no-match';
}
