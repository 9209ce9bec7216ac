// Exchange entry types of decision 0006 (transfer, verification, receipt, use, destruction,
// consent, payload.erase, rejection), written by department gateways, and the subjects of
// the payload store. Personal data never appears here: only refs, hashes and commitments.
import { defineEntryType } from './entry-types.js';
import { entryRefSchema, type EntryRef } from './governance.js';
import { maskingProfileIdSchema } from './masking-profile.js';

export const ExchangeEntryTypes = {
  Transfer: 'transfer',
  Verification: 'verification',
  Receipt: 'receipt',
  Use: 'use',
  Destruction: 'destruction',
  Consent: 'consent',
  PayloadErase: 'payload.erase',
  Rejection: 'rejection',
} as const;
export type ExchangeEntryType = (typeof ExchangeEntryTypes)[keyof typeof ExchangeEntryTypes];

/** Reasons a payload is erased from the payload store. */
export const EraseReasons = ['retention', 'destruction', 'revocation'] as const;
export type EraseReason = (typeof EraseReasons)[number];

/** Refusal codes a gateway records in `rejection` entries and answers its callers with. */
export const RejectionCodes = [
  'unknown-department',
  'unknown-dataset',
  'not-shared',
  'field-not-in-catalogue',
  'field-not-approved',
  'approval-expired',
  'approval-mismatch',
  'transfer-mismatch',
  'hash-mismatch',
  'commitment-mismatch',
  'replayed-request',
  'subject-unreadable',
  'subject-not-found',
  'payload-erased',
  'purpose-expired',
  'no-consent',
  'malformed',
  // Governance (issue #6): officer actions refused against a request's state or the rules.
  'not-pending',
  'duplicate',
  'not-allowed',
  'not-found',
  'approval-used',
  'invalid-policy',
] as const;
export type RejectionCode = (typeof RejectionCodes)[number];

const GATEWAY = '^dept/[a-z0-9-]+/gateway$';
const hex64 = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;
const department = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' } as const;
const id = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$' } as const;
const text = { type: 'string', minLength: 1, maxLength: 2000 } as const;
const dateTime = {
  type: 'string',
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$',
} as const;
const obj = (
  required: readonly string[],
  properties: Record<string, unknown>,
): Record<string, unknown> => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
});

export interface TransferBody {
  readonly request: EntryRef;
  readonly approval: EntryRef;
  readonly requestId: string;
  /** The requesting department (the recipient of the payload). */
  readonly to: string;
  readonly ciphertextHash: string;
  readonly size: number;
  readonly commitment: string;
  /** The id of the approval's masking profile (masking-profile.ts). */
  readonly maskingProfile?: string;
  readonly payloadId: string;
  /** When the payload store erases the ciphertext (retention). */
  readonly expires: string;
  /**
   * Onward transfers only (§29): the provider's `consent` that allows the requester, holding a
   * delivery of this request, to pass it on to `to`. The actor is then the requester's gateway.
   */
  readonly consent?: EntryRef;
}
export interface VerificationBody {
  readonly request: EntryRef;
  readonly approval: EntryRef;
  readonly requestId: string;
  readonly to: string;
  readonly result: 'match' | 'no-match';
}
export interface ReceiptBody {
  readonly transfer: EntryRef;
  readonly ciphertextHash: string;
}
export interface UseBody {
  readonly transfer: EntryRef;
  readonly purpose: string;
}
export interface DestructionBody {
  readonly transfer: EntryRef;
  readonly method: string;
}
export interface ConsentBody {
  readonly transfer: EntryRef;
  readonly to: string;
  readonly purpose: string;
}
export interface PayloadEraseBody {
  readonly transfer: EntryRef;
  readonly reason: EraseReason;
}
export interface RejectionBody {
  readonly attempt: { readonly type: string; readonly ref?: EntryRef; readonly requestId?: string };
  readonly code: RejectionCode;
  readonly message: string;
  readonly field?: string;
}

defineEntryType({
  type: ExchangeEntryTypes.Transfer,
  summary: 'the provider stored the approved record, sealed to the requester',
  submitters: [GATEWAY],
  schema: obj(
    [
      'request',
      'approval',
      'requestId',
      'to',
      'ciphertextHash',
      'size',
      'commitment',
      'payloadId',
      'expires',
    ],
    {
      request: entryRefSchema,
      approval: entryRefSchema,
      requestId: id,
      to: department,
      ciphertextHash: hex64,
      size: { type: 'integer', minimum: 1, maximum: 1_073_741_824 },
      commitment: hex64,
      maskingProfile: maskingProfileIdSchema,
      payloadId: id,
      expires: dateTime,
      consent: entryRefSchema,
    },
  ),
});

defineEntryType({
  type: ExchangeEntryTypes.Verification,
  summary: 'the answer to a verification-only query (核验): match or no-match, never the record',
  submitters: [GATEWAY],
  schema: obj(['request', 'approval', 'requestId', 'to', 'result'], {
    request: entryRefSchema,
    approval: entryRefSchema,
    requestId: id,
    to: department,
    result: { enum: ['match', 'no-match'] },
  }),
});

