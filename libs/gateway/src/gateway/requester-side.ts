// The requester side of a gateway: creates requests (subject sealed to the provider, never in
// clear on the ledger), accepts transfers (fetch, check hash, decrypt, check commitment,
// `receipt`), serves deliveries, records use and destruction (purpose binding). Passing a
// delivery on (§29) is onward-side.ts.
import { randomUUID } from 'node:crypto';
import { LedgerRejectedError, type LedgerReceipt } from '@govx/bus';
import {
  ExchangeEntryTypes,
  GovernanceEntryTypes,
  validateGovernanceBody,
  type EntryRef,
  type RequestBody,
  type TransferBody,
} from '@govx/contracts';
import { getSuite, type CryptoSuite, type EncryptionPublicKey } from '@govx/crypto';
import type { FieldValue } from '../data-source/data-source.js';
import { openPayload, type Payload } from '../exchange/payload-envelope.js';
import { sealSubject } from '../exchange/subject.js';
import { stateOf, type ExchangeRecord } from './exchange-index.js';
import type { GatewayContext } from './gateway-context.js';
import { GatewayError } from './gateway.error.js';

export interface NewRequest {
  readonly requestId?: string;
  readonly provider: string;
  readonly datasetId: string;
  readonly datasetVersion?: number;
  readonly fields: readonly string[];
  /** The data subject (id number, parcel id): sealed to the provider, never on the ledger. */
  readonly subject: string;
  /** Verification-only datasets: the claimed values, field → value. */
  readonly claims?: Readonly<Record<string, FieldValue>>;
  readonly purpose: string;
  readonly legalBasis: string;
  readonly scenario: string;
  readonly scope: string;
  readonly method?: RequestBody['method'];
  /** Last day of use, YYYY-MM-DD. */
  readonly timeLimit: string;
  readonly duty: string;
}

/** The suite that seals to `key`: x25519 → intl, sm2 → sm (departments may differ). */
export function suiteFor(key: EncryptionPublicKey): CryptoSuite {
  return getSuite(key.algorithm === 'sm2' ? 'sm' : 'intl');
}

/**
 * A sealed payload named by a transfer entry (the delivery, or an onward transfer): fetched
 * from the store of `from`, hash-checked, decrypted and its commitment checked; each failure a
 * GatewayError naming the entry field at fault.
 */
export async function fetchPayload(
  ctx: GatewayContext,
  from: string,
  requestId: string,
  t: Pick<TransferBody, 'payloadId' | 'ciphertextHash' | 'commitment'>,
): Promise<Payload> {
  let sealed: Uint8Array;
  try {
    sealed = await ctx.deps.store.get(from, t.payloadId);
  } catch (cause) {
    const erased = (cause as { code?: string }).code === 'erased';
    throw new GatewayError(
      erased ? 'payload-erased' : 'transfer-mismatch',
      (cause as Error).message,
      'payloadId',
      { cause },
    );
  }
  try {
    return openPayload(ctx.deps.keys.encryption, sealed, {
      requestId,
      payloadId: t.payloadId,
      ciphertextHash: t.ciphertextHash,
      commitment: t.commitment,
    });
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    throw new GatewayError(
      code === 'hash-mismatch' || code === 'commitment-mismatch' ? code : 'transfer-mismatch',
      (cause as Error).message,
      code === 'hash-mismatch' ? 'ciphertextHash' : 'commitment',
      { cause },
    );
  }
}

export class RequesterSide {
  constructor(private readonly ctx: GatewayContext) {}

  async acceptTransfer(x: ExchangeRecord): Promise<void> {
    const t = x.transfer!;
    try {
      await this.openDelivery(x);
      await this.ctx.submit(ExchangeEntryTypes.Receipt, `receipt/${t.ref.leaf}`, {
        transfer: t.ref,
        ciphertextHash: t.body.ciphertextHash,
      });
    } catch (e) {
      await this.ctx.reject(
        { type: ExchangeEntryTypes.Transfer, ref: t.ref, requestId: x.request.body.requestId },
        e,
      );
    }
  }

