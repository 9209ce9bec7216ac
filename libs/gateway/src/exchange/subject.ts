// The data subject of a request, never in clear on the ledger (decision 0006): a salted
// commitment, and the subject id (with, for a verification query, the claimed values) sealed
// to the provider's encryption key.
//
//   subjectCommitment = H("govx/subject/v1\n" ‖ salt ‖ utf8(subject))
//   subjectSealed     = hex(seal(providerKey, JCS({subject, salt, claims?}), aad))
//   aad               = "govx/subject/v1\n" ‖ requestId
import { randomBytes } from 'node:crypto';
import {
  fromHex,
  toHex,
  utf8,
  type CryptoSuite,
  type EncryptionPrivateKey,
  type EncryptionPublicKey,
} from '@govx/crypto';
import { jcs } from '@govx/ledger-core';
import type { FieldValue } from '../data-source/data-source.js';
import { suiteOfSealed } from './payload-envelope.js';

export const SUBJECT_CONTEXT = 'govx/subject/v1\n';
const SALT_BYTES = 32;

export interface SealedSubject {
  readonly subjectCommitment: string;
  readonly subjectSealed: string;
}

export interface OpenedSubject {
  readonly subject: string;
  /** Claimed values of a verification query (核验), field → value. */
  readonly claims?: Readonly<Record<string, FieldValue>>;
}

export class SubjectError extends Error {
  override readonly name = 'SubjectError';
  constructor(
    readonly field: 'subjectSealed' | 'subjectCommitment',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function commitSubject(suite: CryptoSuite, salt: Uint8Array, subject: string): string {
  return toHex(suite.hash(utf8(SUBJECT_CONTEXT), salt, utf8(subject)));
}

export function sealSubject(
  suite: CryptoSuite,
  provider: EncryptionPublicKey,
  requestId: string,
  subject: OpenedSubject,
): SealedSubject {
  if (typeof subject.subject !== 'string' || subject.subject.length === 0) {
    throw new TypeError('subject: expected a non-empty string');
  }
  const salt = randomBytes(SALT_BYTES);
  const inner = { ...subject, salt: toHex(salt) };
  const sealed = suite.seal(provider, utf8(jcs(inner)), utf8(SUBJECT_CONTEXT + requestId));
  return {
    subjectCommitment: commitSubject(suite, salt, subject.subject),
    subjectSealed: toHex(sealed),
  };
}

/** Opens and checks against the commitment; SubjectError naming the member otherwise. */
export function openSubject(
  key: EncryptionPrivateKey,
  requestId: string,
  sealedSubject: SealedSubject,
): OpenedSubject {
  let inner: { subject: string; salt: string; claims?: Record<string, FieldValue> };
  let suite: CryptoSuite;
  try {
    const sealed = fromHex(sealedSubject.subjectSealed, 'subjectSealed');
    suite = suiteOfSealed(sealed);
    const plain = suite.open(key, sealed, utf8(SUBJECT_CONTEXT + requestId));
    inner = JSON.parse(new TextDecoder().decode(plain)) as typeof inner;
  } catch (cause) {
    throw new SubjectError('subjectSealed', 'does not open with the provider key', { cause });
  }
  if (typeof inner.subject !== 'string' || typeof inner.salt !== 'string') {
    throw new SubjectError('subjectSealed', 'malformed sealed subject');
  }
  const expected = commitSubject(suite, fromHex(inner.salt, 'salt', SALT_BYTES), inner.subject);
  if (expected !== sealedSubject.subjectCommitment) {
    throw new SubjectError('subjectCommitment', 'does not match the sealed subject');
  }
  return inner.claims
    ? { subject: inner.subject, claims: inner.claims }
    : { subject: inner.subject };
}
