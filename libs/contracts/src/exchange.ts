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

/** The payload store's JetStream streams and subjects (`<provider>.<payloadId>` appended). */
export const PayloadStoreSubjects = {
  DataStream: 'GOVX_PAYLOADS',
  KeyStream: 'GOVX_PAYLOAD_KEYS',
  Data: 'govx.payload.data',
  Key: 'govx.payload.key',
} as const;

/**
 * What a department's gateway publishes to use the payload store (for its NATS user, besides
 * its ledger subjects): store and erase only its own payloads, read any (each is sealed to
 * its requester), create the two streams if missing.
 */
export function payloadStorePublishSubjects(department: string): string[] {
  const streams = [PayloadStoreSubjects.DataStream, PayloadStoreSubjects.KeyStream];
  return [
    `${PayloadStoreSubjects.Data}.${department}.>`,
    `${PayloadStoreSubjects.Key}.${department}.>`,
    ...streams.flatMap((s) => [
      `$JS.API.STREAM.INFO.${s}`,
      `$JS.API.STREAM.CREATE.${s}`,
      `$JS.API.STREAM.MSG.GET.${s}`,
      `$JS.API.STREAM.MSG.DELETE.${s}`,
    ]),
  ];
}
