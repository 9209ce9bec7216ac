import { BodySchemaError, entryType, validateEntryBody } from '@govx/contracts';
import type { SigningPublicKey } from '@govx/crypto';
import {
  assertSubmission,
  isKeyEntryType,
  KeyRule,
  KeyRuleError,
  KeyStatus,
  MalformedEntryError,
  type KeyRegistry,
  type Submission,
  verifySubmissionSignatureFast,
} from '@govx/ledger-core';
import { SubmissionError, SubmissionErrorCode } from './submission-error.js';

/** A JSON pointer (`/body/fields/2`) in the field style of MalformedEntryError (`body.fields[2]`). */
export function pointerToField(pointer: string): string {
  return pointer
    .split('/')
    .filter((s) => s !== '')
    .map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`))
    .join('');
}

const RULE_CODES: Readonly<Record<KeyRule, SubmissionErrorCode>> = {
  [KeyRule.Malformed]: SubmissionErrorCode.Malformed,
  [KeyRule.Forbidden]: SubmissionErrorCode.Forbidden,
  [KeyRule.LastAdmin]: SubmissionErrorCode.Forbidden,
  [KeyRule.SeparationOfDuties]: SubmissionErrorCode.SeparationOfDuties,
  [KeyRule.Department]: SubmissionErrorCode.KeyRule,
  [KeyRule.KeyExists]: SubmissionErrorCode.KeyRule,
  [KeyRule.KeyNotLive]: SubmissionErrorCode.KeyRule,
  [KeyRule.UseMismatch]: SubmissionErrorCode.KeyRule,
  [KeyRule.SignerInvalid]: SubmissionErrorCode.UnknownKey,
  [KeyRule.Order]: SubmissionErrorCode.Unavailable,
};

export function fromKeyRuleError(e: KeyRuleError): SubmissionError {
  return new SubmissionError(
    RULE_CODES[e.rule],
    `${e.rule}: ${e.message}`,
    e.field === null ? null : pointerToField(e.field),
  );
}

/**
 * Throws the SubmissionError for a submission whose key does not count for its actor at
 * `seq` (unknown or not yet valid, revoked or rotated away, another actor's, not a signing key).
 */
export function assertKeyCounts(registry: KeyRegistry, s: Submission, seq: number): void {
  const status = registry.status(s.keyId, seq, s.actor);
  switch (status) {
    case KeyStatus.Valid:
      return;
    case KeyStatus.Unknown:
    case KeyStatus.NotYetValid:
      throw new SubmissionError(
        SubmissionErrorCode.UnknownKey,
        `key ${s.keyId} is not registered`,
        'keyId',
      );
    case KeyStatus.Revoked:
    case KeyStatus.Rotated:
      throw new SubmissionError(
        SubmissionErrorCode.RevokedKey,
        `key ${s.keyId} was ${status === KeyStatus.Revoked ? 'revoked' : 'rotated away'} at entry ${registry.record(s.keyId)!.until}`,
        'keyId',
      );
    case KeyStatus.WrongActor:
      throw new SubmissionError(
        SubmissionErrorCode.WrongActor,
        `key ${s.keyId} belongs to ${registry.record(s.keyId)!.actor}, not ${s.actor}`,
        'actor',
      );
    case KeyStatus.NotSigning:
      throw new SubmissionError(
        SubmissionErrorCode.WrongKeyUse,
        `key ${s.keyId} is an encryption key`,
        'keyId',
      );
  }
}

/** A key entry is tried on a copy of the registry at `seq`: its refusal, if any, is thrown. */
export function assertKeyEntryApplies(registry: KeyRegistry, s: Submission, seq: number): void {
  try {
    registry.clone().apply({ ...s, seq });
  } catch (e) {
    if (e instanceof KeyRuleError) throw fromKeyRuleError(e);
    throw e;
  }
}

/**
 * Checks a submission as the intake receives it: shape (no unknown fields), size, a key that
 * counts for the submitting actor at the tip, the signature, the body against its type's
 * schema when @govx/contracts defines the type (other types pass), and for key entries the
 * registry's rules. The sequencer checks the key again where it places the entry.
 * @param json the request payload, already parsed
 * @param encodedLength its size in bytes, for the limit
 * @param tip the seq the entry would get at the earliest (the witness's verified size)
 */
export function checkSubmission(
  json: unknown,
  encodedLength: number,
  registry: KeyRegistry,
  tip: number,
  maxEntryBytes: number,
): Submission {
  // The entry adds seq, prev and time (~130 bytes) to the submission.
  if (encodedLength + 160 > maxEntryBytes) {
    throw new SubmissionError(
      SubmissionErrorCode.TooLarge,
      `submission of ${encodedLength} bytes exceeds the entry limit of ${maxEntryBytes}`,
    );
  }
  try {
    assertSubmission(json);
  } catch (e) {
    if (e instanceof MalformedEntryError) {
      throw new SubmissionError(SubmissionErrorCode.Malformed, e.message, e.field ?? null);
    }
    throw e;
  }
  assertKeyCounts(registry, json, tip);
  const key = registry.record(json.keyId)!.key as SigningPublicKey;
  if (!verifySubmissionSignatureFast(json, key)) {
    throw new SubmissionError(SubmissionErrorCode.BadSignature, 'signature does not verify', 'sig');
  }
  if (entryType(json.type)) {
    try {
      validateEntryBody(json.type, json.body);
    } catch (e) {
      if (e instanceof BodySchemaError)
        throw new SubmissionError(
          SubmissionErrorCode.Malformed,
          e.message,
          pointerToField(`/body${e.field}`),
        );
      throw e;
    }
  }
  if (isKeyEntryType(json.type)) assertKeyEntryApplies(registry, json, tip);
  return json;
}