  /** The delivery of `x`, fetched, hash-checked, decrypted and checked (also for onward-side). */
  async openDelivery(x: ExchangeRecord): Promise<Payload> {
    const t = x.transfer!;
    this.checkTransfer(x);
    const payload = await fetchPayload(
      this.ctx,
      x.request.body.provider,
      x.request.body.requestId,
      t.body,
    );
    const approved = x.approval!.body.fields;
    const extra = Object.keys(payload.record).find((f) => !approved.includes(f));
    if (extra !== undefined) {
      throw new GatewayError(
        'field-not-approved',
        `the payload carries ${extra}, not approved`,
        'record',
      );
    }
    return payload;
  }

  /** A transfer MUST answer the exchange's final approval, to this department, as approved. */
  private checkTransfer(x: ExchangeRecord): void {
    const t = x.transfer!.body;
    const a = x.approval;
    const mismatch = (field: string, message: string): GatewayError =>
      new GatewayError('transfer-mismatch', message, field);
    if (!a || a.ref.seq !== t.approval.seq || a.ref.leaf !== t.approval.leaf) {
      throw mismatch('approval', 'the transfer does not answer the final approval of its request');
    }
    if (t.to !== this.ctx.deps.department)
      throw mismatch('to', `the transfer is addressed to ${t.to}`);
    if ((t.maskingProfile ?? null) !== (a.body.maskingProfile ?? null)) {
      throw mismatch('maskingProfile', 'the transfer does not apply the approved masking profile');
    }
  }

  /** Requester: a delivery, decrypted and checked against its transfer entry. */
  async delivery(requestId: string): Promise<{
    readonly payload: Payload | null;
    readonly verification: 'match' | 'no-match' | null;
    readonly transfer: EntryRef | null;
  }> {
    const x = this.ctx.sent(requestId);
    if (x.verification)
      return { payload: null, verification: x.verification.body.result, transfer: null };
    if (!x.transfer)
      throw new GatewayError(
        'not-found',
        `nothing delivered yet for ${requestId} (${stateOf(x)})`,
        'requestId',
      );
    if (x.destruction)
      throw new GatewayError(
        'payload-erased',
        `the delivery of ${requestId} was destroyed`,
        'requestId',
      );
    return { payload: await this.openDelivery(x), verification: null, transfer: x.transfer.ref };
  }

  /** Requester: records a use of a delivery for its purpose, within its time limit (§25). */
  async recordUse(requestId: string, purpose: string): Promise<LedgerReceipt> {
    const x = this.ctx.sent(requestId);
    const t = this.deliveredTransfer(x);
    if (purpose !== x.request.body.purpose) {
      throw new GatewayError(
        'purpose-expired',
        'use must serve the purpose stated in the request',
        'purpose',
      );
    }
    if (this.ctx.clock().getTime() > Date.parse(`${x.request.body.timeLimit}T23:59:59.999Z`)) {
      throw new GatewayError(
        'purpose-expired',
        `the time limit ${x.request.body.timeLimit} has passed`,
        'timeLimit',
      );
    }
    return this.ctx.submit(ExchangeEntryTypes.Use, `use/${t.leaf}/${randomUUID()}`, {
      transfer: t,
      purpose,
    });
  }

  /** Requester: records the destruction of a delivery; the provider then erases the payload. */
  async recordDestruction(requestId: string, method: string): Promise<LedgerReceipt> {
    const x = this.ctx.sent(requestId);
    const t = this.deliveredTransfer(x);
    return this.ctx.submit(ExchangeEntryTypes.Destruction, `destruction/${t.leaf}`, {
      transfer: t,
      method,
    });
  }

  /** Creates and submits a request; refusals are answered and recorded as `rejection`. */
  async createRequest(input: NewRequest): Promise<{ requestId: string; receipt: LedgerReceipt }> {
    const requestId = input.requestId ?? `${this.ctx.deps.department}-${randomUUID()}`;
    try {
      const body = this.requestBody(requestId, input);
      const receipt = await this.ctx.submit(
        GovernanceEntryTypes.Request,
        `request/${requestId}`,
        body,
        false,
      );
      if (this.ctx.deps.autoEndorse) {
        await this.endorseRef(requestId, { seq: receipt.seq, leaf: receipt.leafHash });
      }
      return { requestId, receipt };
    } catch (e) {
      if (e instanceof LedgerRejectedError && e.code === 'idempotency-conflict') {
        throw await this.ctx.reject(
          { type: GovernanceEntryTypes.Request, requestId },
          new GatewayError('replayed-request', `request ${requestId} exists already`, 'requestId'),
        );
      }
      const err = await this.ctx.reject(
        {
          type: GovernanceEntryTypes.Request,
          ...(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(requestId) ? { requestId } : {}),
        },
        e,
      );
      throw err;
    }
  }

