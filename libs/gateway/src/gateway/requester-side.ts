// The requester side of a gateway: creates requests (subject sealed to the provider, never in
// clear on the ledger), accepts transfers (fetch, check hash, decrypt, check commitment,
// `receipt`), serves deliveries, records use and destruction (purpose binding), and passes a
// delivery on to a third department only under the provider's consent (§29).
import { createHash, randomUUID } from 'node:crypto';
import { LedgerRejectedError, type LedgerReceipt } from '@govx/bus';
import {
  ExchangeEntryTypes,
  GovernanceEntryTypes,
  validateGovernanceBody,
  type ConsentBody,
  type EntryRef,
  type RequestBody,
  type TransferBody,
} from '@govx/contracts';
import { getSuite, type CryptoSuite, type EncryptionPublicKey } from '@govx/crypto';
import type { FieldValue } from '../data-source/data-source.js';
import { openPayload, sealPayload, type Payload } from '../exchange/payload-envelope.js';
import { sealSubject } from '../exchange/subject.js';
import { stateOf, type ExchangeRecord, type Placed } from './exchange-index.js';
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

const sameRef = (a: EntryRef, b: EntryRef): boolean => a.seq === b.seq && a.leaf === b.leaf;

/** The suite that seals to `key`: x25519 → intl, sm2 → sm (departments may differ). */
function suiteFor(key: EncryptionPublicKey): CryptoSuite {
  return getSuite(key.algorithm === 'sm2' ? 'sm' : 'intl');
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

  private async openDelivery(x: ExchangeRecord): Promise<Payload> {
    const t = x.transfer!;
    this.checkTransfer(x);
    let sealed: Uint8Array;
    try {
      sealed = await this.ctx.deps.store.get(x.request.body.provider, t.body.payloadId);
    } catch (cause) {
      const erased = (cause as { code?: string }).code === 'erased';
      throw new GatewayError(
        erased ? 'payload-erased' : 'transfer-mismatch',
        (cause as Error).message,
        'payloadId',
        { cause },
      );
    }
    let payload: Payload;
    try {
      payload = openPayload(this.ctx.deps.keys.encryption, sealed, {
        requestId: x.request.body.requestId,
        payloadId: t.body.payloadId,
        ciphertextHash: t.body.ciphertextHash,
        commitment: t.body.commitment,
      });
    } catch (cause) {
      const code = (cause as { code?: string }).code;
      throw new GatewayError(
        code === 'hash-mismatch'
          ? 'hash-mismatch'
          : code === 'commitment-mismatch'
            ? 'commitment-mismatch'
            : 'transfer-mismatch',
        (cause as Error).message,
        code === 'hash-mismatch' ? 'ciphertextHash' : 'commitment',
        { cause },
      );
    }
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

  /** Requester: whether the provider consented to passing the delivery on to `to` (§29). */
  mayPassOn(requestId: string, to: string, purpose?: string): boolean {
    const x = this.ctx.sent(requestId);
    return x.transfer !== undefined && this.consentFor(x, to, purpose) !== undefined;
  }

  /**
   * The provider's consent covering `to` (and `purpose` when given): a `consent` entry signed by
   * the provider's gateway for this exchange's transfer. Consents by anyone else do not count.
   */
  private consentFor(
    x: ExchangeRecord,
    to: string,
    purpose?: string,
  ): Placed<ConsentBody> | undefined {
    const provider = `dept/${x.request.body.provider}/gateway`;
    const t = x.transfer?.ref;
    return x.consents.find(
      (c) =>
        c.actor === provider &&
        t !== undefined &&
        c.body.transfer.seq === t.seq &&
        c.body.transfer.leaf === t.leaf &&
        c.body.to === to &&
        (purpose === undefined || c.body.purpose === purpose),
    );
  }

  /**
   * Requester: passes a delivery on to a third department (§29), re-sealed to its key, as an
   * onward `transfer` naming the provider's consent. MUST NOT happen without a consent of the
   * original provider covering `to` and `purpose`: refused with `no-consent` (recorded as a
   * `rejection`, the caller being authenticated), nothing stored, nothing sent.
   */
  async passOn(requestId: string, to: string, purpose: string): Promise<LedgerReceipt> {
    const x = this.ctx.sent(requestId);
    const attempt = {
      type: ExchangeEntryTypes.Transfer,
      requestId,
      ...(x.transfer ? { ref: x.transfer.ref } : {}),
    };
    try {
      return await this.passOnChecked(x, to, purpose);
    } catch (e) {
      if (e instanceof LedgerRejectedError && e.code === 'idempotency-conflict')
        throw await this.ctx.reject(
          attempt,
          new GatewayError('duplicate', `this consent was used already for ${to}`, 'to', {
            cause: e,
          }),
        );
      throw await this.ctx.reject(attempt, e);
    }
  }

  /**
   * Third department: accepts an onward transfer addressed to it (§29) once it checks that the
   * provider's gateway consented to exactly this recipient for the holder's delivery; fetches,
   * hash-checks, decrypts, checks the commitment and the approved fields, and submits `receipt`
   * — or a `rejection`, delivering nothing.
   */
  async acceptOnward(x: ExchangeRecord, onward: Placed<TransferBody>): Promise<void> {
    try {
      await this.openOnward(x, onward);
      await this.ctx.submit(ExchangeEntryTypes.Receipt, `receipt/${onward.ref.leaf}`, {
        transfer: onward.ref,
        ciphertextHash: onward.body.ciphertextHash,
      });
    } catch (e) {
      await this.ctx.reject(
        {
          type: ExchangeEntryTypes.Transfer,
          ref: onward.ref,
          requestId: x.request.body.requestId,
        },
        e,
      );
    }
  }

  /** The consent an onward transfer names, if the provider's gateway gave it for it. */
  onwardConsent(x: ExchangeRecord, onward: Placed<TransferBody>): Placed<ConsentBody> {
    const named = onward.body.consent;
    const c = named && x.consents.find((k) => sameRef(k.ref, named));
    const t = x.transfer?.ref;
    if (
      !c ||
      !t ||
      c.actor !== `dept/${x.request.body.provider}/gateway` ||
      !sameRef(c.body.transfer, t) ||
      c.body.to !== onward.body.to ||
      onward.actor !== `dept/${x.requester}/gateway`
    )
      throw new GatewayError(
        'no-consent',
        `no consent of ${x.request.body.provider} allows ${x.requester} to pass ${x.request.body.requestId} on to ${onward.body.to}`,
        'consent',
      );
    return c;
  }

  private async openOnward(x: ExchangeRecord, onward: Placed<TransferBody>): Promise<Payload> {
    const me = this.ctx.deps.department;
    if (onward.body.to !== me)
      throw new GatewayError('transfer-mismatch', `addressed to ${onward.body.to}`, 'to');
    const consent = this.onwardConsent(x, onward);
    if ((onward.body.maskingProfile ?? null) !== (x.approval?.body.maskingProfile ?? null))
      throw new GatewayError(
        'transfer-mismatch',
        'the onward transfer does not apply the approved masking profile',
        'maskingProfile',
      );
    let sealed: Uint8Array;
    try {
      sealed = await this.ctx.deps.store.get(x.requester, onward.body.payloadId);
    } catch (cause) {
      const erased = (cause as { code?: string }).code === 'erased';
      throw new GatewayError(
        erased ? 'payload-erased' : 'transfer-mismatch',
        (cause as Error).message,
        'payloadId',
        { cause },
      );
    }
    let payload: Payload;
    try {
      payload = openPayload(this.ctx.deps.keys.encryption, sealed, {
        requestId: x.request.body.requestId,
        payloadId: onward.body.payloadId,
        ciphertextHash: onward.body.ciphertextHash,
        commitment: onward.body.commitment,
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
    const approved = x.approval?.body.fields ?? [];
    const extra = Object.keys(payload.record).find((f) => !approved.includes(f));
    if (extra !== undefined)
      throw new GatewayError('field-not-approved', `the payload carries ${extra}`, 'record');
    if (payload.purpose !== consent.body.purpose)
      throw new GatewayError(
        'transfer-mismatch',
        `the payload's purpose is not the consented "${consent.body.purpose}"`,
        'purpose',
      );
    return payload;
  }

  /** Third department: the newest onward delivery of `requestId` to it, decrypted and checked. */
  async onwardDelivery(
    requestId: string,
  ): Promise<{ readonly payload: Payload; readonly transfer: EntryRef; readonly from: string }> {
    const x = this.ctx.exchange(requestId);
    const me = this.ctx.deps.department;
    // The newest one this gateway acknowledged; else the newest (its refusal explains why).
    const mine = x.onward.filter((o) => o.body.to === me);
    const acknowledged = mine.filter((o) =>
      x.onwardReceipts.some((r) => r.actor === this.ctx.actor && sameRef(r.body.transfer, o.ref)),
    );
    const onward = acknowledged.at(-1) ?? mine.at(-1);
    if (!onward)
      throw new GatewayError(
        'not-found',
        `nothing of ${requestId} passed on to ${me}`,
        'requestId',
      );
    return { payload: await this.openOnward(x, onward), transfer: onward.ref, from: x.requester };
  }

  /**
   * Crypto-shreds the payloads this department passed on (§29) whose `expires` has passed (the
   * original delivery's): `payload.erase` with the onward transfer's ref.
   */
  async eraseExpiredOnward(now: Date = this.ctx.clock()): Promise<number> {
    const me = this.ctx.deps.department;
    let n = 0;
    for (const x of this.ctx.index.exchanges.values()) {
      if (x.requester !== me) continue;
      for (const o of x.onward) {
        if (Date.parse(o.body.expires) > now.getTime()) continue;
        if (x.onwardErasures.some((e) => sameRef(e.body.transfer, o.ref))) continue;
        await this.ctx.deps.store.erase(o.body.to, o.body.payloadId, 'retention', now);
        await this.ctx.submit(ExchangeEntryTypes.PayloadErase, `payload.erase/${o.ref.leaf}`, {
          transfer: o.ref,
          reason: 'retention',
        });
        n++;
      }
    }
    return n;
  }

  private async passOnChecked(
    x: ExchangeRecord,
    to: string,
    purpose: string,
  ): Promise<LedgerReceipt> {
    const me = this.ctx.deps.department;
    if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(to))
      throw new GatewayError('malformed', 'to: expected a department id', 'to');
    if (to === me || to === x.request.body.provider)
      throw new GatewayError('malformed', `to: ${to} is not a third department`, 'to');
    this.deliveredTransfer(x);
    if (this.ctx.clock().getTime() > Date.parse(`${x.request.body.timeLimit}T23:59:59.999Z`))
      throw new GatewayError(
        'purpose-expired',
        `the time limit ${x.request.body.timeLimit} has passed`,
        'timeLimit',
      );
    const consent = this.consentFor(x, to, purpose);
    if (!consent) {
      const other = this.consentFor(x, to);
      throw new GatewayError(
        'no-consent',
        other
          ? `${x.request.body.provider}'s consent to pass ${x.request.body.requestId} on to ${to} is for "${other.body.purpose}", not "${purpose}"`
          : `${x.request.body.provider} has not consented to passing ${x.request.body.requestId} on to ${to}`,
        other ? 'purpose' : 'to',
      );
    }
    if (x.onward.some((o) => o.body.consent?.seq === consent.ref.seq))
      throw new GatewayError('duplicate', `this consent was used already for ${to}`, 'to');
    const recipient = this.ctx.encryptionKeyOf(to);
    const delivered = await this.openDelivery(x);
    const payload: Payload = { ...delivered, purpose };
    const payloadId = createHash('sha256')
      .update(`onward\n${me}\n${consent.ref.leaf}`)
      .digest('hex')
      .slice(0, 40);
    const sealed = sealPayload(suiteFor(recipient), recipient, payload, payloadId);
    const t = x.transfer!.body;
    await this.ctx.deps.store.put(to, payloadId, sealed.sealed, t.expires);
    const body: TransferBody = {
      request: x.request.ref,
      approval: x.approval!.ref,
      requestId: x.request.body.requestId,
      to,
      ciphertextHash: sealed.ciphertextHash,
      size: sealed.size,
      commitment: sealed.commitment,
      ...(t.maskingProfile ? { maskingProfile: t.maskingProfile } : {}),
      payloadId,
      expires: t.expires,
      consent: consent.ref,
    };
    return this.ctx.submit(ExchangeEntryTypes.Transfer, `onward/${consent.ref.leaf}`, body);
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

  private deliveredTransfer(x: ExchangeRecord): EntryRef {
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
