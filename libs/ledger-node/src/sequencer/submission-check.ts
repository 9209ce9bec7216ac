import {
  assertSubmission,
  MalformedEntryError,
  verifySubmissionSignature,
  type Submission,
} from '@govx/ledger-core';
import type { StaticKeyring } from '../node/keyring.js';
import { SubmissionError, SubmissionErrorCode } from './submission-error.js';

/**
 * Checks a submission as the sequencer receives it: shape (no unknown fields), size, a key
 * this ledger accepts and that belongs to the submitting actor, and the signature.
 * @param json the request payload, already parsed
 * @param encodedLength its size in bytes, for the limit
 */
export function checkSubmission(
  json: unknown,
  encodedLength: number,
  keyring: StaticKeyring,
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
  const known = keyring.lookup(json.keyId);
  if (!known)
    throw new SubmissionError(
      SubmissionErrorCode.UnknownKey,
      `key ${json.keyId} is not registered`,
      'keyId',
    );
  if (known.actor !== json.actor) {
    throw new SubmissionError(
      SubmissionErrorCode.WrongActor,
      `key ${json.keyId} belongs to ${known.actor}, not ${json.actor}`,
      'actor',
    );
  }
  if (!verifySubmissionSignature(json, known.key)) {
    throw new SubmissionError(SubmissionErrorCode.BadSignature, 'signature does not verify', 'sig');
  }
  return json;
}