defineEntryType({
  type: ExchangeEntryTypes.Receipt,
  summary: 'the requester fetched, checked and decrypted a delivery',
  submitters: [GATEWAY],
  schema: obj(['transfer', 'ciphertextHash'], { transfer: entryRefSchema, ciphertextHash: hex64 }),
});

defineEntryType({
  type: ExchangeEntryTypes.Use,
  summary: 'the requester used a delivery for its stated purpose (§25)',
  submitters: [GATEWAY],
  schema: obj(['transfer', 'purpose'], { transfer: entryRefSchema, purpose: text }),
});

defineEntryType({
  type: ExchangeEntryTypes.Destruction,
  summary: 'the requester destroyed a delivery at the end of its time limit (§25)',
  submitters: [GATEWAY],
  schema: obj(['transfer', 'method'], { transfer: entryRefSchema, method: text }),
});

defineEntryType({
  type: ExchangeEntryTypes.Consent,
  summary: "the provider's consent to pass a delivery on to a third department (§27)",
  submitters: [GATEWAY],
  schema: obj(['transfer', 'to', 'purpose'], {
    transfer: entryRefSchema,
    to: department,
    purpose: text,
  }),
});

defineEntryType({
  type: ExchangeEntryTypes.PayloadErase,
  summary: 'the provider erased a payload (crypto-shredding); the proof of the exchange stays',
  submitters: [GATEWAY],
  schema: obj(['transfer', 'reason'], { transfer: entryRefSchema, reason: { enum: EraseReasons } }),
});

defineEntryType({
  type: ExchangeEntryTypes.Rejection,
  summary: 'an authenticated attempt refused, with the code and the field at fault',
  submitters: ['^(dept|gov|ledger)/.+$'],
  schema: obj(['attempt', 'code', 'message'], {
    attempt: obj(['type'], {
      type: { type: 'string', pattern: '^[a-z][a-z0-9.-]{0,63}$' },
      ref: entryRefSchema,
      requestId: id,
    }),
    code: { enum: RejectionCodes },
    message: text,
    field: { type: 'string', maxLength: 256 },
  }),
});

/**
 * The payload store's JetStream streams and subjects (docs/decisions/0011): one data stream per
 * requesting department, one key stream per providing department.
 *
 *   `GOVX_PAYLOADS_<requester>`      `govx.payloads.<requester>.<provider>.<payloadId>`      ciphertexts
 *   `GOVX_PAYLOAD_KEYS_<provider>`   `govx.payload-keys.<provider>.<requester>.<payloadId>`  data keys
 */
export const PayloadStoreSubjects = {
  DataStreamPrefix: 'GOVX_PAYLOADS_',
  KeyStreamPrefix: 'GOVX_PAYLOAD_KEYS_',
  Data: 'govx.payloads',
  Key: 'govx.payload-keys',
  dataStream: (requester: string): string => `GOVX_PAYLOADS_${requester}`,
  keyStream: (provider: string): string => `GOVX_PAYLOAD_KEYS_${provider}`,
  data: (requester: string, provider: string, payloadId: string): string =>
    `govx.payloads.${requester}.${provider}.${payloadId}`,
  key: (provider: string, requester: string, payloadId: string): string =>
    `govx.payload-keys.${provider}.${requester}.${payloadId}`,
} as const;

/**
 * What a department's gateway may publish to use the payload store (for its NATS user, besides
 * its ledger subjects). The server refuses the rest:
 * - store ciphertexts (and their erasure tombstones) in any requester's stream, under its own
 *   provider token only; read only its own data stream (sealed to it); delete nothing there;
 * - write, read and delete (crypto-shred) only in its own key stream: the erasure duty
 *   (retention, destruction) is the provider's;
 * - read another provider's key stream only by direct get of a subject naming it as requester.
 * No stream creation (the platform creates the streams: a stream config could source another
 * stream), no consumers on payload streams.
 */
export function payloadStorePublishSubjects(
  department: string,
  departments: readonly string[],
): string[] {
  const data = PayloadStoreSubjects.dataStream(department);
  const keys = PayloadStoreSubjects.keyStream(department);
  return [
    `${PayloadStoreSubjects.Data}.*.${department}.>`,
    `${PayloadStoreSubjects.Key}.${department}.>`,
    `$JS.API.STREAM.INFO.${data}`,
    `$JS.API.STREAM.MSG.GET.${data}`,
    `$JS.API.STREAM.INFO.${keys}`,
    `$JS.API.STREAM.MSG.GET.${keys}`,
    `$JS.API.STREAM.MSG.DELETE.${keys}`,
    ...departments
      .filter((p) => p !== department)
      .map(
        (p) =>
          `$JS.API.DIRECT.GET.${PayloadStoreSubjects.keyStream(p)}.${PayloadStoreSubjects.Key}.${p}.${department}.>`,
      ),
  ];
}
