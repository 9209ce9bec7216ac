// The govx ledger entry: its fields, its one canonical encoding (RFC 8785) and its hashes.
// docs/ledger-format.md is the normative description; keep the two in step.
import { fromHex, toHex, utf8, type SigningPrivateKey, type SigningPublicKey } from '@govx/crypto';
import { MalformedEntryError } from '../errors.js';
import type { TreeHasher } from '../merkle/index.js';
import { jcsFast } from './canonical.js';
import { assertJsonValue, type JsonObject } from './json-value.js';

export const ENTRY_VERSION = 1;
/** Domain separation for submitter signatures: signed message = this ‖ JCS(signed part). */
export const ENTRY_SIGNATURE_CONTEXT = 'govx/entry/v1\n';
/** Default upper bound on an encoded entry; the ledger may configure a lower one. */
export const MAX_ENTRY_BYTES = 64 * 1024;
export const HASH_HEX_LENGTH = 64;

const TYPE_RE = /^[a-z][a-z0-9-]{0,31}(?:\.[a-z][a-z0-9-]{0,31}){0,3}$/;
const ACTOR_RE = /^[a-z0-9][a-z0-9._:/-]{0,127}$/;
const IDEM_RE = /^[\x21-\x7e]{1,128}$/;
const HEX64_RE = /^[0-9a-f]{64}$/;
const SIG_RE = /^[0-9a-f]{2,1024}$/;
const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** What a submitter signs: everything but the fields the sequencer assigns. */
export interface SignedPart {
  readonly v: typeof ENTRY_VERSION;
  readonly type: string;
  readonly actor: string;
  readonly keyId: string;
  readonly idem: string;
  readonly body: JsonObject;
}

/** A signed submission, before the ledger has placed it. */
export interface Submission extends SignedPart {
  /** Lowercase hex signature over ENTRY_SIGNATURE_CONTEXT ‖ JCS(SignedPart). */
  readonly sig: string;
}

/** Every field of an entry as it stands in the log. */
export interface EntryFields extends Submission {
  readonly seq: number;
  /** Leaf hash of entry seq−1, lowercase hex; 64 zeros for seq 0. */
  readonly prev: string;
  /** Ledger-assigned time, RFC 3339 UTC with milliseconds (`Date#toISOString`). */
  readonly time: string;
}

const ENTRY_KEYS = ['actor', 'body', 'idem', 'keyId', 'prev', 'seq', 'sig', 'time', 'type', 'v'];
const SUBMISSION_KEYS = ['actor', 'body', 'idem', 'keyId', 'sig', 'type', 'v'];

/** The prev of entry 0. */
export const GENESIS_PREV = '0'.repeat(HASH_HEX_LENGTH);

/** An immutable, validated entry with its canonical bytes and RFC 9162 leaf hash. */
export class Entry {
  private constructor(
    readonly fields: EntryFields,
    /** RFC 8785 encoding of `fields`: the bytes that are hashed, stored and exported. */
    readonly bytes: Uint8Array,
    /** hashLeaf(bytes): SHA-256(0x00 ‖ bytes) for the default hasher. */
    readonly leafHash: Uint8Array,
  ) {}

  get seq(): number {
    return this.fields.seq;
  }
  get prev(): string {
    return this.fields.prev;
  }
  get leafHashHex(): string {
    return toHex(this.leafHash);
  }

  /**
   * Places a submission in the log. The only way, with decodeEntry, to make an Entry.
   * Validates the submission (shape, not signature: see verifyEntrySignature).
   */
  static place(
    submission: Submission,
    placement: { readonly seq: number; readonly prev: string; readonly time: string },
    hasher: TreeHasher,
  ): Entry {
    const fields: EntryFields = { ...submission, ...placement };
    assertEntryFields(fields);
    const bytes = utf8(
      // members in RFC 8785 order, so the fast path applies (jcsFast: same bytes as jcs)
      jcsFast({
        actor: fields.actor,
        body: fields.body,
        idem: fields.idem,
        keyId: fields.keyId,
        prev: fields.prev,
        seq: fields.seq,
        sig: fields.sig,
        time: fields.time,
        type: fields.type,
        v: fields.v,
      }),
    );
    return new Entry(fields, bytes, hasher.hashLeaf(bytes));
  }

  /** @internal decodeEntry's constructor; the caller has validated `fields` against `bytes`. */
  static fromVerifiedParts(fields: EntryFields, bytes: Uint8Array, leafHash: Uint8Array): Entry {
    return new Entry(fields, bytes, leafHash);
  }
}

/** The message a submitter signs for `part`. */
export function signedMessage(part: SignedPart): Uint8Array {
  return utf8(
    ENTRY_SIGNATURE_CONTEXT +
      // members in RFC 8785 order, so the fast path applies (jcsFast: same bytes as jcs)
      jcsFast({
        actor: part.actor,
        body: part.body,
        idem: part.idem,
        keyId: part.keyId,
        type: part.type,
        v: part.v,
      }),
  );
}