  /** The requesting department's office endorses one of its requests (§20): `request.endorse`. */
  async endorse(requestId: string): Promise<LedgerReceipt> {
    const x = this.ctx.exchange(requestId);
    if (x.requester !== this.ctx.deps.department) {
      throw new GatewayError(
        'not-found',
        `${requestId} was not sent by this department`,
        'requestId',
      );
    }
    return this.endorseRef(requestId, x.request.ref);
  }

  private endorseRef(requestId: string, ref: EntryRef): Promise<LedgerReceipt> {
    const key = this.ctx.deps.officeKey;
    if (!key) throw new GatewayError('malformed', 'this gateway holds no office key', 'officeKey');
    return this.ctx.submit(
      GovernanceEntryTypes.RequestEndorse,
      `endorse/${requestId}`,
      { request: ref },
      true,
      {
        actor: `dept/${this.ctx.deps.department}/office`,
        key,
      },
    );
  }

  private requestBody(requestId: string, input: NewRequest): RequestBody {
    if (this.ctx.index.exchanges.has(requestId))
      throw new GatewayError(
        'replayed-request',
        `request ${requestId} exists already`,
        'requestId',
      );
    const providerKey = this.ctx.encryptionKeyOf(input.provider);
    const published = this.ctx.index.catalogueEntry(input.datasetId, input.datasetVersion);
    if (!published || published.body.provider !== input.provider) {
      throw new GatewayError(
        'unknown-dataset',
        `${input.provider} publishes no dataset ${input.datasetId}`,
        'datasetId',
      );
    }
    if (published.body.sharing.category === 'not-shared') {
      throw new GatewayError(
        'not-shared',
        `${input.datasetId} is not shared: ${published.body.sharing.reason ?? ''}`,
        'datasetId',
      );
    }
    if (!Array.isArray(input.fields) || input.fields.length === 0)
      throw new GatewayError('malformed', 'fields: expected at least one', 'fields');
    input.fields.forEach((f, i) => {
      if (!published.body.fields.some((c) => c.name === f)) {
        throw new GatewayError(
          'field-not-in-catalogue',
          `${input.datasetId} has no field ${String(f)}`,
          `fields/${i}`,
        );
      }
    });
    if (typeof input.subject !== 'string' || input.subject.length === 0)
      throw new GatewayError('malformed', 'subject: expected a non-empty string', 'subject');
    const subject = sealSubject(suiteFor(providerKey), providerKey, requestId, {
      subject: input.subject,
      ...(input.claims ? { claims: input.claims } : {}),
    });
    const body = {
      requestId,
      provider: input.provider,
      datasetId: input.datasetId,
      datasetVersion: published.body.version,
      fields: [...input.fields],
      purpose: input.purpose,
      legalBasis: input.legalBasis,
      scenario: input.scenario,
      scope: input.scope,
      method: input.method ?? 'api',
      timeLimit: input.timeLimit,
      duty: input.duty,
      ...subject,
    };
    try {
      return validateGovernanceBody<RequestBody>(GovernanceEntryTypes.Request, body);
    } catch (cause) {
      const field = (cause as { field?: string }).field ?? null;
      throw new GatewayError('malformed', (cause as Error).message, field, { cause });
    }
  }

  /** The transfer of a delivery received and not destroyed, else not-found / payload-erased. */
  deliveredTransfer(x: ExchangeRecord): EntryRef {
    if (!x.transfer || !x.receipt)
      throw new GatewayError(
        'not-found',
        `nothing received for ${x.request.body.requestId}`,
        'requestId',
      );
    if (x.destruction)
      throw new GatewayError('payload-erased', 'the delivery was destroyed', 'requestId');
    return x.transfer.ref;
  }
}
