// Why a submission was refused: a stable code, a message, and the field at fault.
export const SubmissionErrorCode = {
  Malformed: 'malformed',
  TooLarge: 'too-large',
  /** The key is not registered, or only by a later entry. */
  UnknownKey: 'unknown-key',
  /** The key was revoked or rotated away. */
  RevokedKey: 'revoked-key',
  WrongActor: 'wrong-actor',
  /** The key is an encryption key, not a signing key. */
  WrongKeyUse: 'wrong-key-use',
  BadSignature: 'bad-signature',
  /** A key entry its signer may not submit (not an admin, not its own key, the last admin key). */
  Forbidden: 'forbidden',
  /** A key registration that would give one actor roles that must stay apart. */
  SeparationOfDuties: 'separation-of-duties',
  /** Another key rule (key already registered, key not live, department, use). */
  KeyRule: 'key-rule',
  /** The actor does not belong to the department of the subject it submitted on. */
  WrongDepartment: 'wrong-department',
  IdempotencyConflict: 'idempotency-conflict',
  Halted: 'halted',
  Unavailable: 'unavailable',
  Timeout: 'timeout',
} as const;
export type SubmissionErrorCode = (typeof SubmissionErrorCode)[keyof typeof SubmissionErrorCode];

export class SubmissionError extends Error {
  constructor(
    readonly code: SubmissionErrorCode,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'SubmissionError';
  }

  toJSON(): { code: SubmissionErrorCode; message: string; field: string | null } {
    return { code: this.code, message: this.message, field: this.field };
  }
}