/** Builds and signs a submission. `key.publicKey.keyId` becomes the entry's keyId. */
export function createSubmission(
  input: {
    readonly type: string;
    readonly actor: string;
    readonly idem: string;
    readonly body: JsonObject;
  },
  key: SigningPrivateKey,
): Submission {
  const part: SignedPart = { v: ENTRY_VERSION, ...input, keyId: key.publicKey.keyId };
  assertSignedPart(part);
  return { ...part, sig: toHex(key.sign(signedMessage(part))) };
}

/** True when the submission's signature verifies under `key`. The caller resolves the key by keyId. */
export function verifySubmissionSignature(submission: Submission, key: SigningPublicKey): boolean {
  if (key.keyId !== submission.keyId) return false;
  let sig: Uint8Array;
  try {
    sig = fromHex(submission.sig, 'sig');
  } catch {
    return false;
  }
  return key.verify(signedMessage(submission), sig);
}

function fail(field: string, message: string): never {
  throw new MalformedEntryError(message, field);
}

function assertString(value: unknown, field: string, re: RegExp, what: string): void {
  if (typeof value !== 'string') fail(field, `expected a string, got ${typeOf(value)}`);
  if (!re.test(value)) fail(field, `not ${what}: ${JSON.stringify(value.slice(0, 80))}`);
}

/** A short, safe rendering of an untrusted JSON value for an error message. */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? typeOf(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True when `time` (matching TIME_RE) names a real instant, as Date#toISOString would print it. */
function isValidInstant(time: string): boolean {
  const num = (from: number, to: number): number => Number(time.slice(from, to));
  const [y, mo, d, h, mi, sec] = [
    num(0, 4),
    num(5, 7),
    num(8, 10),
    num(11, 13),
    num(14, 16),
    num(17, 19),
  ];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (mo === 2 ? (leap ? 29 : 28) : DAYS_IN_MONTH[mo - 1]!);
}

function assertExactKeys(value: unknown, keys: readonly string[], field: string): void {
  if (typeOf(value) !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) {
    fail(field, `expected an object, got ${typeOf(value)}`);
  }
  const actual = Object.keys(value as object);
  if (actual.length === keys.length && actual.every((k, i) => k === keys[i])) return;
  const missing = keys.filter((k) => !actual.includes(k));
  if (missing.length > 0) fail(field, `missing field(s): ${missing.join(', ')}`);
  const extra = actual.filter((k) => !keys.includes(k));
  if (extra.length > 0) fail(field, `unknown field(s): ${extra.join(', ')}`);
}

function assertSig(sig: unknown): void {
  assertString(sig, 'sig', SIG_RE, 'a hex signature');
  if ((sig as string).length % 2 !== 0) fail('sig', 'hex signature of odd length');
}

/** Asserts the signed part's shape (MalformedEntryError naming the field at fault). */
export function assertSignedPart(part: SignedPart): void {
  if (part.v !== ENTRY_VERSION)
    fail('v', `unsupported version ${show(part.v)}, expected ${ENTRY_VERSION}`);
  assertString(part.type, 'type', TYPE_RE, 'an entry type (lowercase, dot-separated)');
  assertString(part.actor, 'actor', ACTOR_RE, 'an actor id');
  assertString(part.keyId, 'keyId', HEX64_RE, 'a key id (64 lowercase hex)');
  assertString(part.idem, 'idem', IDEM_RE, 'an idempotency key (1-128 printable ASCII)');
  if (typeOf(part.body) !== 'object') fail('body', `expected an object, got ${typeOf(part.body)}`);
  assertJsonValue(part.body, 'body');
}

/** Asserts a submission's shape (no extra fields; signature as hex). */
export function assertSubmission(value: unknown): asserts value is Submission {
  assertExactKeys(value, SUBMISSION_KEYS, '$');
  const s = value as Submission;
  assertSignedPart(s);
  assertSig(s.sig);
}

/** Asserts every field of an entry. */
export function assertEntryFields(value: unknown): asserts value is EntryFields {
  assertExactKeys(value, ENTRY_KEYS, '$');
  const e = value as EntryFields;
  assertSignedPart(e);
  assertSig(e.sig);
  if (!Number.isSafeInteger(e.seq) || e.seq < 0)
    fail('seq', `expected a non-negative integer, got ${show(e.seq)}`);
  assertString(e.prev, 'prev', HEX64_RE, 'a leaf hash (64 lowercase hex)');
  assertString(e.time, 'time', TIME_RE, 'an RFC 3339 UTC time with milliseconds');
  if (!isValidInstant(e.time)) fail('time', `not a valid instant: ${e.time}`);
}
