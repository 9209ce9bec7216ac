// Typed errors of access control; AccessErrorsFilter maps them to HTTP at the edge.

export const AccessErrorCode = {
  /** No credentials, or credentials that are forged, expired, revoked or unknown. */
  Unauthenticated: 'unauthenticated',
  /** Authenticated, but the route admits none of the caller's roles (or declares none). */
  Forbidden: 'forbidden',
  InvalidCredentials: 'invalid-credentials',
  TooManySignIns: 'too-many-sign-ins',
  SeparationOfDuties: 'separation-of-duties',
  BadAccount: 'bad-account',
  AccountExists: 'account-exists',
  NotFound: 'not-found',
  /** A signed challenge that is forged, expired, replayed, for another action, or signed by
   * a key that does not count for the account's actor. */
  ChallengeFailed: 'challenge-failed',
} as const;
export type AccessErrorCode = (typeof AccessErrorCode)[keyof typeof AccessErrorCode];

export class AccessError extends Error {
  constructor(
    readonly code: AccessErrorCode,
    message: string,
    /** The request member at fault, e.g. `roles`. */
    readonly field: string | null = null,
    /** For TooManySignIns: when to try again. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'AccessError';
  }
}
