// Why a submission was refused: a stable code, a message, and the field at fault.
export const SubmissionErrorCode = {
  Malformed: 'malformed',
  TooLarge: 'too-large',
  UnknownKey: 'unknown-key',
  WrongActor: 'wrong-actor',
  BadSignature: 'bad-signature',
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
